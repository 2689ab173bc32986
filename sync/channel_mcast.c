/* Multicast channel (Multicast { } block), IPv4 and IPv6.
 *
 * As 1.4.7 (src/mcast.c): the receive socket has SO_REUSEADDR and
 * RcvSocketBuffer, is bound to port Group and joins the group
 * (IP_ADD_MEMBERSHIP on IPv4_interface; IPv6: IPV6_JOIN_GROUP on the
 * Interface's index); the send socket has SO_NO_CHECK from Checksum,
 * SndSocketBuffer, multicast loop off and IP_MULTICAST_IF IPv4_interface
 * (IPv6: IPV6_MULTICAST_IF the Interface's index), TTL/hops left at 1.
 * Differences, none visible on the wire: the receive socket is bound to
 * the group address, not the wildcard (as 1.4.7's successors, bug 1819),
 * and does not take other groups on its port (IP_MULTICAST_ALL off), so
 * two links on one port stay apart; without IPv4_interface the group is
 * joined and sent to on the Interface's index rather than wherever the
 * routing table says. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>

#include "sync/channel_int.h"

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif

static int join_v4(struct chan *c, const struct conf_channel *cc)
{
	struct ip_mreqn m;
	int r;

	memset(&m, 0, sizeof(m));
	m.imr_multiaddr = c->dest.in.sin_addr;
	m.imr_address = cc->mcast_ifaddr;
	if (cc->mcast_ifaddr.s_addr == htonl(INADDR_ANY))
		m.imr_ifindex = c->ifindex;
	if (setsockopt(c->rx_fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m,
		       sizeof(m)) < 0)
		return -errno;
	chan_set_int(c->rx_fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
	r = chan_set_int(c->tx_fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0);
	if (r < 0)
		return r;
	return setsockopt(c->tx_fd, IPPROTO_IP, IP_MULTICAST_IF, &m,
			  sizeof(m)) < 0 ? -errno : 0;
}

static int join_v6(struct chan *c)
{
	struct ipv6_mreq m;
	int r;

	memset(&m, 0, sizeof(m));
	m.ipv6mr_multiaddr = c->dest.in6.sin6_addr;
	m.ipv6mr_interface = (unsigned int)c->ifindex;
	if (setsockopt(c->rx_fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m,
		       sizeof(m)) < 0)
		return -errno;
	/* older kernels lack it; the bind to the group still filters */
	chan_set_int(c->rx_fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
	r = chan_set_int(c->tx_fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0);
	if (r < 0)
		return r;
	return chan_set_int(c->tx_fd, IPPROTO_IPV6, IPV6_MULTICAST_IF,
			    c->ifindex);
}

static bool is_group(const struct chan *c)
{
	if (c->family == AF_INET)
		return IN_MULTICAST(ntohl(c->dest.in.sin_addr.s_addr));
	return IN6_IS_ADDR_MULTICAST(&c->dest.in6.sin6_addr);
}

static int mcast_open(struct chan *c, const struct conf_channel *cc)
{
	int r;

	if (!is_group(c))
		return -EINVAL;
	r = chan_rx_socket(c, SOCK_DGRAM);
	if (r < 0)
		return r;
	if (bind(c->rx_fd, &c->local.sa, c->local_len) < 0)
		return -errno;
	r = chan_tx_socket(c, SOCK_DGRAM);
	if (r < 0)
		return r;
	r = c->family == AF_INET ? join_v4(c, cc) : join_v6(c);
	if (r < 0)
		return r;
	return chan_watch(c, c->rx_fd, EPOLLIN);
}

const struct chan_ops chan_mcast_ops = {
	.headersiz = 28,	/* IPv4 + UDP, as 1.4.7 */
	.open = mcast_open,
	.close = chan_dgram_close,
	.xmit = chan_dgram_xmit,
	.recv = chan_dgram_recv,
	.label = "multicast",
};
