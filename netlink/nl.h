/* Netlink sockets, requests, dumps and batches over libmnl.  Knows nothing
 * about conntrack.  Every function returns 0 or -errno and never prints. */
#ifndef CTBOX_NL_H
#define CTBOX_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct nlmsghdr;
struct nl;

/* One receive buffer per socket: the kernel never builds a dump skb larger
 * than 32 KiB, so a bigger buffer would only waste memory. */
#define NL_RCVBUF_SIZE	32768

/* What the receive paths refused: datagrams whose sender is not the
 * kernel (nl_pid != 0: any local process can unicast to our port id), and
 * datagrams larger than the buffer (MSG_TRUNC: their end is lost). */
struct nl_rx_stats {
	unsigned long foreign;
	unsigned long truncated;
};

/* Callback for each data message of a reply: return 0 to go on, a positive
 * value to stop the dump early (returned to the caller), -errno to fail. */
typedef int (*nl_msg_cb)(const struct nlmsghdr *nlh, void *data);

struct nl *nl_open(int bus, unsigned int groups);	/* NULL + errno */
void nl_close(struct nl *nl);
int nl_fd(const struct nl *nl);
uint32_t nl_portid(const struct nl *nl);
uint32_t nl_next_seq(struct nl *nl);

/* Ask for a receive buffer of about bytes; force=true bypasses rmem_max
 * (needs CAP_NET_ADMIN).  *got receives what the kernel granted. */
int nl_set_rcvbuf(struct nl *nl, size_t bytes, bool force, size_t *got);
int nl_set_sockopt(struct nl *nl, int opt, int val);

/* A scratch buffer owned by the socket for building one request. */
void *nl_req_buf(struct nl *nl, size_t *len);

/* Send a request (its seq/portid are filled here) and read replies until
 * NLMSG_DONE or the ACK: cb sees each data message.  A dump interrupted by
 * a table change (NLM_F_DUMP_INTR) still runs to its end and returns
 * -EINTR so that the caller can decide to retry.  Whatever stops it early
 * (cb's value or error, a truncated datagram), the replies are read to
 * their end, so that the socket is ready for the next request. */
int nl_request(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data);

/* A dump read in steps, so that a caller with other work (an event loop)
 * never waits for a whole table: nl_dump_start() sends the request (one
 * dump at a time per socket: -EBUSY), then each nl_dump_step() reads at
 * most max datagrams without blocking (*nread: how many it read) and
 * hands their messages to cb as nl_request() does.  Returns 1 while the
 * dump goes on (the socket becomes readable when there is more), then
 * what nl_request() would have returned: 0, -EINTR for an interrupted
 * dump, cb's value or -errno.  Closing the socket abandons a dump. */
int nl_dump_start(struct nl *nl, struct nlmsghdr *req);
int nl_dump_step(struct nl *nl, unsigned int max, nl_msg_cb cb, void *data,
		 unsigned int *nread);
bool nl_dump_active(const struct nl *nl);

/* Receive and dispatch one datagram of a subscribed (event) socket (up to
 * NL_EV_SLOTS of them after nl_set_event_batch()).
 * Returns the number of messages handled, or -errno (-ENOBUFS on overrun,
 * -EAGAIN on a non-blocking socket with nothing queued, -EMSGSIZE for a
 * datagram too large, which is dropped).  Datagrams not from the kernel
 * are dropped and counted (nl_rx_stats()); in batch mode the kernel
 * itself refuses them. */
int nl_recv_events(struct nl *nl, nl_msg_cb cb, void *data);
/* Read up to NL_EV_SLOTS datagrams per nl_recv_events() call, each of at
 * most NL_EV_SLOT bytes (conntrack and expectation events are far
 * smaller; a longer one is dropped and counted truncated, -EMSGSIZE).
 * The socket is connected to the kernel for it, so that the kernel
 * refuses every process's unicast: 0, or -errno from connect(). */
#define NL_EV_SLOTS	8
#define NL_EV_SLOT	(NL_RCVBUF_SIZE / NL_EV_SLOTS)
int nl_set_event_batch(struct nl *nl, bool on);

/* Receive one datagram the kernel sent: its length, or -errno; -EMSGSIZE
 * when it was larger than len (it is consumed and must not be parsed).
 * Datagrams from user space are dropped (counted in st) and the next one
 * is read.  Every receive path goes through here. */
ssize_t nl_recv_kernel(int fd, void *buf, size_t len, int flags,
		       struct nl_rx_stats *st);
const struct nl_rx_stats *nl_rx_stats(const struct nl *nl);

/* The last extended-ACK message from the kernel, or NULL. */
const char *nl_ext_ack_msg(const struct nl *nl);

/* Start/finish a message in caller memory: nfnetlink header included. */
struct nlmsghdr *nl_put_nfmsg(void *buf, uint16_t subsys, uint16_t type,
			      uint16_t flags, uint8_t family, uint8_t version,
			      uint16_t res_id);
/* nfgenmsg of a received message. */
uint8_t nl_nfmsg_family(const struct nlmsghdr *nlh);
uint16_t nl_nfmsg_res_id(const struct nlmsghdr *nlh);
uint16_t nl_msg_subsys(const struct nlmsghdr *nlh);
uint16_t nl_msg_type(const struct nlmsghdr *nlh);	/* without subsys */

#endif
