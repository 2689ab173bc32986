/* TCP channel (TCP { } block): two connections, one per direction, as
 * 1.4.7 (src/tcp.c).  The server side listens on IPv4_address:Port
 * (SO_REUSEADDR, SO_KEEPALIVE, RcvSocketBuffer, backlog 1) and keeps one
 * accepted connection, a newer one replacing it; the client side connects
 * to Destination_Address:Port (SO_NO_CHECK from Checksum,
 * SndSocketBuffer) and reconnects when the connection is lost.  As for
 * UDP (channel_udp.c), ours connects from the configured local address,
 * which the peer's server checks.
 *
 * The stream carries 1.4.7's sync messages back to back with no framing
 * of its own: each message's header holds its length (BE16 at offset 2,
 * 8-byte header).  The receive side reassembles in a 64 KiB buffer, as
 * 1.4.7 does, and hands out only whole messages; a length below the
 * header's cannot be framed, so what is buffered is handed out as it is
 * and the decoder counts and drops it (1.4.7 drops the rest of its
 * buffer the same way).  The send side never interleaves: a chunk is
 * written whole before the next, and one cut by a lost connection is
 * dropped, not continued on the next connection.
 *
 * Differences from 1.4.7: non-blocking connect with a back-off from 1 s
 * doubling to 8 s (1.4.7 retries at each send, at most once a second);
 * data waiting for a connection sits in the bounded send queue
 * (ErrorQueueLength, 1.4.7's error queue); a connection from a host that
 * is not the configured peer is closed at once and counted, instead of
 * replacing the peer's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "sync/channel_int.h"

#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	8000
#define MSG_HDR_LEN	8	/* 1.4.7's message header */

static void arm_timer(struct chan *c, unsigned int ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	timerfd_settime(c->timer_fd, 0, &its, NULL);
}

/* The client is gone or never came: try again after the back-off. */
static void client_retry_later(struct chan *c)
{
	chan_fd_close(c, &c->tx_fd);
	chan_queue_drop_partial(c);
	c->tcp_state = CHAN_TCP_IDLE;
	c->backoff_ms = c->backoff_ms ? c->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (c->backoff_ms > BACKOFF_MAX_MS)
		c->backoff_ms = BACKOFF_MAX_MS;
	arm_timer(c, c->backoff_ms);
}

static void client_connected(struct chan *c)
{
	c->tcp_state = CHAN_TCP_CONNECTED;
	c->backoff_ms = 0;
	chan_drain(c);
}

static void client_connect(struct chan *c)
{
	if (chan_tx_socket(c, SOCK_STREAM) < 0) {
		client_retry_later(c);
		return;
	}
	if (connect(c->tx_fd, &c->dest.sa, c->dest_len) == 0) {
		client_connected(c);
		return;
	}
	if (errno != EINPROGRESS) {
		client_retry_later(c);
		return;
	}
	c->tcp_state = CHAN_TCP_CONNECTING;
	if (chan_watch(c, c->tx_fd, EPOLLOUT) < 0)
		client_retry_later(c);
	else
		c->tx_events = EPOLLOUT;
}

/* A connection that worked is gone: the next one is tried at once. */
static void client_lost(struct chan *c)
{
	chan_fd_close(c, &c->tx_fd);
	chan_queue_drop_partial(c);
	c->tcp_state = CHAN_TCP_IDLE;
	client_connect(c);
}

static void connect_done(struct chan *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->tx_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err)
		client_retry_later(c);
	else
		client_connected(c);
}

static bool from_peer(const struct chan *c, const union chan_sa *sa)
{
	struct chan_peer p;

	memset(&p, 0, sizeof(p));
	memcpy(&p.addr, sa, sizeof(*sa));
	return chan_is_peer(c, &p);
}

static void server_drop(struct chan *c)
{
	chan_fd_close(c, &c->conn_fd);
	c->rlen = 0;
}

static void server_accept(struct chan *c)
{
	union chan_sa sa;
	socklen_t len;
	int fd;

	for (;;) {
		len = sizeof(sa);
		fd = accept4(c->rx_fd, &sa.sa, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				c->st.err_recv++;
			return;
		}
		if (!from_peer(c, &sa)) {
			c->st.nonpeer++;
			close(fd);
			continue;
		}
		server_drop(c);
		c->conn_fd = fd;
		c->conn_peer = sa;
		if (chan_watch(c, fd, EPOLLIN) < 0)
			server_drop(c);
	}
}

