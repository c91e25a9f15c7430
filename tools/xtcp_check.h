/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzzers check and set in their own namespace: net.xtcp
 * sysctls, the count of sockets in /proc/net/xtcp, and that a fresh
 * connection over loopback still carries data intact.
 */
#ifndef _XTCP_CHECK_H
#define _XTCP_CHECK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static inline void xtcp_sysctl_set(const char *name, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/xtcp/%s", name);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* Lines of this namespace's /proc/net/xtcp, the header not counted. */
static inline int xtcp_proc_entries(void)
{
	char line[512];
	int n = -1;
	FILE *f = fopen("/proc/net/xtcp", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* A connection to 127.0.0.1:@port of @family carries 64 KB intact: 0. */
static inline int xtcp_loopback_check(int family, unsigned short port)
{
	struct sockaddr_in sin = { .sin_family = family, .sin_port = htons(port) };
	static char out[65536], in[65536];
	int l, c, a = -1, one = 1, ret = -1;
	size_t got = 0, i;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(family, SOCK_STREAM, 0);
	c = socket(family, SOCK_STREAM, 0);
	if (l < 0 || c < 0)
		goto out;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 1) ||
	    connect(c, (struct sockaddr *)&sin, sizeof(sin)))
		goto out;
	a = accept(l, NULL, NULL);
	for (i = 0; i < sizeof(out); i++)
		out[i] = i * 7 + (i >> 8);
	if (a < 0 || write(c, out, sizeof(out)) != sizeof(out))
		goto out;
	while (got < sizeof(in)) {
		ssize_t n = read(a, in + got, sizeof(in) - got);

		if (n <= 0)
			goto out;
		got += n;
	}
	ret = memcmp(in, out, sizeof(in)) ? -1 : 0;
out:
	if (a >= 0)
		close(a);
	if (c >= 0)
		close(c);
	if (l >= 0)
		close(l);
	return ret;
}

#endif
