/* Netlink plumbing on top of libmnl: sockets, the request/dump loop, event
 * reception and the batch writer.  No conntrack knowledge lives here. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>

#include "nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NLM_F_DUMP_INTR
#define NLM_F_DUMP_INTR 0x10
#endif

struct nl {
	struct mnl_socket *sk;
	uint32_t portid;
	uint32_t seq;
	struct nl_rx_stats st;
	/* the dump being read in steps (nl_dump_start) */
	struct {
		uint32_t seq;
		bool active, intr, cut;
		int stop;
	} dump;
	char ext_ack[128];
	bool ev_batch;		/* nl_set_event_batch() */
	/* 8-byte aligned so that nlmsghdr and u64 attributes can be read in place */
	_Alignas(8) char rx[NL_RCVBUF_SIZE];
	_Alignas(8) char tx[8192];
};

struct nl *nl_open(int bus, unsigned int groups)
{
	struct nl *nl = calloc(1, sizeof(*nl));
	int one = 1;

	if (!nl)
		return NULL;
	nl->sk = mnl_socket_open(bus);
	if (!nl->sk)
		goto out_free;
	if (mnl_socket_bind(nl->sk, groups, MNL_SOCKET_AUTOPID) < 0)
		goto out_close;
	/* Small ACKs and the kernel's reason for a refusal; both optional. */
	mnl_socket_setsockopt(nl->sk, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sk, NETLINK_EXT_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sk);
	nl->seq = (uint32_t)time(NULL);
	return nl;

out_close:
	{
		int e = errno;
		mnl_socket_close(nl->sk);
		errno = e;
	}
out_free:
	{
		int e = errno;
		free(nl);
		errno = e;
	}
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sk);
	free(nl);
}

int nl_fd(const struct nl *nl)
{
	return mnl_socket_get_fd(nl->sk);
}

uint32_t nl_portid(const struct nl *nl)
{
	return nl->portid;
}

uint32_t nl_next_seq(struct nl *nl)
{
	return ++nl->seq;
}

int nl_set_rcvbuf(struct nl *nl, size_t bytes, bool force, size_t *got)
{
	int fd = nl_fd(nl), v = bytes > (size_t)INT32_MAX ? INT32_MAX : (int)bytes;
	socklen_t len = sizeof(v);
	int ret = 0;

	if (!force || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0) {
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) < 0)
			ret = -errno;
	}
	if (got) {
		v = 0;
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
		*got = (size_t)v;
	}
	return ret;
}

int nl_set_sockopt(struct nl *nl, int opt, int val)
{
	if (mnl_socket_setsockopt(nl->sk, opt, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

void *nl_req_buf(struct nl *nl, size_t *len)
{
	if (len)
		*len = sizeof(nl->tx);
	/* libmnl does not zero attribute padding: start from a clean buffer */
	memset(nl->tx, 0, sizeof(nl->tx));
	return nl->tx;
}

const struct nl_rx_stats *nl_rx_stats(const struct nl *nl)
{
	return &nl->st;
}

ssize_t nl_recv_kernel(int fd, void *buf, size_t len, int flags,
		       struct nl_rx_stats *st)
{
	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { buf, len };
		struct msghdr mh = {
			.msg_name = &sa, .msg_namelen = sizeof(sa),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		ssize_t n = recvmsg(fd, &mh, flags);

		if (n < 0)
			return -errno;
		if (mh.msg_namelen != sizeof(sa) || sa.nl_family != AF_NETLINK ||
		    sa.nl_pid != 0) {
			st->foreign++;
			continue;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			st->truncated++;
			return -EMSGSIZE;
		}
		return n;
	}
}

const char *nl_ext_ack_msg(const struct nl *nl)
{
	return nl->ext_ack[0] ? nl->ext_ack : NULL;
}

struct nlmsghdr *nl_put_nfmsg(void *buf, uint16_t subsys, uint16_t type,
			      uint16_t flags, uint8_t family, uint8_t version,
			      uint16_t res_id)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)((subsys << 8) | type);
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = version;
	nfg->res_id = htons(res_id);
	return nlh;
}

uint8_t nl_nfmsg_family(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	return nfg->nfgen_family;
}

uint16_t nl_nfmsg_res_id(const struct nlmsghdr *nlh)
{
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);

	return ntohs(nfg->res_id);
}

