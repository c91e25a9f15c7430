// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-stat: xtcp's counters as nstat shows TCP's, and a sockstat line.
 *
 *   xtcp-stat [-a] [-j]                  the counters now (non-zero unless -a)
 *   xtcp-stat -i SECS [-c N] [-a] [-j]   what changed each SECS seconds,
 *                                        N times (or until SIGINT)
 *
 * Counters come from /proc/net/xtcp_snmp of the namespace it runs in;
 * the closing line, like /proc/net/sockstat's for TCP, counts sockets
 * in use (lines of /proc/net/xtcp other than TIME_WAIT objects and
 * half-open requests, state 06 and 03) and adds
 * /proc/net/xtcp_sockstat: orphans, TIME_WAIT objects, sockets
 * allocated, pages charged, memory pressure.  -j prints one JSON
 * object per report instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNTERS	256

struct counters {
	int n;
	char name[MAX_COUNTERS][40];
	unsigned long long val[MAX_COUNTERS];
};

struct sockstat {
	long long inuse, orphan, tw, alloc, mem, pressure;
};

static int opt_all, opt_json;

static void die(const char *what)
{
	fprintf(stderr, "xtcp-stat: %s: %s%s\n", what, strerror(errno),
		errno == ENOENT ? " (is xtcp.ko loaded?)" : "");
	exit(1);
}

static void read_counters(struct counters *c)
{
	FILE *f = fopen("/proc/net/xtcp_snmp", "r");

	if (!f)
		die("/proc/net/xtcp_snmp");
	c->n = 0;
	while (c->n < MAX_COUNTERS &&
	       fscanf(f, "%39s %llu", c->name[c->n], &c->val[c->n]) == 2)
		c->n++;
	fclose(f);
}

static void read_sockstat(struct sockstat *s)
{
	char line[512];
	unsigned int st;
	FILE *f;

	memset(s, 0, sizeof(*s));
	f = fopen("/proc/net/xtcp_sockstat", "r");
	if (!f)
		die("/proc/net/xtcp_sockstat");
	if (fscanf(f, "XTCP: orphan %lld tw %lld alloc %lld mem %lld pressure %lld",
		   &s->orphan, &s->tw, &s->alloc, &s->mem, &s->pressure) != 5) {
		fprintf(stderr, "xtcp-stat: /proc/net/xtcp_sockstat: unexpected format\n");
		exit(1);
	}
	fclose(f);
	f = fopen("/proc/net/xtcp", "r");
	if (!f)
		die("/proc/net/xtcp");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %*x:%*x %*x:%*x %x", &st) == 1 && st != 6 && st != 3)
			s->inuse++;
	fclose(f);
}

/* One report: @now, less @before when given. */
static void report(const struct counters *now, const struct counters *before,
		   const struct sockstat *s, double interval)
{
	const char *sep = "";
	int i;

	if (opt_json && interval > 0)
		printf("{\"interval\": %.3f, \"counters\": {", interval);
	else if (opt_json)
		printf("{\"counters\": {");
	else if (interval > 0)
		printf("#xtcp, change over %.3f s\n", interval);
	else
		printf("#xtcp\n");
	for (i = 0; i < now->n; i++) {
		unsigned long long v = now->val[i];

		/* Gauges (CurrEstab) are shown as they are, not as changes. */
		if (before && i < before->n && strcmp(now->name[i], "CurrEstab"))
			v -= before->val[i];
		if (!v && !opt_all)
			continue;
		if (opt_json) {
			printf("%s\"%s\": %llu", sep, now->name[i], v);
			sep = ", ";
		} else {
			printf("%-28s %llu\n", now->name[i], v);
		}
	}
	if (opt_json) {
		printf("}, \"sockstat\": {\"inuse\": %lld, \"orphan\": %lld, ",
		       s->inuse, s->orphan);
		printf("\"tw\": %lld, \"alloc\": %lld, \"mem\": %lld, \"pressure\": %lld}}\n",
		       s->tw, s->alloc, s->mem, s->pressure);
	} else {
		printf("XTCP: inuse %lld orphan %lld tw %lld alloc %lld mem %lld pressure %lld\n",
		       s->inuse, s->orphan, s->tw, s->alloc, s->mem, s->pressure);
	}
	fflush(stdout);
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: xtcp-stat [-a] [-j] [-i SECS [-c COUNT]]\n"
		"  -a       every counter, zeros too\n"
		"  -j       JSON, one object per report\n"
		"  -i SECS  report what changed every SECS seconds\n"
		"  -c COUNT that many reports (default: until interrupted)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct counters a, b;
	struct counters *now = &a, *before = &b, *t;
	double interval = 0, last;
	long count = -1;
	struct sockstat s;
	char *end;
	int c;

	while ((c = getopt(argc, argv, "ajc:i:")) != -1) {
		switch (c) {
		case 'a':
			opt_all = 1;
			break;
		case 'j':
			opt_json = 1;
			break;
		case 'i':
			interval = strtod(optarg, &end);
			if (*end || interval <= 0 || interval > 86400)
				print_usage();
			break;
		case 'c':
			count = strtol(optarg, &end, 10);
			if (*end || count <= 0)
				print_usage();
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc || (count > 0 && interval <= 0))
		print_usage();
	read_counters(now);
	if (interval <= 0) {
		read_sockstat(&s);
		report(now, NULL, &s, 0);
		return 0;
	}
	last = mono();
	while (count < 0 || count-- > 0) {
		usleep((useconds_t)(interval * 1e6));
		t = before;
		before = now;
		now = t;
		read_counters(now);
		read_sockstat(&s);
		report(now, before, &s, mono() - last);
		last = mono();
	}
	return 0;
}
