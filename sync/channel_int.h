/* What the channel kinds (channel_{udp,mcast,tcp}.c) share with the
 * common part (channel.c).  Not for users of channel.h. */
#ifndef CTBOX_SYNC_CHANNEL_INT_H
#define CTBOX_SYNC_CHANNEL_INT_H

#include "sync/channel.h"

/* One queued datagram; off: bytes of it already written (TCP). */
struct chan_item {
	struct chan_item *next;
	size_t len;
	size_t off;
	unsigned char data[];
};

union chan_sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

enum chan_tcp_state {
	CHAN_TCP_IDLE,		/* no client socket; timer armed */
	CHAN_TCP_CONNECTING,
	CHAN_TCP_CONNECTED,
};

struct chan_ops {
	unsigned int headersiz;		/* IPv4; IPv6 adds 20 */
	int (*open)(struct chan *c, const struct conf_channel *cc);
	void (*close)(struct chan *c);
	/* Write (part of) an item: bytes written, or -errno (-EAGAIN: full,
	 * -ENOTCONN: not connected yet: keep it queued). */
	ssize_t (*xmit)(struct chan *c, const void *buf, size_t len);
	ssize_t (*recv)(struct chan *c, void *buf, size_t len,
			struct chan_peer *peer);
	/* An event on one of the kind's own fds (not the tx fd's EPOLLOUT). */
	void (*event)(struct chan *c, int fd, uint32_t events);
	const char *label;		/* "UDP", "multicast", "TCP" */
};

struct chan {
	const struct chan_ops *ops;
	enum conf_transport type;
	int epfd;			/* the channel's own epoll set */
	int family;
	int ifindex;
	char ifname[CONF_IFNAME_MAX];
	size_t mtu;
	union chan_sa local;		/* bind address (port included) */
	socklen_t local_len;
	union chan_sa dest;		/* peer (UDP/TCP) or group (mcast) */
	socklen_t dest_len;
	unsigned int sndbuf, rcvbuf;
	bool checksum;
	int tx_fd;			/* client socket */
	int rx_fd;			/* server socket (TCP: the listener) */
	uint32_t tx_events;		/* what the set watches on tx_fd */
	/* TCP only */
	int conn_fd;			/* the accepted connection */
	union chan_sa conn_peer;	/* and who is on its other end */
	int timer_fd;			/* reconnect back-off */
	enum chan_tcp_state tcp_state;
	unsigned int backoff_ms;
	unsigned char *rbuf;		/* reassembly: CHAN_RECV_MAX bytes */
	size_t rlen;
	/* send queue */
	struct chan_item *qhead, **qtail;
	unsigned int qcount, qmax;
	struct chan_stats st;
};

extern const struct chan_ops chan_udp_ops, chan_mcast_ops, chan_tcp_ops;

/* A non-blocking, close-on-exec socket of the channel's family. */
int chan_socket(const struct chan *c, int type);
/* SO_SNDBUFFORCE / SO_RCVBUFFORCE as 1.4.7 (0 = leave alone). */
int chan_set_sndbuf(int fd, unsigned int bytes);
int chan_set_rcvbuf(int fd, unsigned int bytes);
/* SO_NO_CHECK from the Checksum option (on: checksums computed). */
int chan_set_checksum(int fd, bool on);
int chan_set_int(int fd, int level, int opt, int val);
/* Add, change (events != 0) or remove (events == 0) fd in the set. */
int chan_watch(struct chan *c, int fd, uint32_t events);
/* Close fd after taking it out of the set; *fd becomes -1. */
void chan_fd_close(struct chan *c, int *fd);
/* Watch tx_fd for writing while something waits for it. */
void chan_tx_watch(struct chan *c);
/* Drop the partly written head (TCP: its start went out on a connection
 * that is gone, the rest cannot follow on a new one). */
void chan_queue_drop_partial(struct chan *c);
/* Write what the queue holds until the socket is full. */
void chan_drain(struct chan *c);
/* Datagram receive with the source address and the arrival interface
 * (IP_PKTINFO / IPV6_RECVPKTINFO must be on). */
ssize_t chan_recvmsg(struct chan *c, int fd, void *buf, size_t len,
		     struct chan_peer *peer);
/* Turn on arrival-interface reporting for chan_recvmsg(). */
int chan_want_pktinfo(const struct chan *c, int fd);

/* Datagram kinds (channel_udp.c), shared with Multicast. */
ssize_t chan_dgram_xmit(struct chan *c, const void *buf, size_t len);
ssize_t chan_dgram_recv(struct chan *c, void *buf, size_t len,
			struct chan_peer *peer);
void chan_dgram_close(struct chan *c);
/* rx_fd up to its bind, with the options 1.4.7 gives it. */
int chan_rx_socket(struct chan *c, int type);
/* tx_fd with Checksum and SndSocketBuffer (every kind). */
int chan_tx_socket(struct chan *c, int type);

#endif