uint16_t nl_msg_subsys(const struct nlmsghdr *nlh)
{
	return NFNL_SUBSYS_ID(nlh->nlmsg_type);
}

uint16_t nl_msg_type(const struct nlmsghdr *nlh)
{
	return NFNL_MSG_TYPE(nlh->nlmsg_type);
}

/* Keep the kernel's extended-ACK text, if the error message carries one. */
static void save_ext_ack(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off = sizeof(*err);

	nl->ext_ack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (mnl_nlmsg_get_payload_len(nlh) < off)
		return;
	mnl_attr_for_each_payload((const void *)((const char *)err + off),
				  mnl_nlmsg_get_payload_len(nlh) - off) {
		if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
			continue;
		snprintf(nl->ext_ack, sizeof(nl->ext_ack), "%s",
			 mnl_attr_get_str(attr));
	}
}

/* Walk one datagram.  Returns 1 when the request is complete (DONE/ACK),
 * 0 to keep reading, or the kernel's -errno.  Once *stop is set (cb's
 * positive value or error) the rest is read without calling cb. */
static int walk(struct nl *nl, const char *buf, size_t len, uint32_t seq,
		nl_msg_cb cb, void *data, bool want_ack, bool *intr,
		int *stop)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int n = (int)len;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_pid != nl->portid || (seq && nlh->nlmsg_seq != seq))
			continue;	/* stale reply to an earlier request */
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_DONE:
			return 1;
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return -EBADMSG;
			save_ext_ack(nl, nlh);
			return e->error ? e->error : 1;
		}
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		}
		if (*stop == 0 && cb)
			*stop = cb(nlh, data);
		if (!(nlh->nlmsg_flags & NLM_F_MULTI) && !want_ack)
			return 1;	/* single reply, no ACK to wait for */
	}
	return 0;
}

/* The state of one request's replies being read. */
struct reply {
	uint32_t seq;
	bool want_ack, intr, cut;
	int stop;
};

/* Read and walk one datagram of the replies to r.  1 when the request is
 * complete, 0 to read on, -EAGAIN when nothing is queued (non-blocking),
 * or -errno (the request is over). */
static int read_one(struct nl *nl, struct reply *r, int flags, nl_msg_cb cb,
		    void *data)
{
	for (;;) {
		/* After a cut datagram the end of the reply may have been in
		 * it: read on only what is already there. */
		ssize_t n = nl_recv_kernel(nl_fd(nl), nl->rx, sizeof(nl->rx),
					   flags | (r->cut ? MSG_DONTWAIT : 0),
					   &nl->st);
		int ret;

		if (n == -EINTR)
			continue;
		if (n == -EMSGSIZE) {
			r->cut = true;
			if (r->stop >= 0)
				r->stop = -EMSGSIZE;
			continue;
		}
		if (r->cut && (n == -EAGAIN || n == -EWOULDBLOCK))
			return 1;
		if (n == -EWOULDBLOCK)
			return -EAGAIN;
		if (n < 0)
			return (int)n;
		ret = walk(nl, nl->rx, (size_t)n, r->seq, cb, data,
			   r->want_ack, &r->intr, &r->stop);
		if (ret < 0)
			return r->stop < 0 ? r->stop : ret;
		return ret;
	}
}

/* What a finished request returns. */
static int reply_result(const struct reply *r)
{
	if (r->stop)
		return r->stop;
	return r->intr ? -EINTR : 0;
}

static int send_req(struct nl *nl, struct nlmsghdr *req)
{
	req->nlmsg_seq = nl_next_seq(nl);
	req->nlmsg_pid = 0;
	nl->ext_ack[0] = '\0';
	if (mnl_socket_sendto(nl->sk, req, req->nlmsg_len) < 0)
		return -errno;
	return 0;
}

