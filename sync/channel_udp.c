/* UDP channel (UDP { } block), and the datagram code Multicast shares.
 *
 * As 1.4.7 (src/udp.c): a receive socket with SO_REUSEADDR bound to
 * IPv4_address:Port (or IPv6_address), RcvSocketBuffer through
 * SO_RCVBUFFORCE; a send socket with SO_NO_CHECK from Checksum and
 * SndSocketBuffer through SO_SNDBUFFORCE, sending to
 * Destination_Address:Port from an ephemeral port.  Ours also binds the
 * send socket to the configured local address (port 0), so the peer sees
 * the address it has as its Destination_Address whatever the route's
 * preferred source is; and both sockets are non-blocking. */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "sync/channel_int.h"

ssize_t chan_dgram_xmit(struct chan *c, const void *buf, size_t len)
{
	ssize_t n = sendto(c->tx_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   &c->dest.sa, c->dest_len);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

ssize_t chan_dgram_recv(struct chan *c, void *buf, size_t len,
			struct chan_peer *peer)
{
	return chan_recvmsg(c, c->rx_fd, buf, len, peer);
}

void chan_dgram_close(struct chan *c)
{
	chan_fd_close(c, &c->tx_fd);
	chan_fd_close(c, &c->rx_fd);
}

/* The receive socket (TCP: the listener) up to its bind: every kind's
 * has SO_REUSEADDR and RcvSocketBuffer; datagram ones report the
 * arrival interface, TCP's has SO_KEEPALIVE (inherited by the accepted
 * connection), as in 1.4.7. */
int chan_rx_socket(struct chan *c, int type)
{
	int r;

	r = chan_socket(c, type);
	if (r < 0)
		return r;
	c->rx_fd = r;
	r = chan_set_int(c->rx_fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (!r)
		r = chan_set_rcvbuf(c->rx_fd, c->rcvbuf);
	if (!r && type == SOCK_DGRAM)
		r = chan_want_pktinfo(c, c->rx_fd);
	if (!r && type == SOCK_STREAM)
		r = chan_set_int(c->rx_fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	return r;
}

static bool local_is_wildcard(const struct chan *c)
{
	static const struct in6_addr any6 = IN6ADDR_ANY_INIT;

	if (c->family == AF_INET)
		return c->local.in.sin_addr.s_addr == htonl(INADDR_ANY);
	return !memcmp(&c->local.in6.sin6_addr, &any6, sizeof(any6));
}

/* The send socket with the options every kind sets; UDP and TCP ones
 * leave from the configured local address (see the top of the file). */
int chan_tx_socket(struct chan *c, int type)
{
	union chan_sa src = c->local;
	int r = chan_socket(c, type);

	if (r < 0)
		return r;
	c->tx_fd = r;
	r = chan_set_checksum(c->tx_fd, c->checksum);
	if (!r)
		r = chan_set_sndbuf(c->tx_fd, c->sndbuf);
	if (r < 0 || c->type == CONF_CHAN_MCAST || local_is_wildcard(c))
		return r;
	if (c->family == AF_INET)
		src.in.sin_port = 0;
	else
		src.in6.sin6_port = 0;
	return bind(c->tx_fd, &src.sa, c->local_len) < 0 ? -errno : 0;
}

static int udp_open(struct chan *c, const struct conf_channel *cc)
{
	int r;

	(void)cc;
	r = chan_rx_socket(c, SOCK_DGRAM);
	if (r < 0)
		return r;
	if (bind(c->rx_fd, &c->local.sa, c->local_len) < 0)
		return -errno;
	r = chan_watch(c, c->rx_fd, EPOLLIN);
	if (r < 0)
		return r;
	return chan_tx_socket(c, SOCK_DGRAM);
}

const struct chan_ops chan_udp_ops = {
	.headersiz = 28,	/* IPv4 + UDP, as 1.4.7 */
	.open = udp_open,
	.close = chan_dgram_close,
	.xmit = chan_dgram_xmit,
	.recv = chan_dgram_recv,
	.label = "UDP",
};
