// SPDX-License-Identifier: GPL-2.0
/*
 * Filter programs of sock_diag requests: the bytecode of
 * INET_DIAG_REQ_BYTECODE, as ss(8) compiles it for TCP, run on xtcp's
 * entries.  A program is a row of struct inet_diag_bc_op, each followed
 * by its operand; an operation that holds goes on by its "yes" offset,
 * one that fails by its "no" offset, both forward.  Reaching the end
 * exactly accepts the entry; jumping four bytes past it rejects it.
 *
 * Programs come from userspace: the audit proves every offset lands on
 * an operation (or on one of the two ends) and every operand lies
 * inside the program, so that running one is a bounded walk.  Marks and
 * cgroups are not filtered on (xtcp's entries carry neither): those
 * operations are refused.
 */
#include <linux/bitmap.h>
#include <linux/inet_diag.h>
#include <linux/slab.h>
#include <net/sock.h>

#include "xtcp.h"
#include "diag.h"

#define XTCP_BC_OP	((int)sizeof(struct inet_diag_bc_op))

/* Bytes @op takes with its operand, or 0 if unknown or cut short. */
static int xtcp_bc_op_len(const struct inet_diag_bc_op *op, int left)
{
	const struct inet_diag_hostcond *cond;
	int n = XTCP_BC_OP, alen;

	switch (op->code) {
	case INET_DIAG_BC_NOP:
	case INET_DIAG_BC_JMP:
	case INET_DIAG_BC_AUTO:
		break;
	case INET_DIAG_BC_S_EQ:
	case INET_DIAG_BC_S_GE:
	case INET_DIAG_BC_S_LE:
	case INET_DIAG_BC_D_EQ:
	case INET_DIAG_BC_D_GE:
	case INET_DIAG_BC_D_LE:
		n += XTCP_BC_OP;	/* the port, in the next op's "no" */
		break;
	case INET_DIAG_BC_DEV_COND:
		n += sizeof(u32);
		break;
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		n += sizeof(*cond);
		if (left < n)
			return 0;
		cond = (const void *)(op + 1);
		if (cond->family == AF_UNSPEC)
			alen = 0;
		else if (cond->family == AF_INET)
			alen = sizeof(struct in_addr);
		else if (cond->family == AF_INET6)
			alen = sizeof(struct in6_addr);
		else
			return 0;
		if (cond->prefix_len > 8 * alen)
			return 0;
		n += alen;
		break;
	default:
		return 0;
	}
	return left < n ? 0 : n;
}

/* May an op of @n bytes at @pos jump by @off, given the op starts? */
static bool xtcp_bc_jump_ok(const unsigned long *starts, int len, int pos,
			    int off, int n)
{
	int to = pos + off;

	if (off < n || off & 3)
		return false;
	if (to == len || to == len + XTCP_BC_OP)
		return true;
	return to < len && test_bit(to / XTCP_BC_OP, starts);
}

/**
 * xtcp_diag_bc_audit() - check a filter program before it runs.
 * @bc: the program (the attribute's payload).
 * @len: its length in bytes.
 *
 * The "yes" chain from the first operation must visit operations whose
 * operands fit and end exactly at @len; every "no" must land on an
 * operation of that chain, at the end, or four bytes past it.
 *
 * Return: 0, -EINVAL for a program that breaks a rule, -ENOMEM.
 */
int xtcp_diag_bc_audit(const void *bc, int len)
{
	const struct inet_diag_bc_op *op;
	unsigned long *starts;
	int pos, n, err = -EINVAL;

	if (len < XTCP_BC_OP || len & 3)
		return -EINVAL;
	starts = bitmap_zalloc(len / XTCP_BC_OP, GFP_KERNEL);
	if (!starts)
		return -ENOMEM;
	for (pos = 0; pos < len; pos += op->yes) {
		op = bc + pos;
		n = xtcp_bc_op_len(op, len - pos);
		if (!n || op->yes < n || op->yes & 3 || op->yes > len - pos)
			goto out;
		__set_bit(pos / XTCP_BC_OP, starts);
	}
	for (pos = 0; pos < len; pos += op->yes) {
		op = bc + pos;
		n = xtcp_bc_op_len(op, len - pos);
		if (op->code != INET_DIAG_BC_NOP &&
		    !xtcp_bc_jump_ok(starts, len, pos, op->no, n))
			goto out;
	}
	err = 0;
out:
	bitmap_free(starts);
	return err;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_diag_bc_audit);

/* Do the first @bits bits of @a and @b agree? */
static bool xtcp_bc_prefix_match(const __be32 *a, const __be32 *b, int bits)
{
	int words = bits / 32;
	u32 mask;

	if (memcmp(a, b, words * sizeof(*a)))
		return false;
	bits %= 32;
	if (!bits)
		return true;
	mask = ~0U << (32 - bits);
	return !((ntohl(a[words]) ^ ntohl(b[words])) & mask);
}

static bool xtcp_bc_hostcond(const struct inet_diag_bc_op *op,
			     const struct xtcp_diag_entry *e)
{
	const struct inet_diag_hostcond *cond = (const void *)(op + 1);
	bool src = op->code == INET_DIAG_BC_S_COND;

	if (cond->port != -1 && cond->port != (src ? e->sport : e->dport))
		return false;
	if (cond->family == AF_UNSPEC)
		return true;
	if (cond->family != e->family)
		return false;
	return xtcp_bc_prefix_match(src ? e->saddr : e->daddr, cond->addr,
				    cond->prefix_len);
}

/* A port comparison's operand is the next op's "no". */
static bool xtcp_bc_op_holds(const struct inet_diag_bc_op *op,
			     const struct xtcp_diag_entry *e)
{
	switch (op->code) {
	case INET_DIAG_BC_NOP:
		return true;
	case INET_DIAG_BC_JMP:
		return false;
	case INET_DIAG_BC_S_EQ:
		return e->sport == op[1].no;
	case INET_DIAG_BC_S_GE:
		return e->sport >= op[1].no;
	case INET_DIAG_BC_S_LE:
		return e->sport <= op[1].no;
	case INET_DIAG_BC_D_EQ:
		return e->dport == op[1].no;
	case INET_DIAG_BC_D_GE:
		return e->dport >= op[1].no;
	case INET_DIAG_BC_D_LE:
		return e->dport <= op[1].no;
	case INET_DIAG_BC_AUTO:
		return !(e->userlocks & SOCK_BINDPORT_LOCK);
	case INET_DIAG_BC_DEV_COND:
		return *(const u32 *)(op + 1) == e->ifindex;
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		return xtcp_bc_hostcond(op, e);
	}
	return false;	/* the audit let no other code through */
}

/**
 * xtcp_diag_bc_run() - run an audited filter program on an entry.
 * @bc: the program, passed by xtcp_diag_bc_audit().
 * @len: its length.
 * @e: the entry.
 *
 * Return: true if the entry is to be reported.
 */
bool xtcp_diag_bc_run(const void *bc, int len, const struct xtcp_diag_entry *e)
{
	int pos = 0;

	while (pos < len) {
		const struct inet_diag_bc_op *op = bc + pos;

		pos += xtcp_bc_op_holds(op, e) ? op->yes : op->no;
	}
	return pos == len;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_diag_bc_run);
