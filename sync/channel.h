/* One sync channel (a UDP, Multicast or TCP block of the Sync section)
 * behind one interface, for conntrackd's single epoll loop.
 *
 * A channel owns several sockets (send and receive sockets; for TCP the
 * listener, the accepted connection, the client and a reconnect timer).
 * They live in the channel's own epoll set, and that set's fd is the one
 * fd the daemon's loop watches (EPOLLIN): when it is readable, call
 * chan_process() (accepts, connects, drains the send queue, reconnects)
 * and then chan_recv() until -EAGAIN (a TCP channel may hold whole
 * messages already read, which no later event announces).  So a channel
 * never needs write readiness from the outer loop, and no timer of it
 * either: ctd_fd_add()'s EPOLLIN is all it takes.
 *
 * Everything is non-blocking.  chan_send() takes one datagram (for TCP, a
 * chunk of whole sync messages): sent at once, or kept in a bounded queue
 * while the socket is full or the TCP connection is being (re)made; when
 * that queue is full it returns -EAGAIN and takes nothing, which is the
 * back-pressure the sender (the transmit queue) waits on.
 *
 * Socket options are 1.4.7's (src/{mcast,udp,tcp}.c); deliberate
 * differences are named where they are made.  Nothing here prints. */
#ifndef CTBOX_SYNC_CHANNEL_H
#define CTBOX_SYNC_CHANNEL_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "config/conf.h"

struct out;
struct chan;

/* The counters of 1.4.7's "-s" / "-s link" channel block: sent is the
 * client side, recv the server side.  A packet is one successful send or
 * receive call (so for TCP a read of any size). */
struct chan_stats {
	uint64_t bytes_sent;
	uint64_t bytes_recv;
	uint64_t pkts_sent;
	uint64_t pkts_recv;
	uint64_t err_send;
	uint64_t err_recv;
	/* ours: TCP connections from a host that is not the peer, closed at
	 * once (the datagram kinds leave that check to chan_is_peer()) */
	uint64_t nonpeer;
};

/* Where a received datagram came from. */
struct chan_peer {
	struct sockaddr_storage addr;
	int ifindex;			/* arrival interface; 0 = unknown */
};

/* The largest datagram or TCP read a channel hands out; 1.4.7's receive
 * buffer.  Callers of chan_recv() should pass this much. */
#define CHAN_RECV_MAX	65536
/* Send queue length when the caller has no better number: 1.4.7's
 * ErrorQueueLength default. */
#define CHAN_QUEUE_DEFAULT	CONF_DEF_ERROR_QUEUE_LENGTH

/* Open a channel from its block.  qmax: how many datagrams (chunks) the
 * send queue holds (0: CHAN_QUEUE_DEFAULT).  NULL with errno: EINVAL (no
 * Interface, no address, a family the kind cannot use), ENODEV (unknown
 * interface), or what a socket call said. */
struct chan *chan_open(const struct conf_channel *cc, unsigned int qmax);
void chan_close(struct chan *c);

/* The fd for the daemon's loop (EPOLLIN only). */
int chan_fd(const struct chan *c);
/* Payload bytes one datagram may carry: the interface MTU less 1.4.7's
 * header allowance (28 for UDP and Multicast, 40 for TCP; IPv6: 48/60). */
size_t chan_mtu(const struct chan *c);
enum conf_transport chan_type(const struct chan *c);
const char *chan_ifname(const struct chan *c);
int chan_ifindex(const struct chan *c);

/* Accept, connect, drain, reconnect: whatever the channel's sockets are
 * ready for.  Cheap when nothing is. */
void chan_process(struct chan *c);

/* Send one datagram (for TCP: whole messages).  0 when sent or queued;
 * -EAGAIN: queue full, nothing taken; -EMSGSIZE: larger than a datagram
 * can be; another -errno: the socket refused it (counted as a send error,
 * the datagram is dropped, as 1.4.7 drops it). */
int chan_send(struct chan *c, const void *buf, size_t len);

/* Read one datagram (TCP: the whole sync messages read so far, framed by
 * the length field of 1.4.7's message header) into buf.  Returns its
 * length, -EAGAIN when there is nothing, -EMSGSIZE when buf is smaller
 * than the next message, or another -errno (counted as a receive error).
 * peer may be NULL. */
ssize_t chan_recv(struct chan *c, void *buf, size_t len, struct chan_peer *peer);

/* The receiver's check: did this come from the configured peer?  UDP and
 * TCP: the source address is the Destination_Address of the block.
 * Multicast (the peer's address is not configured): it arrived on the
 * channel's Interface. */
bool chan_is_peer(const struct chan *c, const struct chan_peer *p);

/* Something waits to be written (queue not empty, connect pending). */
bool chan_wants_write(const struct chan *c);
/* Datagrams waiting in the send queue. */
unsigned int chan_queued(const struct chan *c);
/* TCP: both connections up ("server=connected client=connected").
 * Datagram kinds: always true. */
bool chan_connected(const struct chan *c, bool *server, bool *client);

const struct chan_stats *chan_stats(const struct chan *c);

/* 1.4.7's blocks.  "-s": "<kind> traffic (active device=X)..." with its
 * six counters; "-s link": "<kind> traffic device=X status=S role=R:". */
void chan_print_stats(const struct chan *c, struct out *o);
void chan_print_link(const struct chan *c, struct out *o, unsigned int ifflags,
		     bool active);

/* IFF_* flags of an interface (SIOCGIFFLAGS); 0 when it is gone. */
unsigned int chan_if_flags(const char *ifname);

#endif
