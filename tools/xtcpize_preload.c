// SPDX-License-Identifier: GPL-2.0
/*
 * libxtcpize.so: the preload library of xtcpize(1).  It turns a
 * program's TCP stream sockets into xtcp ones, and keeps up what the
 * program believes about them:
 *
 *  - socket(AF_INET, SOCK_STREAM, 0 or IPPROTO_TCP) opens
 *    socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP) (the module's ipproto);
 *  - socket(AF_INET6, SOCK_STREAM, ...) opens the same AF_INET socket,
 *    and its addresses are translated: bind() to :: or a v4-mapped
 *    address and connect() to a v4-mapped one go over xtcp (IPv4); a
 *    native IPv6 destination gets ENETUNREACH, so a client tries its
 *    next address; names come back v4-mapped; a listener with
 *    IPV6_V6ONLY bound to :: stays open but idle (xtcp has no IPv6), so
 *    the program's IPv4 listener on the same port can bind;
 *  - IPPROTO_TCP socket options go to SOL_XTCP (the numbers are TCP's);
 *    TCP_INFO is answered from XTCP_INFO in struct tcp_info's layout;
 *    options that only tune TCP (fast open, thin streams, TX delay)
 *    are accepted and ignored; the others xtcp has not (kTLS, repair,
 *    MD5 signatures, ...) are refused with ENOPROTOOPT.
 *
 * It never falls back to TCP: when the module is not loaded, the socket
 * call fails (EPROTONOSUPPORT) after one message on stderr.
 * XTCPIZE_VERBOSE=1 logs each rewritten socket.  What a preload cannot
 * reach (static binaries, setuid programs, io_uring, sockets inherited
 * across exec()) is in man/xtcpize.1.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/tcp.h>

#include "xtcp_param.h"

/* What a descriptor is, for the calls that translate. */
enum kind {
	K_NONE = 0,
	K_INET,		/* xtcp, the program asked for AF_INET */
	K_INET6,	/* xtcp, the program asked for AF_INET6 */
	K_IDLE6,	/* an IPV6_V6ONLY listener on ::, kept idle */
};

#define MAX_FDS 65536

struct fdinfo {
	unsigned char kind;
	bool v6only;
	unsigned short port;	/* K_IDLE6: the port the program bound */
};

static struct fdinfo fds[MAX_FDS];
static int ipproto = IPPROTO_XTCP;
static bool verbose;

static int (*real_socket)(int, int, int);
static int (*real_bind)(int, const struct sockaddr *, socklen_t);
static int (*real_connect)(int, const struct sockaddr *, socklen_t);
static int (*real_accept4)(int, struct sockaddr *, socklen_t *, int);
static int (*real_getsockname)(int, struct sockaddr *, socklen_t *);
static int (*real_getpeername)(int, struct sockaddr *, socklen_t *);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static int (*real_close)(int);
static int (*real_dup)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static int (*real_fcntl)(int, int, ...);
static int (*real_fcntl64)(int, int, ...);

static void resolve(void)
{
	const char *v = getenv("XTCPIZE_VERBOSE");

	real_socket = dlsym(RTLD_NEXT, "socket");
	real_bind = dlsym(RTLD_NEXT, "bind");
	real_connect = dlsym(RTLD_NEXT, "connect");
	real_accept4 = dlsym(RTLD_NEXT, "accept4");
	real_getsockname = dlsym(RTLD_NEXT, "getsockname");
	real_getpeername = dlsym(RTLD_NEXT, "getpeername");
	real_setsockopt = dlsym(RTLD_NEXT, "setsockopt");
	real_getsockopt = dlsym(RTLD_NEXT, "getsockopt");
	real_close = dlsym(RTLD_NEXT, "close");
	real_dup = dlsym(RTLD_NEXT, "dup");
	real_dup2 = dlsym(RTLD_NEXT, "dup2");
	real_dup3 = dlsym(RTLD_NEXT, "dup3");
	real_fcntl = dlsym(RTLD_NEXT, "fcntl");
	real_fcntl64 = dlsym(RTLD_NEXT, "fcntl64");
	if (!real_fcntl64)
		real_fcntl64 = real_fcntl;
	ipproto = xtcp_param("ipproto", IPPROTO_XTCP);
	verbose = v && *v && strcmp(v, "0");
}

