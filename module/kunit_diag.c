// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the sock_diag filter programs (diag_bc.c): what the
 * audit refuses, what accepted programs select, and random programs,
 * each in a buffer of its exact size so that KASAN sees any read past
 * its end.
 */
#include <kunit/test.h>
#include <linux/inet_diag.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "xtcp.h"
#include "diag.h"

#define OP(c, y, n)	((struct inet_diag_bc_op){ .code = (c), .yes = (y), .no = (n) })

/* 192.0.2.1:5000 -> 198.51.100.7:40000 on ifindex 3, port not bound by the user. */
static void entry_init(struct xtcp_diag_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->family = AF_INET;
	e->saddr[0] = htonl(0xc0000201);
	e->daddr[0] = htonl(0xc6336407);
	e->sport = 5000;
	e->dport = 40000;
	e->ifindex = 3;
}

/* Audit a copy of @prog that ends where the allocation does. */
static int audit(struct kunit *test, const void *prog, int len)
{
	void *copy = kunit_kmalloc(test, len ?: 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, prog, len);
	return xtcp_diag_bc_audit(copy, len);
}

/* Audit, then run on @e; -1 if the audit refused. */
static int run(struct kunit *test, const void *prog, int len,
	       const struct xtcp_diag_entry *e)
{
	if (audit(test, prog, len))
		return -1;
	return xtcp_diag_bc_run(prog, len, e);
}

/* A port comparison: accept if it holds, else reject. */
static int port_test(struct kunit *test, u8 code, u16 port,
		     const struct xtcp_diag_entry *e)
{
	struct inet_diag_bc_op p[2] = { OP(code, 8, 12), OP(0, 0, port) };

	return run(test, p, sizeof(p), e);
}

static void xtcp_diag_bc_ports(struct kunit *test)
{
	struct xtcp_diag_entry e;

	entry_init(&e);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_S_EQ, 5000, &e), 1);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_S_EQ, 5001, &e), 0);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_D_EQ, 40000, &e), 1);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_S_GE, 5000, &e), 1);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_S_GE, 5001, &e), 0);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_S_LE, 4999, &e), 0);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_D_LE, 40000, &e), 1);
	KUNIT_EXPECT_EQ(test, port_test(test, INET_DIAG_BC_D_GE, 40001, &e), 0);
}

/* sport in [4000, 6000] and not dport = 40000, as xtcp-ss compiles it. */
static void xtcp_diag_bc_and_not(struct kunit *test)
{
	struct inet_diag_bc_op p[] = {
		OP(INET_DIAG_BC_S_GE, 8, 32), OP(0, 0, 4000),
		OP(INET_DIAG_BC_S_LE, 8, 24), OP(0, 0, 6000),
		OP(INET_DIAG_BC_D_EQ, 8, 12), OP(0, 0, 40000),
		OP(INET_DIAG_BC_JMP, 4, 8),
	};
	struct xtcp_diag_entry e;

	entry_init(&e);
	KUNIT_EXPECT_EQ(test, run(test, p, sizeof(p), &e), 0);
	e.dport = 40001;
	KUNIT_EXPECT_EQ(test, run(test, p, sizeof(p), &e), 1);
	e.sport = 6001;
	KUNIT_EXPECT_EQ(test, run(test, p, sizeof(p), &e), 0);
	e.sport = 3999;
	KUNIT_EXPECT_EQ(test, run(test, p, sizeof(p), &e), 0);
}

struct hostcond_prog {
	struct inet_diag_bc_op op;
	struct inet_diag_hostcond cond;
	__be32 addr;
};

static int host_test(struct kunit *test, u8 code, int port, u8 bits,
		     u32 addr, const struct xtcp_diag_entry *e)
{
	struct hostcond_prog p = {
		.op = OP(code, sizeof(p), sizeof(p) + 4),
		.cond = { .family = AF_INET, .prefix_len = bits, .port = port },
		.addr = htonl(addr),
	};

	return run(test, &p, sizeof(p), e);
}