static void tcp_event(struct chan *c, int fd, uint32_t events)
{
	uint64_t ticks;

	if (fd == c->rx_fd) {
		server_accept(c);
	} else if (fd == c->timer_fd) {
		if (read(c->timer_fd, &ticks, sizeof(ticks)) > 0 &&
		    c->tcp_state == CHAN_TCP_IDLE)
			client_connect(c);
	} else if (fd == c->tx_fd && c->tcp_state == CHAN_TCP_CONNECTING) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			connect_done(c);
	} else if (fd == c->tx_fd) {
		/* the peer closed or reset our connection */
		client_lost(c);
	}
}

static ssize_t tcp_xmit(struct chan *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->tcp_state != CHAN_TCP_CONNECTED)
		return -ENOTCONN;
	n = send(c->tx_fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return -EAGAIN;
	/* Lost (EPIPE, ECONNRESET...): counted as 1.4.7 counts it; the data
	 * stays queued for the next connection. */
	c->st.err_send++;
	client_lost(c);
	return -ENOTCONN;
}

/* Bytes of whole messages at the start of the reassembly buffer. */
static size_t framed(const struct chan *c)
{
	size_t off = 0;

	while (c->rlen - off >= MSG_HDR_LEN) {
		size_t mlen = (size_t)c->rbuf[off + 2] << 8 | c->rbuf[off + 3];

		if (mlen < MSG_HDR_LEN)
			return c->rlen;	/* unframable: the decoder drops it */
		if (mlen > c->rlen - off)
			break;
		off += mlen;
	}
	return off;
}

/* The longest run of whole messages within len. */
static size_t fit(const struct chan *c, size_t avail, size_t len)
{
	size_t off = 0;

	if (avail <= len)
		return avail;
	while (off + MSG_HDR_LEN <= avail) {
		size_t mlen = (size_t)c->rbuf[off + 2] << 8 | c->rbuf[off + 3];

		if (mlen < MSG_HDR_LEN || off + mlen > len)
			break;
		off += mlen;
	}
	return off;
}

static ssize_t tcp_recv(struct chan *c, void *buf, size_t len,
			struct chan_peer *peer)
{
	size_t avail, take;
	ssize_t n;

	memset(peer, 0, sizeof(*peer));
	if (c->conn_fd < 0)
		return -EAGAIN;
	avail = framed(c);
	if (!avail) {
		n = recv(c->conn_fd, c->rbuf + c->rlen, CHAN_RECV_MAX - c->rlen,
			 MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return -EAGAIN;
			c->st.err_recv++;
			n = -errno;
			server_drop(c);
			return n;
		}
		if (n == 0) {
			/* the peer closed: wait for its next connection */
			server_drop(c);
			return -EAGAIN;
		}
		c->st.bytes_recv += (uint64_t)n;
		c->st.pkts_recv++;
		c->rlen += (size_t)n;
		avail = framed(c);
		if (!avail)
			return -EAGAIN;
	}
	take = fit(c, avail, len);
	if (!take)
		return -EMSGSIZE;
	memcpy(buf, c->rbuf, take);
	c->rlen -= take;
	memmove(c->rbuf, c->rbuf + take, c->rlen);
	memcpy(&peer->addr, &c->conn_peer, sizeof(c->conn_peer));
	return (ssize_t)take;
}

static int tcp_open(struct chan *c, const struct conf_channel *cc)
{
	int r;

	(void)cc;
	c->rbuf = malloc(CHAN_RECV_MAX);
	if (!c->rbuf)
		return -ENOMEM;
	c->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				     TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->timer_fd < 0)
		return -errno;
	r = chan_watch(c, c->timer_fd, EPOLLIN);
	if (r < 0)
		return r;
	r = chan_rx_socket(c, SOCK_STREAM);
	if (r < 0)
		return r;
	if (bind(c->rx_fd, &c->local.sa, c->local_len) < 0 ||
	    listen(c->rx_fd, 1) < 0)
		return -errno;
	r = chan_watch(c, c->rx_fd, EPOLLIN);
	if (r < 0)
		return r;
	client_connect(c);
	return 0;
}

static void tcp_close(struct chan *c)
{
	chan_fd_close(c, &c->tx_fd);
	chan_fd_close(c, &c->rx_fd);
	chan_fd_close(c, &c->conn_fd);
	chan_fd_close(c, &c->timer_fd);
}

const struct chan_ops chan_tcp_ops = {
	.headersiz = 40,	/* IPv4 + TCP, as 1.4.7 */
	.open = tcp_open,
	.close = tcp_close,
	.xmit = tcp_xmit,
	.recv = tcp_recv,
	.event = tcp_event,
	.label = "TCP",
};
