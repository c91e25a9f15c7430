/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fresh network namespace with a tun device, and the checksums of
 * the segments written to it: what the packet tester (xtcp-pkt) and the
 * fuzzer (xtcp-fuzz) share.  The module's outbound segments are read
 * from the tun fd, inbound ones written to it.
 */
#ifndef _XTCP_TUN_H
#define _XTCP_TUN_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static inline uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 1) {
		sum += (p[0] << 8) | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += p[0] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* The transport checksum, network order, over a pseudo-header with @proto. */
static inline uint16_t xtcp_seg_csum(uint32_t saddr, uint32_t daddr, int proto,
				     const void *seg, size_t len)
{
	unsigned char ph[12];
	uint32_t sum;

	memcpy(ph, &saddr, 4);
	memcpy(ph + 4, &daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = len >> 8;
	ph[11] = len;
	sum = csum_add(0, ph, sizeof(ph));
	sum = csum_add(sum, seg, len);
	return htons(csum_fold(sum));
}

/* Fill the 20-byte IPv4 header of a packet of @payload bytes after it. */
static inline void ip4_hdr_fill(struct iphdr *ip, int proto, uint32_t saddr,
				uint32_t daddr, size_t payload, uint16_t id,
				uint16_t frag)
{
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(sizeof(*ip) + payload);
	ip->id = htons(id);
	ip->frag_off = htons(frag);
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = htons(csum_fold(csum_add(0, ip, sizeof(*ip))));
}

static inline int tun_open(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = open("/dev/net/tun", O_RDWR);

	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Set @ifname's IPv4 address (with @mask) if @addr, and bring it up. */
static inline int if_up(int fd, const char *ifname, const char *addr, const char *mask)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (addr) {
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		if (ioctl(fd, SIOCSIFADDR, &ifr))
			return -1;
		inet_pton(AF_INET, mask, &sin->sin_addr);
		if (ioctl(fd, SIOCSIFNETMASK, &ifr))
			return -1;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr);
}

/*
 * Move the caller into a fresh namespace: lo up, tun device @name up
 * with @addr/24, no IPv6 (no router solicitations among the segments).
 * Done with ioctls: running ip(8) costs seconds on the debug kernel.
 * Return: the tun fd, or -1.
 */
static inline int tun_netns_setup(const char *name, const char *addr)
{
	int fd, tun, rc;
	FILE *f;

	if (unshare(CLONE_NEWNET))
		return -1;
	f = fopen("/proc/sys/net/ipv6/conf/default/disable_ipv6", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	tun = tun_open(name);
	if (tun < 0)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	rc = if_up(fd, "lo", NULL, NULL) || if_up(fd, name, addr, "255.255.255.0");
	close(fd);
	return rc ? -1 : tun;
}

#endif