/*
 * Before any wrapper runs: another library's constructor may call one
 * (libcap-ng's closes descriptors) before ours has run.
 */
static void ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, resolve);
}

static void __attribute__((constructor)) xtcpize_init(void)
{
	ready();
}

static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		(void)!write(STDERR_FILENO, buf, n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1);
}

/*
 * The kind of @fd, checked against the socket itself: a stale entry
 * (the descriptor closed by a path we do not see and reused) is dropped.
 */
static enum kind kind_of(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (fd < 0 || fd >= MAX_FDS || fds[fd].kind == K_NONE)
		return K_NONE;
	if (fds[fd].kind == K_IDLE6) {
		if (!real_getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) && v == AF_UNIX)
			return K_IDLE6;
	} else if (!real_getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) && v == ipproto) {
		return fds[fd].kind;
	}
	memset(&fds[fd], 0, sizeof(fds[fd]));
	return K_NONE;
}

static void set_kind(int fd, enum kind k)
{
	if (fd >= 0 && fd < MAX_FDS) {
		memset(&fds[fd], 0, sizeof(fds[fd]));
		fds[fd].kind = k;
	}
}

static void copy_kind(int from, int to)
{
	if (to >= 0 && to < MAX_FDS)
		fds[to] = (from >= 0 && from < MAX_FDS) ? fds[from] : (struct fdinfo){ 0 };
}

int socket(int domain, int type, int protocol)
{
	static bool told;
	int fd;

	ready();
	if ((domain != AF_INET && domain != AF_INET6) ||
	    (type & 0xf) != SOCK_STREAM ||
	    (protocol != 0 && protocol != IPPROTO_TCP)) {
		fd = real_socket(domain, type, protocol);
		if (fd >= 0)
			set_kind(fd, K_NONE);
		return fd;
	}
	fd = real_socket(AF_INET, type, ipproto);
	if (fd < 0) {
		int err = errno;

		if (!told) {
			say("xtcpize: no xtcp (IP protocol %d): %s; not falling back to TCP\n",
			    ipproto, strerror(err));
			told = true;
		}
		errno = err;
		return -1;
	}
	set_kind(fd, domain == AF_INET6 ? K_INET6 : K_INET);
	if (verbose)
		say("xtcpize: %s stream %d (protocol %d) is xtcp\n",
		    domain == AF_INET6 ? "AF_INET6" : "AF_INET", fd, protocol);
	return fd;
}

/* @in6 as IPv4 into @in: 0, or -1 for a native IPv6 address. */
static int to_v4(const struct sockaddr_in6 *in6, struct sockaddr_in *in)
{
	const struct in6_addr *a = &in6->sin6_addr;

	memset(in, 0, sizeof(*in));
	in->sin_family = AF_INET;
	in->sin_port = in6->sin6_port;
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		in->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (IN6_IS_ADDR_V4MAPPED(a))
		memcpy(&in->sin_addr, &a->s6_addr[12], 4);
	else
		return -1;
	return 0;
}

/* An IPv4 name as the v4-mapped IPv6 one the program expects. */
static void to_v6(const struct sockaddr_in *in, struct sockaddr *out, socklen_t *len)
{
	struct sockaddr_in6 in6 = {
		.sin6_family = AF_INET6,
		.sin6_port = in->sin_port,
	};
	socklen_t n = *len < sizeof(in6) ? *len : sizeof(in6);

	in6.sin6_addr.s6_addr[10] = 0xff;
	in6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&in6.sin6_addr.s6_addr[12], &in->sin_addr, 4);
	if (in->sin_addr.s_addr == htonl(INADDR_ANY))
		memset(&in6.sin6_addr, 0, sizeof(in6.sin6_addr));
	memcpy(out, &in6, n);
	*len = sizeof(in6);
}

