/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the xtcp selftests. */
#ifndef _XTCP_UTIL_H
#define _XTCP_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../uapi/linux/xtcp.h"

/*
 * The harness gives each test 30 s before it kills it: a hang guard
 * sized for a fast machine.  The debug kernel under emulation on a
 * machine half as fast took longer in tests that pass (dump_resumes,
 * the ECN runs), and a killed test skips its teardown, so its sysctls
 * leaked into the next binary's.  Every harness user includes the
 * harness first; tests that need longer still say so.
 */
#ifdef TEST_TIMEOUT_DEFAULT
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120
#endif

/* A module parameter as an int, or @def. */
static inline int xtcp_param_int(const char *name, int def)
{
	char path[128];
	FILE *f;
	int v = def;

	snprintf(path, sizeof(path), "/sys/module/xtcp/parameters/%s", name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = def;
		fclose(f);
	}
	return v;
}

/*
 * Which entry the tests open sockets through: the family (default), or
 * with XTCP_TEST_ENTRY=inet the AF_INET entry, socket(AF_INET,
 * SOCK_STREAM, IPPROTO_XTCP).  Names then come back as AF_INET.
 */
static inline int xtcp_entry_inet(void)
{
	const char *e = getenv("XTCP_TEST_ENTRY");

	return e && !strcmp(e, "inet");
}

/* The family of the tests' sockets and addresses. */
static inline int xtcp_af(void)
{
	static int af;

	if (!af)
		af = xtcp_entry_inet() ? AF_INET : xtcp_param_int("family", AF_XTCP);
	return af;
}

/* The protocol argument of socket() for that entry. */
static inline int xtcp_sock_proto(void)
{
	return xtcp_entry_inet() ? xtcp_param_int("ipproto", IPPROTO_XTCP) : 0;
}

/*
 * An xtcp stream socket through the chosen entry.  It must be xtcp's
 * (SO_PROTOCOL): a test never runs on TCP by mistake.
 */
static inline int xtcp_stream_socket(int type_flags)
{
	int s = socket(xtcp_af(), SOCK_STREAM | type_flags, xtcp_sock_proto());
	int proto = 0;
	socklen_t len = sizeof(proto);

	if (s < 0)
		return s;
	if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &len) ||
	    proto != xtcp_param_int("ipproto", IPPROTO_XTCP)) {
		close(s);
		errno = EPROTONOSUPPORT;
		return -1;
	}
	return s;
}

static inline struct sockaddr_in xtcp_addr(const char *ip, unsigned short port)
{
	struct sockaddr_in sin = { 0 };

	sin.sin_family = xtcp_af();
	sin.sin_port = htons(port);
	inet_pton(AF_INET, ip, &sin.sin_addr);
	return sin;
}

static inline int xtcp_socket(void)
{
	return xtcp_stream_socket(0);
}

/* Bind @fd to ip:port; returns 0 or -errno. */
static inline int xtcp_bind(int fd, const char *ip, unsigned short port)
{
	struct sockaddr_in sin = xtcp_addr(ip, port);

	return bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

static inline unsigned short xtcp_local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len))
		return 0;
	return ntohs(sin.sin_port);
}

/* A counter from /proc/net/xtcp_snmp, or -1. */
static inline long xtcp_counter(const char *name)
{
	char key[64];
	long val;
	FILE *f = fopen("/proc/net/xtcp_snmp", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2) {
		if (!strcmp(key, name)) {
			fclose(f);
			return val;
		}
	}
	fclose(f);
	return -1;
}

/* Number of lines of /proc/net/xtcp whose local port is @port. */
static inline int xtcp_proc_count_port(unsigned short port)
{
	char line[512];
	unsigned int sl, addr, lport;
	int n = 0;
	FILE *f = fopen("/proc/net/xtcp", "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %u: %x:%x", &sl, &addr, &lport) == 3 &&
		    lport == port)
			n++;
	fclose(f);
	return n;
}

static inline int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(s, f) < 0 ? -errno : 0;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static inline int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return (int)n;
}

#endif