static void xtcp_diag_bc_hosts(struct kunit *test)
{
	struct inet_diag_bc_op any[3] = {
		OP(INET_DIAG_BC_D_COND, 12, 16),
	};
	struct inet_diag_hostcond *c = (void *)&any[1];
	struct xtcp_diag_entry e;

	entry_init(&e);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_S_COND, -1, 24, 0xc0000200, &e), 1);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_S_COND, -1, 32, 0xc0000202, &e), 0);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_S_COND, -1, 31, 0xc0000200, &e), 1);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_S_COND, 5000, 32, 0xc0000201, &e), 1);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_S_COND, 5001, 32, 0xc0000201, &e), 0);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_D_COND, -1, 22, 0xc6336400, &e), 1);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_D_COND, -1, 25, 0xc6336480, &e), 0);
	KUNIT_EXPECT_EQ(test, host_test(test, INET_DIAG_BC_D_COND, -1, 0, 0, &e), 1);
	/* AF_UNSPEC: the port alone; no address follows. */
	c->family = AF_UNSPEC;
	c->port = 40000;
	KUNIT_EXPECT_EQ(test, run(test, any, sizeof(any), &e), 1);
	c->port = 1;
	KUNIT_EXPECT_EQ(test, run(test, any, sizeof(any), &e), 0);
}

static void xtcp_diag_bc_dev_auto(struct kunit *test)
{
	struct inet_diag_bc_op dev[2] = { OP(INET_DIAG_BC_DEV_COND, 8, 12) };
	struct inet_diag_bc_op autop[1] = { OP(INET_DIAG_BC_AUTO, 4, 8) };
	struct xtcp_diag_entry e;

	entry_init(&e);
	*(u32 *)&dev[1] = 3;
	KUNIT_EXPECT_EQ(test, run(test, dev, sizeof(dev), &e), 1);
	*(u32 *)&dev[1] = 4;
	KUNIT_EXPECT_EQ(test, run(test, dev, sizeof(dev), &e), 0);
	KUNIT_EXPECT_EQ(test, run(test, autop, sizeof(autop), &e), 1);
	e.userlocks = SOCK_BINDPORT_LOCK;
	KUNIT_EXPECT_EQ(test, run(test, autop, sizeof(autop), &e), 0);
}

