/* The part of a sync channel every kind shares (see channel.h): opening
 * from a conf block, the channel's own epoll set, the bounded send queue,
 * socket options, counters and 1.4.7's stats blocks. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/out.h"
#include "sync/channel_int.h"

#define IPV6_EXTRA_HDR	20	/* IPv6 header is 40 bytes, IPv4's 20 */

static const struct chan_ops *kind_ops(enum conf_transport t)
{
	switch (t) {
	case CONF_CHAN_UDP:
		return &chan_udp_ops;
	case CONF_CHAN_MCAST:
		return &chan_mcast_ops;
	case CONF_CHAN_TCP:
		return &chan_tcp_ops;
	default:
		return NULL;
	}
}

/* One SIOCGIFxxx on ifname: 0 or -errno (-ENODEV: no such interface). */
static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	size_t n = strlen(ifname);
	int fd, r = 0;

	if (!n || n >= sizeof(ifr->ifr_name))
		return -ENODEV;
	memset(ifr, 0, sizeof(*ifr));
	memcpy(ifr->ifr_name, ifname, n);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		r = errno == ENXIO ? -ENODEV : -errno;
	close(fd);
	return r;
}

unsigned int chan_if_flags(const char *ifname)
{
	struct ifreq ifr;

	if (if_ioctl(ifname, SIOCGIFFLAGS, &ifr) < 0)
		return 0;
	return (unsigned short)ifr.ifr_flags;
}

static int if_mtu(const char *ifname, size_t *mtu)
{
	struct ifreq ifr;
	int r = if_ioctl(ifname, SIOCGIFMTU, &ifr);

	if (r == 0)
		*mtu = ifr.ifr_mtu > 0 ? (size_t)ifr.ifr_mtu : 0;
	return r;
}

static socklen_t sa_set(union chan_sa *sa, const struct conf_inet *a,
			int family, uint16_t port, int ifindex)
{
	memset(sa, 0, sizeof(*sa));
	if (family == AF_INET) {
		sa->in.sin_family = AF_INET;
		sa->in.sin_port = htons(port);
		if (a->family == AF_INET)
			sa->in.sin_addr = a->v4;
		return sizeof(sa->in);
	}
	sa->in6.sin6_family = AF_INET6;
	sa->in6.sin6_port = htons(port);
	if (a->family == AF_INET6)
		sa->in6.sin6_addr = a->v6;
	/* Used only by link-local and multicast addresses: Interface gives
	 * their scope, as in 1.4.7. */
	sa->in6.sin6_scope_id = (uint32_t)ifindex;
	return sizeof(sa->in6);
}

/* Family and addresses from the block.  Multicast: the group is both the
 * destination and (as in 1.4.7's successors, bug 1819) the bind address.
 * UDP/TCP: the peer gives the family; the local address, if any, must be
 * of the same one. */
static int set_addresses(struct chan *c, const struct conf_channel *cc)
{
	const struct conf_inet *group = &cc->addr;

	if (cc->type == CONF_CHAN_MCAST) {
		if (!group->family)
			return -EINVAL;
		c->family = group->family;
		c->dest_len = sa_set(&c->dest, group, c->family, cc->port,
				     c->ifindex);
		c->local_len = sa_set(&c->local, group, c->family, cc->port,
				      c->ifindex);
		return 0;
	}
	if (!cc->dest.family ||
	    (cc->addr.family && cc->addr.family != cc->dest.family))
		return -EINVAL;
	c->family = cc->dest.family;
	c->dest_len = sa_set(&c->dest, &cc->dest, c->family, cc->port,
			     c->ifindex);
	c->local_len = sa_set(&c->local, &cc->addr, c->family, cc->port,
			      c->ifindex);
	return 0;
}

struct chan *chan_open(const struct conf_channel *cc, unsigned int qmax)
{
	const struct chan_ops *ops = kind_ops(cc->type);
	struct chan *c;
	size_t mtu = 0;
	int r;

