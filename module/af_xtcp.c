// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP socket family: module load and unload, socket creation,
 * and the proto_ops that the socket syscalls land in.
 *
 * Load order (unload is the reverse): port tables, per-namespace state,
 * the memory accounting and net.xtcp.mem, the struct proto, the IP
 * protocol handler, the family.  The family
 * goes last so that no socket exists before everything it needs does.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/sock_diag.h>
#include <net/protocol.h>

#include "xtcp.h"
#include "diag.h"

int xtcp_family = AF_XTCP;
module_param_named(family, xtcp_family, int, 0444);
MODULE_PARM_DESC(family, "address family number (default 19, AF_ECONET's unused slot)");

int xtcp_ipproto = IPPROTO_XTCP;
module_param_named(ipproto, xtcp_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number on the wire (default 253, RFC 3692)");
EXPORT_SYMBOL_IF_XTCP_KUNIT(xtcp_ipproto);

struct proto xtcp_proto = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
	/* Segments look sockets up under RCU (hash.c). */
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	.init		= xtcp_sock_init,	/* the AF_INET entry's sockets */
	.backlog_rcv	= xtcp_rcv,
	.release_cb	= xtcp_release_cb,
	.keepalive	= xtcp_keepalive,
	.stream_memory_free = xtcp_stream_memory_free,
};

#ifdef XTCP_HAVE_PROTO_ACCEPT_ARG
static int xtcp_accept_ops(struct socket *sock, struct socket *newsock,
			   struct proto_accept_arg *arg)
{
	return xtcp_accept(sock, newsock, arg->flags);
}
#else
static int xtcp_accept_ops(struct socket *sock, struct socket *newsock,
			   int flags, bool kern)
{
	return xtcp_accept(sock, newsock, flags);
}
#endif

static int xtcp_recvmsg_ops(struct socket *sock, struct msghdr *msg,
			    size_t len, int flags)
{
	return xtcp_recvmsg(sock, msg, len, flags);
}

/* Not const: .family is the "family" module parameter, set at load. */
static struct proto_ops xtcp_proto_ops __ro_after_init = {
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= xtcp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= xtcp_accept_ops,
	.getname	= xtcp_getname,
	.poll		= xtcp_poll,
	.ioctl		= xtcp_ioctl,
	.listen		= xtcp_listen,
	.shutdown	= xtcp_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= xtcp_sendmsg,
#ifdef XTCP_HAVE_SENDPAGE
	.sendpage	= xtcp_sendpage,
#endif
	.recvmsg	= xtcp_recvmsg_ops,
	.mmap		= sock_no_mmap,
};

/*
 * The AF_INET entry: socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP), as
 * IPPROTO_MPTCP, for programs that cannot change their family.  The
 * same operations with AF_INET's family; inet_create() allocates the
 * socket and calls xtcp_proto.init.  Registered after TCP's permanent
 * entry, so protocol 0 still means TCP.  Not __ro_after_init: the
 * list head is rewritten when neighbours come and go.
 */
static struct proto_ops xtcp_inet_ops __ro_after_init;

static struct inet_protosw xtcp_inet_protosw = {
	.type		= SOCK_STREAM,
	.prot		= &xtcp_proto,
	.ops		= &xtcp_inet_ops,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;
	sock->ops = &xtcp_proto_ops;
	/* SOL_SOCKET options reach xtcp_setsockopt() (SO_REUSEPORT). */
	xtcp_custom_sockopt(sock);

	sk = xtcp_sock_alloc(net, sock, GFP_KERNEL, kern);
	if (!sk)
		return -ENOBUFS;
	sock->state = SS_UNCONNECTED;
	return 0;
}

static struct net_proto_family xtcp_family_ops __ro_after_init = {
	.create	= xtcp_create,
	.owner	= THIS_MODULE,
};

static int __init xtcp_check_params(void)
{
	if (xtcp_family <= AF_UNSPEC || xtcp_family >= NPROTO) {
		pr_err("family=%d is out of range: this kernel takes 1..%d\n",
		       xtcp_family, NPROTO - 1);
		return -EINVAL;
	}
	if (xtcp_ipproto <= 0 || xtcp_ipproto >= IPPROTO_RAW) {
		pr_err("ipproto=%d is out of range 1..%d\n", xtcp_ipproto,
		       IPPROTO_RAW - 1);
		return -EINVAL;
	}
	return 0;
}

