// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XTCP socket family: module load and unload, socket creation,
 * and the proto_ops that the socket syscalls land in.
 *
 * Load order (unload is the reverse): port tables, per-namespace state,
 * the struct proto, the IP protocol handler, the family.  The family
 * goes last so that no socket exists before everything it needs does.
 */
#include <linux/capability.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/ip.h>
#include <net/route.h>

#include "xtcp.h"

int xtcp_family = AF_XTCP;
module_param_named(family, xtcp_family, int, 0444);
MODULE_PARM_DESC(family, "address family number (default 19, AF_ECONET's unused slot)");

int xtcp_ipproto = IPPROTO_XTCP;
module_param_named(ipproto, xtcp_ipproto, int, 0444);
MODULE_PARM_DESC(ipproto, "IP protocol number on the wire (default 253, RFC 3692)");

static struct proto xtcp_proto = {
	.name		= "XTCP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct xtcp_sock),
};

static void xtcp_sock_destruct(struct sock *sk)
{
	struct inet_sock *inet = inet_sk(sk);

	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&sk->sk_error_queue);
	dst_release(rcu_dereference_protected(sk->sk_dst_cache, 1));
	kfree(rcu_dereference_protected(inet->inet_opt, 1));
}

static int xtcp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	lock_sock(sk);
	xtcp_unbind(sk);
	sk->sk_state = XTCP_CLOSE;
	sock_orphan(sk);
	release_sock(sk);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/*
 * Check a user's struct sockaddr_in the way TCP checks it.  AF_XTCP and
 * AF_INET are both accepted; AF_UNSPEC only with INADDR_ANY, as TCP
 * accepts it for old programs.
 */
static int xtcp_check_sockaddr(const struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;

	if (addr_len < (int)sizeof(*sin))
		return -EINVAL;
	if (sin->sin_family == xtcp_family || sin->sin_family == AF_INET)
		return 0;
	if (sin->sin_family == AF_UNSPEC &&
	    sin->sin_addr.s_addr == htonl(INADDR_ANY))
		return 0;
	return -EAFNOSUPPORT;
}

static int xtcp_bind(struct socket *sock, struct sockaddr *uaddr, int addr_len)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)uaddr;
	struct sock *sk = sock->sk;
	struct net *net = sock_net(sk);
	struct inet_sock *inet = inet_sk(sk);
	u16 port;
	int chk, err;

	err = xtcp_check_sockaddr(uaddr, addr_len);
	if (err)
		return err;

	chk = inet_addr_type(net, sin->sin_addr.s_addr);
	if (!inet_addr_valid_or_nonlocal(net, inet, sin->sin_addr.s_addr, chk))
		return -EADDRNOTAVAIL;

	port = ntohs(sin->sin_port);
	if (port && inet_port_requires_bind_service(net, port) &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	if (sk->sk_state != XTCP_CLOSE || inet->inet_num) {
		err = -EINVAL;
		goto out;
	}
	err = xtcp_bind_port(sk, sin->sin_addr.s_addr, port);
	if (err)
		goto out;
	/* A multicast or broadcast address may be bound but not sent from. */
	if (chk == RTN_MULTICAST || chk == RTN_BROADCAST)
		inet->inet_saddr = 0;
	if (sin->sin_addr.s_addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (port)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
out:
	release_sock(sk);
	return err;
}

static int xtcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, uaddr);
	int err = sizeof(*sin);

	lock_sock(sk);
	sin->sin_family = xtcp_family;
	if (peer) {
		if (!inet->inet_dport) {
			err = -ENOTCONN;
			goto out;
		}
		sin->sin_port = inet->inet_dport;
		sin->sin_addr.s_addr = inet->inet_daddr;
	} else {
		sin->sin_port = inet->inet_sport;
		sin->sin_addr.s_addr = inet->inet_rcv_saddr ?: inet->inet_saddr;
	}
	memset(sin->sin_zero, 0, sizeof(sin->sin_zero));
out:
	release_sock(sk);
	return err;
}

static int xtcp_setsockopt(struct socket *sock, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	return -ENOPROTOOPT;
}

static int xtcp_getsockopt(struct socket *sock, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	return -ENOPROTOOPT;
}

/* Not const: .family is the "family" module parameter, set at load. */
static struct proto_ops xtcp_proto_ops __ro_after_init = {
	.owner		= THIS_MODULE,
	.release	= xtcp_release,
	.bind		= xtcp_bind,
	.connect	= sock_no_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= xtcp_getname,
	.ioctl		= sock_no_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= xtcp_setsockopt,
	.getsockopt	= xtcp_getsockopt,
	.sendmsg	= sock_no_sendmsg,
	.recvmsg	= sock_no_recvmsg,
	.mmap		= sock_no_mmap,
};

static int xtcp_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	struct inet_sock *inet;
	struct sock *sk;

	if (sock->type != SOCK_STREAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != xtcp_ipproto)
		return -EPROTONOSUPPORT;

	sk = sk_alloc(net, xtcp_family, GFP_KERNEL, &xtcp_proto, kern);
	if (!sk)
		return -ENOBUFS;

	sock->state = SS_UNCONNECTED;
	sock->ops = &xtcp_proto_ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = xtcp_ipproto;
	sk->sk_state = XTCP_CLOSE;
	sk->sk_destruct = xtcp_sock_destruct;

	inet = inet_sk(sk);
	inet->uc_ttl = -1;
	inet->mc_ttl = 1;
	inet->pmtudisc = IP_PMTUDISC_WANT;
	xtcp_sk(sk)->bhash = -1;
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

	err = xtcp_hash_init();
	if (err)
		return err;
	err = xtcp_netns_init();
	if (err)
		goto err_hash;
	err = proto_register(&xtcp_proto, 1);
	if (err)
		goto err_netns;
	err = xtcp_input_init();
	if (err)
		goto err_proto;
	err = sock_register(&xtcp_family_ops);
	if (err) {
		pr_err("cannot register address family %d (%d): %s; load with family=N\n",
		       xtcp_family, err,
		       err == -EEXIST ? "another family already uses it" :
		       "out of the kernel's range");
		goto err_input;
	}
	pr_info("loaded: family %d, IP protocol %d\n", xtcp_family, xtcp_ipproto);
	return 0;

err_input:
	xtcp_input_exit();
err_proto:
	proto_unregister(&xtcp_proto);
err_netns:
	xtcp_netns_exit();
err_hash:
	xtcp_hash_exit();
	return err;
}

static void __exit xtcp_exit(void)
{
	sock_unregister(xtcp_family);
	xtcp_input_exit();
	proto_unregister(&xtcp_proto);
	xtcp_netns_exit();
	xtcp_hash_exit();
}

module_init(xtcp_init);
module_exit(xtcp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtcp: a TCP-like byte stream as socket family AF_XTCP");
MODULE_AUTHOR("The xtcp developers");
