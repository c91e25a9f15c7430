// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpcat: netcat for AF_XTCP.
 *
 *   xtcpcat [-s ADDR] [-u CHAR] [-w] -l -p PORT     listen, accept one connection
 *   xtcpcat [-s ADDR] [-u CHAR] [-w] [-p PORT] HOST PORT    connect
 *
 * Copies standard input to the socket and the socket to standard
 * output.  End of file on standard input shuts the send side down
 * (half-close); the program exits when both directions are done.
 * With -u, CHAR goes as urgent data (send(MSG_OOB)) just before the
 * half-close; a reader without SO_OOBINLINE, as xtcpcat, skips it.
 * With -c the socket is corked (XTCP_CORK): a partial segment waits
 * for more, and the last one leaves with the FIN.
 * With -w, standard input is read only once the peer has half-closed:
 * an answer to a request, into the half-closed connection, then our
 * FIN (make run's teardown, segment by segment).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "xtcp_param.h"

static void die_usage(void)
{
	fprintf(stderr,
		"usage: xtcpcat [-s ADDR] [-u CHAR] [-c] [-w] -l -p PORT\n"
		"       xtcpcat [-s ADDR] [-u CHAR] [-c] [-w] [-p PORT] HOST PORT\n"
		"  -c  cork (XTCP_CORK): partial segments wait, the last goes with the FIN\n"
		"  -w  answer: send stdin only after the peer's FIN (half-close)\n");
	exit(2);
}

static struct sockaddr_in addr(const char *ip, const char *port)
{
	struct sockaddr_in sin = { .sin_family = xtcp_family() };

	if (ip && inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "xtcpcat: bad address %s\n", ip);
		exit(2);
	}
	sin.sin_port = htons(port ? atoi(port) : 0);
	return sin;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Copy stdin to the socket and the socket to stdout until both end;
 * stdin's end is our FIN.  With @answer, stdin waits for the peer's
 * FIN: a reply sent into a half-closed connection.
 */
static int pump(int s, const char *urgent, int answer)
{
	struct pollfd p[2] = { { .fd = 0, .events = POLLIN },
			       { .fd = s, .events = POLLIN } };
	static char buf[65536];
	int in_open = 1, sock_open = 1;

	while (in_open || sock_open) {
		p[0].fd = in_open && !(answer && sock_open) ? 0 : -1;
		p[1].fd = sock_open ? s : -1;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("xtcpcat: poll");
			return 1;
		}
		if (p[0].revents) {
			ssize_t n = read(0, buf, sizeof(buf));

			if (n < 0) {
				perror("xtcpcat: read stdin");
				return 1;
			}
			if (!n) {
				in_open = 0;
				if (urgent && send(s, urgent, 1, MSG_OOB) != 1) {
					perror("xtcpcat: send(MSG_OOB)");
					return 1;
				}
				if (shutdown(s, SHUT_WR)) {
					perror("xtcpcat: shutdown");
					return 1;
				}
			} else if (write_all(s, buf, n)) {
				perror("xtcpcat: send");
				return 1;
			}
		}
		if (p[1].revents) {
			ssize_t n = read(s, buf, sizeof(buf));

			if (n < 0) {
				perror("xtcpcat: recv");
				return 1;
			}
			if (!n) {
				sock_open = 0;
			} else if (write_all(1, buf, n)) {
				perror("xtcpcat: write stdout");
				return 1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *src = NULL, *lport = NULL, *urgent = NULL;
	int listen_mode = 0, answer = 0, cork = 0, one = 1, c, s, fd;
	struct sockaddr_in sin;

	while ((c = getopt(argc, argv, "cls:p:u:w")) != -1) {
		switch (c) {
		case 'l':
			listen_mode = 1;
			break;
		case 's':
			src = optarg;
			break;
		case 'p':
			lport = optarg;
			break;
		case 'u':
			if (strlen(optarg) != 1)
				die_usage();
			urgent = optarg;
			break;
		case 'w':
			answer = 1;
			break;
		case 'c':
			cork = 1;
			break;
		default:
			die_usage();
		}
	}
	if (listen_mode ? (argc != optind || !lport) : argc - optind != 2)
		die_usage();

	s = socket(xtcp_family(), SOCK_STREAM, 0);
	if (s < 0) {
		perror("xtcpcat: socket (is xtcp.ko loaded?)");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (src || lport) {
		sin = addr(src ? src : "0.0.0.0", lport);
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin))) {
			perror("xtcpcat: bind");
			return 1;
		}
	}
	if (listen_mode) {
		if (listen(s, 1)) {
			perror("xtcpcat: listen");
			return 1;
		}
		fd = accept(s, NULL, NULL);
		if (fd < 0) {
			perror("xtcpcat: accept");
			return 1;
		}
		close(s);
	} else {
		sin = addr(argv[optind], argv[optind + 1]);
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
			perror("xtcpcat: connect");
			return 1;
		}
		fd = s;
	}
	if (cork && setsockopt(fd, SOL_XTCP, XTCP_CORK, &one, sizeof(one))) {
		perror("xtcpcat: XTCP_CORK");
		return 1;
	}
	c = pump(fd, urgent, answer);
	close(fd);
	return c;
}
