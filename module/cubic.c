// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC (RFC 9438), the default congestion control, as in Linux.
 *
 * After a congestion event the window grows along
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,   K = cbrt((W_max - cwnd_epoch) / C)
 *
 * concave up to the window where the loss happened, flat near it and
 * convex past it, with C = 0.4 segments/s^3 and a multiplicative
 * decrease of beta = 0.7.  Everything is integer: segments, and
 * milliseconds since the epoch; the constants are the RFC's exact
 * fractions (beta 7/10, fast convergence (1 + beta) / 2 = 17/20, the
 * Reno-friendly alpha 3 (1 - beta) / (1 + beta) = 9/17).
 *
 * What this does not do: HyStart++ (RFC 9406; Linux's CUBIC uses its
 * own HyStart) - slow start ends at the first loss, as with NewReno.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "xtcp.h"

#define XTCP_CUBIC_BETA_NUM	7	/* beta_cubic = 0.7, §4.6 */
#define XTCP_CUBIC_BETA_DEN	10
#define XTCP_CUBIC_FC_NUM	17	/* (1 + beta) / 2, §4.7 */
#define XTCP_CUBIC_FC_DEN	20
#define XTCP_CUBIC_ALPHA_NUM	9	/* 3 (1 - beta) / (1 + beta), §4.3 */
#define XTCP_CUBIC_ALPHA_DEN	17
/* 1 / C, C = 0.4 segments/s^3, in ms^3 per segment. */
#define XTCP_CUBIC_INV_C_MS3	2500000000ULL
/*
 * Past this distance from K the curve is beyond any window (0.4 *
 * 55 s^3 > XTCP_MAX_CWND), and (t - K)^3 in ms^3 still fits in 64 bits.
 */
#define XTCP_CUBIC_MAX_DT_MS	100000U

/**
 * xtcp_cubic_cbrt() - integer cube root.
 * @x: the radicand.
 *
 * Digit by digit in base 8: exact, no table, no division.
 *
 * Return: the largest y with y^3 <= @x.
 */
u32 xtcp_cubic_cbrt(u64 x)
{
	u64 y = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cubic_cbrt);

/**
 * xtcp_cubic_target() - W_cubic(t), RFC 9438 Figure 1.
 * @c: the state of an epoch.
 * @t_ms: milliseconds since the epoch began.
 *
 * Return: the window in segments, within [0, XTCP_MAX_CWND].
 */
u32 xtcp_cubic_target(const struct xtcp_cubic *c, u32 t_ms)
{
	bool before = t_ms < c->k_ms;
	u64 d = before ? c->k_ms - t_ms : t_ms - c->k_ms;
	u64 delta;

	if (d > XTCP_CUBIC_MAX_DT_MS)
		return before ? 0 : XTCP_MAX_CWND;
	delta = div64_u64(d * d * d, XTCP_CUBIC_INV_C_MS3);
	if (before)
		return delta < c->origin ? c->origin - delta : 0;
	return min_t(u64, c->origin + delta, XTCP_MAX_CWND);
}
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cubic_target);

/* §4.2: a congestion-avoidance epoch begins at the window it finds. */
static void xtcp_cubic_epoch_start(struct xtcp_cc *cc, u32 now_ms)
{
	struct xtcp_cubic *c = &cc->cubic;

	c->epoch_ms = now_ms;
	c->w_est = cc->cwnd;
	c->est_cnt = 0;
	cc->cnt = 0;
	if (c->w_max > cc->cwnd) {
		c->origin = c->w_max;
		c->k_ms = xtcp_cubic_cbrt((u64)(c->w_max - cc->cwnd) *
					  XTCP_CUBIC_INV_C_MS3);
	} else {
		c->origin = cc->cwnd;
		c->k_ms = 0;
	}
}

/*
 * §4.3: the window Reno would have, grown by alpha per window of
 * acknowledged segments; alpha is 1 once it passes W_max.
 */
static void xtcp_cubic_reno_estimate(struct xtcp_cubic *c, u32 acked, u32 cwnd)
{
	u32 per = XTCP_CUBIC_ALPHA_DEN * cwnd, inc;

	c->est_cnt += acked * (c->w_est < c->w_max ? XTCP_CUBIC_ALPHA_NUM :
						     XTCP_CUBIC_ALPHA_DEN);
	inc = c->est_cnt / per;
	c->w_est += inc;
	c->est_cnt -= inc * per;
}

/*
 * §4.4 and §4.5: towards W_cubic one RTT ahead, at most 1.5 times the
 * window, by (target - cwnd) / cwnd per acknowledged segment; where the
 * curve is below what Reno would have, Reno's window (§4.3).
 */
static void xtcp_cubic_cong_avoid(struct xtcp_cc *cc, u32 acked, u32 now_ms,
				  u32 srtt_us)
{
	struct xtcp_cubic *c = &cc->cubic;
	u32 cwnd = cc->cwnd, t, target, need, inc;

	if (!c->epoch_ms)
		xtcp_cubic_epoch_start(cc, now_ms);
	t = now_ms - c->epoch_ms;
	xtcp_cubic_reno_estimate(c, acked, cwnd);
	if (xtcp_cubic_target(c, t) < c->w_est) {
		cc->cwnd = max(cwnd, c->w_est);
		cc->cnt = 0;
		return;
	}
	target = xtcp_cubic_target(c, t + srtt_us / USEC_PER_MSEC);
	target = min(target, cwnd + cwnd / 2);
	if (target <= cwnd)
		return;
	need = max(cwnd / (target - cwnd), 1U);
	cc->cnt += acked;
	inc = cc->cnt / need;
	cc->cnt -= inc * need;
	cc->cwnd = min(cwnd + inc, target);
}

/* §4.6 with §4.7's fast convergence; the epoch ends. */
static u32 xtcp_cubic_ssthresh(struct xtcp_cc *cc, u32 flight)
{
	struct xtcp_cubic *c = &cc->cubic;

	if (cc->cwnd < c->w_max)
		c->w_max = cc->cwnd * XTCP_CUBIC_FC_NUM / XTCP_CUBIC_FC_DEN;
	else
		c->w_max = cc->cwnd;
	c->epoch_ms = 0;
	return max(flight * XTCP_CUBIC_BETA_NUM / XTCP_CUBIC_BETA_DEN, 2U);
}

/*
 * §4.8: after a timeout the first epoch starts with K = 0 and W_max the
 * window at its start.
 */
static void xtcp_cubic_on_timeout(struct xtcp_cc *cc)
{
	cc->cubic.w_max = 0;
	cc->cubic.epoch_ms = 0;
}

/*
 * §5.8: time spent idle is not time on the curve.  A new epoch at the
 * window we have, towards the same W_max, continues the curve from
 * where the window stands.
 */
static void xtcp_cubic_tx_start(struct xtcp_cc *cc)
{
	cc->cubic.epoch_ms = 0;
}

static void xtcp_cubic_reset(struct xtcp_cc *cc)
{
	memset(&cc->cubic, 0, sizeof(cc->cubic));
}

const struct xtcp_cc_ops xtcp_cubic = {
	.name		= "cubic",
	.reset		= xtcp_cubic_reset,
	.ssthresh	= xtcp_cubic_ssthresh,
	.cong_avoid	= xtcp_cubic_cong_avoid,
	.on_timeout	= xtcp_cubic_on_timeout,
	.tx_start	= xtcp_cubic_tx_start,
};
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_cubic);