/* Each program breaks one rule. */
static void xtcp_diag_bc_audit_refuses(struct kunit *test)
{
	struct inet_diag_bc_op p[4];
	struct hostcond_prog h = {
		.op = OP(INET_DIAG_BC_S_COND, sizeof(h), sizeof(h) + 4),
		.cond = { .family = AF_INET, .prefix_len = 24, .port = -1 },
	};

	KUNIT_EXPECT_EQ(test, audit(test, p, 0), -EINVAL);
	p[0] = OP(INET_DIAG_BC_NOP, 4, 0);
	KUNIT_EXPECT_EQ(test, audit(test, p, 4), 0);
	KUNIT_EXPECT_EQ(test, audit(test, p, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, audit(test, p, 6), -EINVAL);
	p[0] = OP(200, 4, 8);				/* unknown code */
	KUNIT_EXPECT_EQ(test, audit(test, p, 4), -EINVAL);
	p[0] = OP(INET_DIAG_BC_MARK_COND, 12, 16);	/* not filtered on */
	KUNIT_EXPECT_EQ(test, audit(test, p, 12), -EINVAL);
	p[0] = OP(INET_DIAG_BC_NOP, 0, 0);		/* no progress */
	KUNIT_EXPECT_EQ(test, audit(test, p, 4), -EINVAL);
	p[0] = OP(INET_DIAG_BC_NOP, 6, 0);		/* unaligned */
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), -EINVAL);
	p[0] = OP(INET_DIAG_BC_NOP, 8, 0);		/* "yes" past the end */
	KUNIT_EXPECT_EQ(test, audit(test, p, 4), -EINVAL);
	p[0] = OP(INET_DIAG_BC_S_EQ, 8, 12);		/* port cut off */
	KUNIT_EXPECT_EQ(test, audit(test, p, 4), -EINVAL);
	p[0] = OP(INET_DIAG_BC_S_EQ, 4, 12);		/* "yes" into the operand */
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), -EINVAL);
	p[0] = OP(INET_DIAG_BC_S_EQ, 8, 4);		/* "no" into the operand */
	p[1] = OP(0, 0, 80);
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), -EINVAL);
	p[0].no = 16;					/* "no" past end + 4 */
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), -EINVAL);
	p[0].no = 10;					/* unaligned "no" */
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), -EINVAL);
	p[0].no = 12;
	KUNIT_EXPECT_EQ(test, audit(test, p, 8), 0);
	/* A "no" that lands on an operand word of a later operation. */
	p[0] = OP(INET_DIAG_BC_S_EQ, 8, 12);
	p[1] = OP(0, 0, 80);
	p[2] = OP(INET_DIAG_BC_D_EQ, 8, 12);
	p[3] = OP(0, 0, 80);
	KUNIT_EXPECT_EQ(test, audit(test, p, 16), -EINVAL);
	p[0].no = 8;
	KUNIT_EXPECT_EQ(test, audit(test, p, 16), 0);

	KUNIT_EXPECT_EQ(test, audit(test, &h, sizeof(h)), 0);
	KUNIT_EXPECT_EQ(test, audit(test, &h, sizeof(h) - 4), -EINVAL);
	h.cond.prefix_len = 33;
	KUNIT_EXPECT_EQ(test, audit(test, &h, sizeof(h)), -EINVAL);
	h.cond.prefix_len = 8;
	h.cond.family = 99;
	KUNIT_EXPECT_EQ(test, audit(test, &h, sizeof(h)), -EINVAL);
	h.cond.family = AF_INET6;			/* 16 address bytes */
	KUNIT_EXPECT_EQ(test, audit(test, &h, sizeof(h)), -EINVAL);
}

/*
 * Random programs: most are refused; each accepted one must run to an
 * answer without reading outside its buffer (KASAN), and two runs
 * agree.
 */
static void xtcp_diag_bc_random(struct kunit *test)
{
	struct rnd_state rnd;
	struct xtcp_diag_entry e;
	unsigned int i, accepted = 0;
	u8 *prog;

	prandom_seed_state(&rnd, 20261207);
	entry_init(&e);
	for (i = 0; i < 20000; i++) {
		int len = 4 * (1 + prandom_u32_state(&rnd) % 12), k;

		prog = kmalloc(len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, prog);
		for (k = 0; k < len; k += 4) {
			u32 w = prandom_u32_state(&rnd);

			/* Bias toward real codes and small aligned offsets. */
			prog[k] = w % 14;
			prog[k + 1] = 4 * (1 + (w >> 8) % 6);
			prog[k + 2] = 4 * ((w >> 16) % 8);
			prog[k + 3] = (w >> 24) % 4 ? 0 : w >> 24;
		}
		if (!xtcp_diag_bc_audit(prog, len)) {
			bool a = xtcp_diag_bc_run(prog, len, &e);

			KUNIT_EXPECT_EQ(test, a, xtcp_diag_bc_run(prog, len, &e));
			accepted++;
		}
		kfree(prog);
	}
	kunit_info(test, "%u of 20000 random programs accepted\n", accepted);
	KUNIT_EXPECT_GT(test, accepted, 100U);
}

static struct kunit_case xtcp_diag_cases[] = {
	KUNIT_CASE(xtcp_diag_bc_ports),
	KUNIT_CASE(xtcp_diag_bc_and_not),
	KUNIT_CASE(xtcp_diag_bc_hosts),
	KUNIT_CASE(xtcp_diag_bc_dev_auto),
	KUNIT_CASE(xtcp_diag_bc_audit_refuses),
	KUNIT_CASE(xtcp_diag_bc_random),
	{}
};

static struct kunit_suite xtcp_diag_suite = {
	.name = "xtcp_diag",
	.test_cases = xtcp_diag_cases,
};

kunit_test_suite(xtcp_diag_suite);
