// SPDX-License-Identifier: GPL-2.0
/*
 * sockprobe: what socket(FAMILY, SOCK_STREAM, PROTO) gives, for the
 * module checks of scripts/guest-test (python3 takes seconds to start
 * on the debug kernel; this takes none).
 *
 *   sockprobe FAMILY PROTO          print SO_PROTOCOL, or the errno
 *   sockprobe -n N FAMILY PROTO     open N sockets, close them; exit 1
 *                                   if one failed
 *   sockprobe -h FILE FAMILY PROTO  open one, create FILE, hold it
 *                                   until killed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char help[] = "usage: sockprobe [-n N | -h FILE] FAMILY PROTO\n";

int main(int argc, char **argv)
{
	const char *hold = NULL;
	int n = 0, family, proto, i, fd, ok = 1, opt;
	int fds[64];
	socklen_t len = sizeof(opt);

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		n = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	} else if (argc > 2 && !strcmp(argv[1], "-h")) {
		hold = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc != 3 || n < 0 || n > 64) {
		fputs(help, stderr);
		return 2;
	}
	family = atoi(argv[1]);
	proto = atoi(argv[2]);

	if (n) {
		for (i = 0; i < n; i++) {
			fds[i] = socket(family, SOCK_STREAM, proto);
			ok &= fds[i] >= 0;
		}
		for (i = 0; i < n; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		return !ok;
	}
	fd = socket(family, SOCK_STREAM, proto);
	if (fd < 0) {
		printf("%d\n", errno);
		return hold ? 1 : 0;
	}
	if (hold) {
		i = open(hold, O_WRONLY | O_CREAT, 0600);
		if (i < 0)
			return 1;
		close(i);
		pause();
		return 0;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &opt, &len))
		return 1;
	printf("%d\n", opt);
	return 0;
}
