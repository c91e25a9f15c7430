// SPDX-License-Identifier: GPL-2.0
/*
 * Receive path: the IPv4 protocol handler for xtcp_ipproto.
 *
 * Every segment is validated before anything else looks at it: the
 * header must fit, its data offset must lie inside the packet, the
 * flags must be a combination a sender can produce, and the checksum
 * over the pseudo-header must hold.  What fails is counted and
 * dropped; nothing malformed reaches a socket.
 *
 * The handler is global: it receives the protocol's packets of every
 * network namespace, and dispatches by sock_net of the lookup.
 */
#include <linux/module.h>
#include <net/ip.h>
#include <net/protocol.h>

#include "xtcp.h"

/* Verify the checksum; the pseudo-header carries our protocol number. */
static bool xtcp_csum_ok(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (skb_csum_unnecessary(skb))
		return true;
	if (skb->ip_summed == CHECKSUM_COMPLETE &&
	    !csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
			       iph->protocol, skb->csum))
		return true;
	skb->csum = csum_tcpudp_nofold(iph->saddr, iph->daddr, skb->len,
				       iph->protocol, 0);
	return !__skb_checksum_complete(skb);
}

static int xtcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;

	if (skb->pkt_type != PACKET_HOST)
		goto drop;
	XTCP_INC_STATS(net, XTCP_MIB_INSEGS);

	if (!pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto hdr_error;
	th = tcp_hdr(skb);
	if (th->doff * 4 > sizeof(*th) && !pskb_may_pull(skb, th->doff * 4))
		goto hdr_error;
	th = tcp_hdr(skb);
	if (xtcp_hdr_check(th, skb->len) != XTCP_HDR_OK)
		goto hdr_error;
	if (!xtcp_csum_ok(skb)) {
		XTCP_INC_STATS(net, XTCP_MIB_INCSUMERRORS);
		goto error;
	}

	/* No connections yet: nothing accepts a segment. */
	XTCP_INC_STATS(net, XTCP_MIB_NOSOCKET);
	goto drop;

hdr_error:
	XTCP_INC_STATS(net, XTCP_MIB_INHDRERRORS);
error:
	XTCP_INC_STATS(net, XTCP_MIB_INERRS);
drop:
	kfree_skb(skb);
	return 0;
}

static int xtcp_v4_err(struct sk_buff *skb, u32 info)
{
	return 0;
}

static struct net_protocol xtcp_protocol = {
	.handler	= xtcp_v4_rcv,
	.err_handler	= xtcp_v4_err,
	.no_policy	= 1,
};

/**
 * xtcp_input_init() - start receiving IP protocol xtcp_ipproto.
 *
 * Return: 0, or -EEXIST when another handler owns the protocol number.
 */
int xtcp_input_init(void)
{
	if (inet_add_protocol(&xtcp_protocol, xtcp_ipproto) < 0) {
		pr_err("IP protocol %d is taken by another handler; load with ipproto=N\n",
		       xtcp_ipproto);
		return -EEXIST;
	}
	return 0;
}

/**
 * xtcp_input_exit() - stop receiving; waits for handlers in flight.
 */
void xtcp_input_exit(void)
{
	inet_del_protocol(&xtcp_protocol, xtcp_ipproto);
	synchronize_net();
}