	/* 1.4.7 cannot open a channel without its Interface either. */
	if (!ops || !cc->ifname[0]) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->ops = ops;
	c->type = cc->type;
	c->epfd = c->tx_fd = c->rx_fd = c->conn_fd = c->timer_fd = -1;
	c->qtail = &c->qhead;
	c->qmax = qmax ? qmax : CHAN_QUEUE_DEFAULT;
	c->sndbuf = cc->sndbuf;
	c->rcvbuf = cc->rcvbuf;
	c->checksum = cc->checksum;
	memcpy(c->ifname, cc->ifname, sizeof(c->ifname));
	c->ifname[sizeof(c->ifname) - 1] = '\0';
	r = if_mtu(c->ifname, &mtu);
	if (r < 0)
		goto fail;
	c->ifindex = (int)if_nametoindex(c->ifname);
	if (!c->ifindex) {
		r = -ENODEV;
		goto fail;
	}
	r = set_addresses(c, cc);
	if (r < 0)
		goto fail;
	/* IPv6 headers are 20 bytes longer: 1.4.7 ignores that and its
	 * full datagrams fragment; ours stay within the MTU. */
	mtu -= mtu > ops->headersiz ? ops->headersiz : mtu;
	if (c->family == AF_INET6)
		mtu -= mtu > IPV6_EXTRA_HDR ? IPV6_EXTRA_HDR : mtu;
	if (mtu < 64) {
		r = -EINVAL;
		goto fail;
	}
	c->mtu = mtu;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0) {
		r = -errno;
		goto fail;
	}
	r = ops->open(c, cc);
	if (r < 0)
		goto fail;
	return c;
fail:
	chan_close(c);
	errno = -r;
	return NULL;
}

void chan_close(struct chan *c)
{
	struct chan_item *it;

	if (!c)
		return;
	c->ops->close(c);
	while ((it = c->qhead)) {
		c->qhead = it->next;
		free(it);
	}
	if (c->epfd >= 0)
		close(c->epfd);
	free(c->rbuf);
	free(c);
}

int chan_fd(const struct chan *c)
{
	return c->epfd;
}

size_t chan_mtu(const struct chan *c)
{
	return c->mtu;
}

enum conf_transport chan_type(const struct chan *c)
{
	return c->type;
}

const char *chan_ifname(const struct chan *c)
{
	return c->ifname;
}

int chan_ifindex(const struct chan *c)
{
	return c->ifindex;
}

const struct chan_stats *chan_stats(const struct chan *c)
{
	return &c->st;
}

unsigned int chan_queued(const struct chan *c)
{
	return c->qcount;
}

bool chan_wants_write(const struct chan *c)
{
	return c->qhead || (c->type == CONF_CHAN_TCP &&
			    c->tcp_state == CHAN_TCP_CONNECTING);
}

bool chan_connected(const struct chan *c, bool *server, bool *client)
{
	bool s = true, cl = true;

	if (c->type == CONF_CHAN_TCP) {
		s = c->conn_fd >= 0;
		cl = c->tcp_state == CHAN_TCP_CONNECTED;
	}
	if (server)
		*server = s;
	if (client)
		*client = cl;
	return s && cl;
}

int chan_socket(const struct chan *c, int type)
{
	int fd = socket(c->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

int chan_set_int(int fd, int level, int opt, int val)
{
	return setsockopt(fd, level, opt, &val, sizeof(val)) < 0 ? -errno : 0;
}

/* The FORCE variants pass rmem_max/wmem_max (CAP_NET_ADMIN); 1.4.7 only
 * forgives kernels without them.  Without the capability we still ask
 * for what the limits allow rather than fail. */
static int set_buf(int fd, int force_opt, int opt, unsigned int bytes)
{
	int r;

	if (!bytes)
		return 0;
	if (bytes > (unsigned int)INT32_MAX)
		return -EINVAL;
	r = chan_set_int(fd, SOL_SOCKET, force_opt, (int)bytes);
	if (r == -EPERM || r == -ENOPROTOOPT)
		r = chan_set_int(fd, SOL_SOCKET, opt, (int)bytes);
	return r;
}

int chan_set_sndbuf(int fd, unsigned int bytes)
{
	return set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, bytes);
}

int chan_set_rcvbuf(int fd, unsigned int bytes)
{
	return set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, bytes);
}