int nl_request(struct nl *nl, struct nlmsghdr *req, nl_msg_cb cb, void *data)
{
	struct reply r = { 0, req->nlmsg_flags & NLM_F_ACK, false, false, 0 };
	int ret = send_req(nl, req);

	if (ret < 0)
		return ret;
	r.seq = req->nlmsg_seq;
	while ((ret = read_one(nl, &r, 0, cb, data)) == 0)
		;
	if (ret < 0)
		return ret;
	return reply_result(&r);
}

int nl_dump_start(struct nl *nl, struct nlmsghdr *req)
{
	int r;

	if (nl->dump.active)
		return -EBUSY;
	r = send_req(nl, req);
	if (r < 0)
		return r;
	memset(&nl->dump, 0, sizeof(nl->dump));
	nl->dump.seq = req->nlmsg_seq;
	nl->dump.active = true;
	return 0;
}

bool nl_dump_active(const struct nl *nl)
{
	return nl->dump.active;
}

int nl_dump_step(struct nl *nl, unsigned int max, nl_msg_cb cb, void *data,
		 unsigned int *nread)
{
	struct reply r = {
		nl->dump.seq, false, nl->dump.intr, nl->dump.cut,
		nl->dump.stop,
	};
	unsigned int n = 0;
	int ret = 0;

	if (!nl->dump.active)
		return -ENOENT;
	while (n < max) {
		ret = read_one(nl, &r, MSG_DONTWAIT, cb, data);
		if (ret == -EAGAIN) {
			ret = 0;
			break;
		}
		n++;
		if (ret != 0)
			break;
	}
	if (nread)
		*nread = n;
	nl->dump.intr = r.intr;
	nl->dump.cut = r.cut;
	nl->dump.stop = r.stop;
	if (ret == 0)
		return 1;
	nl->dump.active = false;
	if (ret < 0)
		return ret;
	return reply_result(&r);
}

/* The messages of one datagram through cb: their number, or cb's < 0. */
static int dispatch(const char *buf, int len, nl_msg_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	int count = 0;

	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		count++;
		if (cb) {
			int r = cb(nlh, data);

			if (r < 0)
				return r;
		}
	}
	return count;
}

/* Connected to the kernel (port 0), the socket is refused every unicast
 * from a process: what it reads is the kernel's, and the batch reads
 * need not ask each datagram's sender (6% of an event's cost). */
int nl_set_event_batch(struct nl *nl, bool on)
{
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };

	if (on && connect(nl_fd(nl), (struct sockaddr *)&k, sizeof(k)) < 0)
		return -errno;
	nl->ev_batch = on;
	return 0;
}

/* NL_EV_SLOTS datagrams in one recvmmsg(), each in its slice of rx: the
 * kernel sends one event per datagram, and the syscall costs as much as
 * the copy of a small event. */
static int recv_batch(struct nl *nl, nl_msg_cb cb, void *data)
{
	struct iovec iov[NL_EV_SLOTS];
	struct mmsghdr mh[NL_EV_SLOTS] = { 0 };
	int n, i, count = 0, cut = 0;

	for (i = 0; i < NL_EV_SLOTS; i++) {
		iov[i].iov_base = nl->rx + i * NL_EV_SLOT;
		iov[i].iov_len = NL_EV_SLOT;
		mh[i].msg_hdr.msg_iov = &iov[i];
		mh[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(nl_fd(nl), mh, NL_EV_SLOTS, MSG_WAITFORONE, NULL);
	if (n < 0)
		return -errno;
	for (i = 0; i < n; i++) {
		int r;

		if (mh[i].msg_hdr.msg_flags & MSG_TRUNC) {
			nl->st.truncated++;
			cut = 1;
			continue;
		}
		r = dispatch(iov[i].iov_base, (int)mh[i].msg_len, cb, data);
		if (r < 0)
			return r;
		count += r;
	}
	return cut ? -EMSGSIZE : count;
}

int nl_recv_events(struct nl *nl, nl_msg_cb cb, void *data)
{
	ssize_t n;

	if (nl->ev_batch)
		return recv_batch(nl, cb, data);
	n = nl_recv_kernel(nl_fd(nl), nl->rx, sizeof(nl->rx), 0, &nl->st);
	if (n < 0)
		return (int)n;
	return dispatch(nl->rx, (int)n, cb, data);
}
