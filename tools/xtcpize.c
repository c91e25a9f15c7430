// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpize: run an unmodified program with its TCP sockets on xtcp.
 *
 *   xtcpize [-v] PROGRAM [ARGS...]
 *
 * Checks that xtcp's AF_INET entry answers (the module is loaded),
 * then runs PROGRAM with libxtcpize.so preloaded (found next to this
 * launcher, or in ../lib/xtcp/ for an installed one).  -v: the library
 * logs each socket it rewrites.  Exit status: PROGRAM's, or 1 when xtcp
 * is not there (never a silent fall back to TCP), 127 when PROGRAM
 * cannot be run.  See man/xtcpize.1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <netinet/in.h>

#include "xtcp_param.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char usage_text[] = "usage: xtcpize [-v] PROGRAM [ARGS...]\n";

/* The preload library: beside us, or installed under ../lib/xtcp/. */
static int find_lib(char *out, size_t len)
{
	static const char *const where[] = { "%s/libxtcpize.so", "%s/../lib/xtcp/libxtcpize.so" };
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *dir;
	size_t i;

	if (n <= 0)
		return -1;
	self[n] = 0;
	dir = dirname(self);	/* once: it cuts self in place */
	for (i = 0; i < ARRAY_SIZE(where); i++) {
		snprintf(out, len, where[i], dir);
		if (!access(out, R_OK))
			return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int ipproto = xtcp_param("ipproto", IPPROTO_XTCP), opt, fd;
	char lib[PATH_MAX], env[2 * PATH_MAX];
	const char *old = getenv("LD_PRELOAD");
	bool verbose = false;

	while ((opt = getopt(argc, argv, "+vh")) != -1) {
		if (opt == 'v')
			verbose = true;
		else
			return fputs(usage_text, stderr), 2;
	}
	if (optind == argc)
		return fputs(usage_text, stderr), 2;
	fd = socket(AF_INET, SOCK_STREAM, ipproto);
	if (fd < 0) {
		fprintf(stderr, "xtcpize: xtcp is not available: %s (IP protocol %d)\n",
			strerror(errno), ipproto);
		fprintf(stderr, "xtcpize: load it (modprobe xtcp or insmod xtcp.ko); %s %s\n",
			argv[optind], "not run over TCP");
		return 1;
	}
	close(fd);
	if (find_lib(lib, sizeof(lib))) {
		fprintf(stderr, "xtcpize: libxtcpize.so not found beside %s or in ../lib/xtcp/\n",
			argv[0]);
		return 1;
	}
	if (old && *old)
		snprintf(env, sizeof(env), "%s:%s", lib, old);
	else
		snprintf(env, sizeof(env), "%s", lib);
	if (setenv("LD_PRELOAD", env, 1) || (verbose && setenv("XTCPIZE_VERBOSE", "1", 1)))
		return 1;
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "xtcpize: %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