int chan_set_checksum(int fd, bool on)
{
	return chan_set_int(fd, SOL_SOCKET, SO_NO_CHECK, on ? 0 : 1);
}

int chan_watch(struct chan *c, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (!events)
		return epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 ?
			-errno : 0;
	if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
		return 0;
	if (errno != ENOENT)
		return -errno;
	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void chan_fd_close(struct chan *c, int *fd)
{
	if (*fd < 0)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, *fd, NULL);
	close(*fd);
	*fd = -1;
	if (fd == &c->tx_fd)
		c->tx_events = 0;
}

void chan_tx_watch(struct chan *c)
{
	uint32_t want = chan_wants_write(c) ? EPOLLOUT : 0;

	/* a connected client hears of the peer's close at once, not from
	 * the first message lost to it */
	if (c->type == CONF_CHAN_TCP && c->tcp_state == CHAN_TCP_CONNECTED)
		want |= EPOLLRDHUP;
	if (c->tx_fd < 0 || want == c->tx_events)
		return;
	if (chan_watch(c, c->tx_fd, want) == 0)
		c->tx_events = want;
}

static void queue_pop(struct chan *c)
{
	struct chan_item *it = c->qhead;

	c->qhead = it->next;
	if (!c->qhead)
		c->qtail = &c->qhead;
	c->qcount--;
	free(it);
}

void chan_queue_drop_partial(struct chan *c)
{
	if (c->qhead && c->qhead->off)
		queue_pop(c);
}

/* One write of the head of the queue: true when the queue may go on. */
static bool drain_one(struct chan *c)
{
	struct chan_item *it = c->qhead;
	ssize_t n = c->ops->xmit(c, it->data + it->off, it->len - it->off);

	if (n == -EAGAIN || n == -ENOTCONN)
		return false;
	if (n < 0) {
		/* refused for good: counted and dropped, as 1.4.7 does */
		c->st.err_send++;
		queue_pop(c);
		return true;
	}
	c->st.bytes_sent += (uint64_t)n;
	c->st.pkts_sent++;
	it->off += (size_t)n;
	if (it->off == it->len)
		queue_pop(c);
	return true;
}

void chan_drain(struct chan *c)
{
	while (c->qhead && drain_one(c))
		;
	chan_tx_watch(c);
}

static int enqueue(struct chan *c, const void *buf, size_t len)
{
	struct chan_item *it;

	if (c->qcount >= c->qmax)
		return -EAGAIN;
	it = malloc(sizeof(*it) + len);
	if (!it)
		return -ENOMEM;
	it->next = NULL;
	it->len = len;
	it->off = 0;
	memcpy(it->data, buf, len);
	*c->qtail = it;
	c->qtail = &it->next;
	c->qcount++;
	chan_tx_watch(c);
	return 0;
}

int chan_send(struct chan *c, const void *buf, size_t len)
{
	ssize_t n;

	if (!len)
		return 0;
	if (len > CHAN_RECV_MAX)
		return -EMSGSIZE;
	/* Order first: while anything waits, new data waits behind it. */
	if (c->qhead)
		return enqueue(c, buf, len);
	n = c->ops->xmit(c, buf, len);
	if (n == -EAGAIN || n == -ENOTCONN)
		return enqueue(c, buf, len);
	if (n < 0) {
		c->st.err_send++;
		return (int)n;
	}
	c->st.bytes_sent += (uint64_t)n;
	c->st.pkts_sent++;
	if ((size_t)n == len)
		return 0;
	/* A stream took part of it: the rest goes first when it can (the
	 * queue was empty, so there is room). */
	return enqueue(c, (const unsigned char *)buf + n, len - (size_t)n);
}