/* Replace @fd by an idle AF_UNIX listener, flags kept. */
static int make_idle(int fd, unsigned short port)
{
	int s = real_socket(AF_UNIX, SOCK_STREAM, 0), fl, fdfl, ret;
	sa_family_t fam = AF_UNIX;

	if (s < 0)
		return -1;
	fl = real_fcntl(fd, F_GETFL);
	fdfl = real_fcntl(fd, F_GETFD);
	/* An abstract name of the kernel's choosing (autobind). */
	if (real_bind(s, (struct sockaddr *)&fam, sizeof(fam)) ||
	    real_dup3(s, fd, (fdfl & FD_CLOEXEC) ? O_CLOEXEC : 0) < 0) {
		real_close(s);
		return -1;
	}
	real_close(s);
	ret = real_fcntl(fd, F_SETFL, fl);
	set_kind(fd, K_IDLE6);
	fds[fd].v6only = true;
	fds[fd].port = port;
	if (verbose)
		say("xtcpize: %d: IPV6_V6ONLY listener on [::]:%u kept idle (xtcp has no IPv6)\n",
		    fd, ntohs(port));
	return ret < 0 ? -1 : 0;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in6 *in6 = (const void *)addr;
	struct sockaddr_in in;

	ready();
	if (kind_of(fd) != K_INET6)
		return real_bind(fd, addr, len);
	if (len < sizeof(*in6) || in6->sin6_family != AF_INET6) {
		errno = EINVAL;
		return -1;
	}
	if (fds[fd].v6only && IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
		return make_idle(fd, in6->sin6_port);
	if (fds[fd].v6only && IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
		errno = EINVAL;		/* as IPv6 refuses it */
		return -1;
	}
	if (to_v4(in6, &in)) {
		errno = EADDRNOTAVAIL;	/* no IPv6 address is ours */
		return -1;
	}
	return real_bind(fd, (struct sockaddr *)&in, sizeof(in));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	const struct sockaddr_in6 *in6 = (const void *)addr;
	struct sockaddr_in in;

	ready();
	if (kind_of(fd) != K_INET6)
		return real_connect(fd, addr, len);
	if (len < sizeof(sa_family_t)) {
		errno = EINVAL;
		return -1;
	}
	if (in6->sin6_family == AF_UNSPEC)
		return real_connect(fd, addr, len);
	if (len < sizeof(*in6) || in6->sin6_family != AF_INET6) {
		errno = len < sizeof(*in6) ? EINVAL : EAFNOSUPPORT;
		return -1;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)) {
		/* connect() to :: means this host, as for TCP. */
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_port = in6->sin6_port;
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (fds[fd].v6only || to_v4(in6, &in)) {
		if (verbose)
			say("xtcpize: %d: no IPv6 over xtcp: ENETUNREACH\n", fd);
		errno = ENETUNREACH;
		return -1;
	}
	return real_connect(fd, (struct sockaddr *)&in, sizeof(in));
}

/* The name @fd's call gave in @in, as the program expects it. */
static void give_name(int fd, const struct sockaddr_in *in, struct sockaddr *addr,
		      socklen_t *len)
{
	if (fds[fd].kind == K_INET6) {
		to_v6(in, addr, len);
	} else {
		memcpy(addr, in, *len < sizeof(*in) ? *len : sizeof(*in));
		*len = sizeof(*in);
	}
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct sockaddr_in in;
	socklen_t n = sizeof(in);
	enum kind k;
	int c;

	ready();
	k = kind_of(fd);
	if (k != K_INET && k != K_INET6)
		return real_accept4(fd, addr, len, flags);
	c = real_accept4(fd, (struct sockaddr *)&in, &n, flags);
	if (c < 0)
		return c;
	set_kind(c, k);
	if (addr && len)
		give_name(c, &in, addr, len);
	return c;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	ready();
	return accept4(fd, addr, len, 0);
}

static int name(int (*call)(int, struct sockaddr *, socklen_t *), int fd,
		struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_in in;
	socklen_t n = sizeof(in);
	enum kind k = kind_of(fd);

	if (k == K_IDLE6 && call == real_getsockname) {
		struct sockaddr_in any = {
			.sin_family = AF_INET,
			.sin_port = fds[fd].port,
		};

		if (!addr || !len) {
			errno = EFAULT;
			return -1;
		}
		to_v6(&any, addr, len);
		return 0;
	}
	if (k != K_INET6 || !addr || !len)
		return call(fd, addr, len);
	if (call(fd, (struct sockaddr *)&in, &n))
		return -1;
	give_name(fd, &in, addr, len);
	return 0;
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	ready();
	return name(real_getsockname, fd, addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	ready();
	return name(real_getpeername, fd, addr, len);
}

/* TCP options that only tune TCP: accepted, and read back as 0. */
static bool tuning_only(int opt)
{
	switch (opt) {
	case TCP_THIN_LINEAR_TIMEOUTS:
	case TCP_THIN_DUPACK:
	case TCP_FASTOPEN:
	case TCP_FASTOPEN_CONNECT:
	case TCP_FASTOPEN_NO_COOKIE:
	case TCP_TX_DELAY:
		return true;
	}
	return false;
}

/* TCP options xtcp has, under the same numbers at SOL_XTCP. */
static bool xtcp_has(int opt)
{
	return (opt >= TCP_NODELAY && opt <= TCP_CONGESTION) ||
	       opt == TCP_USER_TIMEOUT || opt == TCP_NOTSENT_LOWAT;
}

static unsigned char ca_state(unsigned char xtcp)
{
	switch (xtcp) {
	case XTCP_CA_RECOVERY:
		return TCP_CA_Recovery;
	case XTCP_CA_LOSS:
		return TCP_CA_Loss;
	case XTCP_CA_CWR:
		return TCP_CA_CWR;
	}
	return TCP_CA_Open;
}

/* getsockopt(TCP_INFO): XTCP_INFO in struct tcp_info's layout. */
static int tcp_info(int fd, void *val, socklen_t *len)
{
	struct xtcp_info x;
	struct tcp_info t;
	socklen_t n = sizeof(x);

	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	memset(&x, 0, sizeof(x));
	if (real_getsockopt(fd, SOL_XTCP, XTCP_INFO, &x, &n))
		return -1;
	memset(&t, 0, sizeof(t));
	t.tcpi_state = x.state;
	t.tcpi_ca_state = ca_state(x.ca_state);
	t.tcpi_retransmits = x.retransmits;
	t.tcpi_probes = x.probes;
	t.tcpi_backoff = x.retransmits;
	t.tcpi_options = (x.options & XTCP_INFO_OPT_TIMESTAMPS ? TCPI_OPT_TIMESTAMPS : 0) |
			 (x.options & XTCP_INFO_OPT_SACK ? TCPI_OPT_SACK : 0) |
			 (x.options & XTCP_INFO_OPT_WSCALE ? TCPI_OPT_WSCALE : 0) |
			 (x.options & XTCP_INFO_OPT_ECN ? TCPI_OPT_ECN : 0);
	t.tcpi_snd_wscale = x.snd_wscale;
	t.tcpi_rcv_wscale = x.rcv_wscale;
	t.tcpi_rto = x.rto;
	t.tcpi_snd_mss = x.snd_mss;
	t.tcpi_rcv_mss = x.rcv_mss;
	t.tcpi_unacked = x.unacked;
	t.tcpi_sacked = x.sacked;
	t.tcpi_lost = x.lost;
	t.tcpi_retrans = x.retrans;
	t.tcpi_pmtu = x.snd_mss ? x.snd_mss + 40 : 0;
	t.tcpi_rcv_ssthresh = x.rcv_wnd;
	t.tcpi_rtt = x.srtt;
	t.tcpi_rttvar = x.rttvar;
	t.tcpi_snd_ssthresh = x.snd_ssthresh;
	t.tcpi_snd_cwnd = x.snd_cwnd;
	t.tcpi_advmss = x.rcv_mss;
	t.tcpi_reordering = x.reordering;
	t.tcpi_rcv_rtt = x.rcv_rtt;
	t.tcpi_rcv_space = x.rcv_space;
	t.tcpi_total_retrans = x.total_retrans;
	t.tcpi_pacing_rate = ~0ULL;
	t.tcpi_max_pacing_rate = ~0ULL;
	t.tcpi_bytes_acked = x.bytes_acked;
	t.tcpi_bytes_received = x.bytes_received;
	t.tcpi_segs_out = x.segs_out;
	t.tcpi_segs_in = x.segs_in;
	t.tcpi_notsent_bytes = x.notsent_bytes;
	t.tcpi_dsack_dups = x.dsack_dups;
	t.tcpi_rcv_ooopack = x.rcv_ooopack;
	t.tcpi_snd_wnd = x.snd_wnd;
	t.tcpi_rcv_wnd = x.rcv_wnd;
	n = *len < sizeof(t) ? *len : sizeof(t);
	memcpy(val, &t, n);
	*len = n;
	return 0;
}

int setsockopt(int fd, int level, int opt, const void *val, socklen_t len)
{
	enum kind k;

	ready();
	k = kind_of(fd);
	if (k == K_NONE)
		return real_setsockopt(fd, level, opt, val, len);
	if (level == IPPROTO_IPV6 && k != K_INET) {
		if (opt == IPV6_V6ONLY) {
			if (!val || len < sizeof(int)) {
				errno = EINVAL;
				return -1;
			}
			fds[fd].v6only = *(const int *)val != 0;
		}
		return 0;	/* traffic classes and the like: IPv6's own */
	}
	if (k == K_IDLE6)
		return 0;
	if (level == IPPROTO_TCP) {
		if (tuning_only(opt))
			return 0;
		if (!xtcp_has(opt)) {
			errno = ENOPROTOOPT;	/* kTLS, repair, MD5, ... */
			return -1;
		}
		level = SOL_XTCP;
	}
	return real_setsockopt(fd, level, opt, val, len);
}

int getsockopt(int fd, int level, int opt, void *val, socklen_t *len)
{
	enum kind k;

	ready();
	k = kind_of(fd);
	if (k == K_NONE)
		return real_getsockopt(fd, level, opt, val, len);
	if ((level == IPPROTO_IPV6 && k != K_INET) ||
	    (level == IPPROTO_TCP && tuning_only(opt))) {
		int v = level == IPPROTO_IPV6 && opt == IPV6_V6ONLY && fds[fd].v6only;

		if (!val || !len || *len < sizeof(int)) {
			errno = EINVAL;
			return -1;
		}
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (level == SOL_SOCKET && opt == SO_DOMAIN && k != K_INET) {
		int v = AF_INET6;

		if (!val || !len || *len < sizeof(int)) {
			errno = EINVAL;
			return -1;
		}
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	if (k == K_IDLE6)
		return real_getsockopt(fd, level, opt, val, len);
	if (level == IPPROTO_TCP && opt == TCP_INFO)
		return tcp_info(fd, val, len);
	if (level == IPPROTO_TCP && !xtcp_has(opt)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (level == IPPROTO_TCP)
		level = SOL_XTCP;
	return real_getsockopt(fd, level, opt, val, len);
}

int close(int fd)
{
	ready();
	set_kind(fd, K_NONE);
	return real_close(fd);
}

int dup(int fd)
{
	int n;

	ready();
	n = real_dup(fd);
	if (n >= 0)
		copy_kind(fd, n);
	return n;
}

int dup2(int fd, int to)
{
	int n;

	ready();
	n = real_dup2(fd, to);
	if (n >= 0 && n != fd)
		copy_kind(fd, n);
	return n;
}

int dup3(int fd, int to, int flags)
{
	int n;

	ready();
	n = real_dup3(fd, to, flags);
	if (n >= 0)
		copy_kind(fd, n);
	return n;
}

static int dup_via(int (*call)(int, int, ...), int fd, int cmd, unsigned long arg)
{
	int n = call(fd, cmd, arg);

	if (n >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		copy_kind(fd, n);
	return n;
}

/* fcntl() and, for programs built with 64-bit offsets, fcntl64(). */
int fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	ready();
	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return dup_via(real_fcntl, fd, cmd, arg);
}

int fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	ready();
	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	return dup_via(real_fcntl64, fd, cmd, arg);
}