static int __init xtcp_init(void)
{
	int err;

	err = xtcp_check_params();
	if (err)
		return err;
	xtcp_proto_ops.family = xtcp_family;
	xtcp_family_ops.family = xtcp_family;
	xtcp_inet_ops = xtcp_proto_ops;
	xtcp_inet_ops.family = PF_INET;
	xtcp_inet_protosw.protocol = xtcp_ipproto;

	err = percpu_counter_init(&xtcp_orphans, 0, GFP_KERNEL);
	if (err)
		return err;
	err = xtcp_hash_init();
	if (err)
		goto err_orphans;
	err = xtcp_tw_init();
	if (err)
		goto err_hash;
	err = xtcp_req_init();
	if (err)
		goto err_tw;
	err = xtcp_netns_init();
	if (err)
		goto err_req;
	err = xtcp_mem_proto_init(&xtcp_proto, xtcp_pernet(&init_net)->rmem,
				  xtcp_pernet(&init_net)->wmem);
	if (err)
		goto err_netns;
	err = xtcp_mem_sysctl_init();
	if (err)
		goto err_mem;
	err = proto_register(&xtcp_proto, 1);
	if (err)
		goto err_mem_sysctl;
	err = xtcp_input_init();
	if (err)
		goto err_proto;
	err = xtcp_offload_init();
	if (err)
		goto err_input;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("cannot register address family %d (%d): %s; load with family=N\n",
		       xtcp_family, err,
		       err == -EEXIST ? "another family already uses it" :
		       "out of the kernel's range");
		goto err_offload;
	}
	inet_register_protosw(&xtcp_inet_protosw);
	err = xtcp_diag_init();
	if (err) {
		pr_err("cannot answer sock_diag for family %d (%d)\n",
		       xtcp_family, err);
		goto err_family;
	}
	pr_info("loaded: family %d, IP protocol %d\n", xtcp_family, xtcp_ipproto);
	return 0;

err_family:
	inet_unregister_protosw(&xtcp_inet_protosw);
	sock_unregister(xtcp_family);
err_offload:
	xtcp_offload_exit();
err_input:
	xtcp_input_exit();
err_proto:
	proto_unregister(&xtcp_proto);
err_mem_sysctl:
	xtcp_mem_sysctl_exit();
err_mem:
	xtcp_mem_proto_exit();
err_netns:
	xtcp_netns_exit();
err_req:
	xtcp_req_exit();
err_tw:
	xtcp_tw_exit();
err_hash:
	xtcp_hash_exit();
err_orphans:
	percpu_counter_destroy(&xtcp_orphans);
	return err;
}

/*
 * No socket is left once the module's count is zero, but the last
 * sock_put() of one may have run in a timer callback or the receive
 * path, both softirq code of ours that still returns through this
 * module after sk_free() dropped the count.  xtcp_input_exit() calls
 * synchronize_net(), which waits for every softirq (a BH-disabled
 * region is an RCU reader) that began before it: after it no code of
 * ours is on any stack, and the text may go.
 */
static void __exit xtcp_exit(void)
{
	xtcp_diag_exit();
	inet_unregister_protosw(&xtcp_inet_protosw);
	sock_unregister(xtcp_family);
	xtcp_offload_exit();
	xtcp_input_exit();
	proto_unregister(&xtcp_proto);
	xtcp_mem_sysctl_exit();
	xtcp_mem_proto_exit();
	xtcp_netns_exit();
	xtcp_req_exit();
	xtcp_tw_exit();
	xtcp_hash_exit();
	percpu_counter_destroy(&xtcp_orphans);
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtcp: a TCP-like byte stream as socket family AF_XTCP");
MODULE_VERSION(XTCP_VERSION);
/*
 * Loaded on first use, with the default numbers: the family, the
 * AF_INET entry, the family's sock_diag handler.
 */
MODULE_ALIAS_NETPROTO(PF_XTCP);
MODULE_ALIAS("net-pf-" __stringify(PF_INET) "-proto-" __stringify(IPPROTO_XTCP) "-type-1");
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_NETLINK, NETLINK_SOCK_DIAG, AF_XTCP);
MODULE_AUTHOR("The xtcp developers");