void chan_process(struct chan *c)
{
	struct epoll_event ev[8];
	int i, n;

	n = epoll_wait(c->epfd, ev, 8, 0);
	for (i = 0; i < n; i++) {
		int fd = ev[i].data.fd;

		uint32_t e = ev[i].events;

		if (fd == c->tx_fd && c->ops->event &&
		    ((e & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) ||
		     c->tcp_state == CHAN_TCP_CONNECTING))
			c->ops->event(c, fd, e);
		else if (fd == c->tx_fd && (e & EPOLLOUT))
			chan_drain(c);
		else if (fd != c->tx_fd && c->ops->event)
			c->ops->event(c, fd, e);
	}
}

ssize_t chan_recv(struct chan *c, void *buf, size_t len, struct chan_peer *peer)
{
	struct chan_peer tmp;

	return c->ops->recv(c, buf, len, peer ? peer : &tmp);
}

int chan_want_pktinfo(const struct chan *c, int fd)
{
	if (c->family == AF_INET)
		return chan_set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
	return chan_set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
}

ssize_t chan_recvmsg(struct chan *c, int fd, void *buf, size_t len,
		     struct chan_peer *peer)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_name = &peer->addr, .msg_namelen = sizeof(peer->addr),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *cm;
	ssize_t n;

	memset(peer, 0, sizeof(*peer));
	n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return -EAGAIN;
		c->st.err_recv++;
		return -errno;
	}
	if ((size_t)n > len) {
		/* never handed out cut: the datagram is counted and gone */
		c->st.err_recv++;
		return -EMSGSIZE;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			peer->ifindex = pi.ipi_ifindex;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			peer->ifindex = (int)pi.ipi6_ifindex;
		}
	}
	c->st.bytes_recv += (uint64_t)n;
	c->st.pkts_recv++;
	return n;
}

static bool same_addr(const struct sockaddr_storage *a, const union chan_sa *b)
{
	if (a->ss_family != b->sa.sa_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       b->in.sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &b->in6.sin6_addr, sizeof(struct in6_addr));
	return false;
}

bool chan_is_peer(const struct chan *c, const struct chan_peer *p)
{
	if (c->type == CONF_CHAN_MCAST)
		return p->ifindex == c->ifindex;
	return same_addr(&p->addr, &c->dest);
}

static void print_counters(const struct chan_stats *s, struct out *o)
{
	out_printf(o, "%20llu Bytes sent %20llu Bytes recv\n"
		   "%20llu Pckts sent %20llu Pckts recv\n"
		   "%20llu Error send %20llu Error recv\n\n",
		   (unsigned long long)s->bytes_sent,
		   (unsigned long long)s->bytes_recv,
		   (unsigned long long)s->pkts_sent,
		   (unsigned long long)s->pkts_recv,
		   (unsigned long long)s->err_send,
		   (unsigned long long)s->err_recv);
}

void chan_print_stats(const struct chan *c, struct out *o)
{
	bool srv, cli;

	out_printf(o, "%s traffic (active device=%s)", c->ops->label,
		   c->ifname);
	if (c->type == CONF_CHAN_TCP) {
		chan_connected(c, &srv, &cli);
		out_printf(o, " server=%s client=%s",
			   srv ? "connected" : "disconnected",
			   cli ? "connected" : "disconnected");
	}
	out_puts(o, ":\n");
	print_counters(&c->st, o);
}

void chan_print_link(const struct chan *c, struct out *o, unsigned int ifflags,
		     bool active)
{
	/* IFF_UP is the administrative state, IFF_RUNNING the carrier */
	const char *status = !(ifflags & IFF_UP) ? "DOWN" :
			     (ifflags & IFF_RUNNING) ? "RUNNING" : "NO-CARRIER";

	out_printf(o, "%s traffic device=%s status=%s role=%s:\n",
		   c->ops->label, c->ifname, status,
		   active ? "ACTIVE" : "BACKUP");
	print_counters(&c->st, o);
}
