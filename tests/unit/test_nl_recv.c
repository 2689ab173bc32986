/* The receive paths of netlink/nl.c against the real kernel, in a network
 * namespace of our own:
 *  - a dump stopped early by its callback leaves the socket usable: the
 *    next requests on it succeed (they got EBUSY while the kernel still
 *    had the rest of the dump to send);
 *  - a datagram from a user-space sender (a forged event unicast to the
 *    event socket's port id, a forged DONE queued on a request socket) is
 *    dropped and counted, never parsed;
 *  - a datagram larger than the buffer (MSG_TRUNC) is reported, not parsed. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_compat.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "lib/ct.h"
#include "netlink/ct.h"
#include "netlink/nl.h"
#include "t.h"

#define NFLOWS 600

static void flow(struct ct *ct, uint32_t src, uint16_t sport)
{
	ct_init(ct);
	ct->orig.l3 = AF_INET;
	ct->orig.l4 = IPPROTO_UDP;
	ct->orig.present = CT_T_SRC | CT_T_DST | CT_T_L4 | CT_T_SPORT |
			   CT_T_DPORT;
	ct->orig.src.ip[0] = htonl(src);
	ct->orig.dst.ip[0] = htonl(0x0a020001);
	ct->orig.sport = sport;
	ct->orig.dport = 53;
	ct_set(ct, CT_A_ORIG);
	ct_tuple_invert(&ct->reply, &ct->orig);
	ct_set(ct, CT_A_REPLY);
	ct->timeout = 600;
	ct_set(ct, CT_A_TIMEOUT);
}

static int count_cb(const struct ct *ct, enum ct_event ev, void *data)
{
	(void)ct;
	(void)ev;
	++*(int *)data;
	return 0;
}

static int fail_cb(const struct ct *ct, enum ct_event ev, void *data)
{
	count_cb(ct, ev, data);
	return -ECANCELED;
}

static int stop_cb(const struct ct *ct, enum ct_event ev, void *data)
{
	count_cb(ct, ev, data);
	return 1;
}

static int count_dump(struct nl *nl)
{
	int n = 0, r = ct_nl_dump(nl, CT_TABLE_CONNTRACK, false, NULL,
				  count_cb, &n);

	return r < 0 ? r : n;
}

struct seen {
	int n;
	uint32_t src;
};

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct seen *s = data;
	struct ct ct;

	if (ct_nl_parse(nlh, &ct) == 0) {
		s->n++;
		s->src = ntohl(ct.orig.src.ip[0]);
	}
	return 0;
}

static void test_stopped_dump(struct nl *req)
{
	struct ct ct;
	int i, r, n, ok = 0;

	for (i = 0; i < NFLOWS; i++) {
		flow(&ct, 0x0a010000 + (uint32_t)i, 1000);
		ok += ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL) == 0;
	}
	CHECK_EQ(ok, NFLOWS, "%d flows created", NFLOWS);
	CHECK_EQ(count_dump(req), NFLOWS, "a dump sees them all");

	n = 0;
	r = ct_nl_dump(req, CT_TABLE_CONNTRACK, false, NULL, fail_cb, &n);
	CHECK(r == -ECANCELED && n == 1,
	      "a failing callback stops the dump at once (r %d, %d seen)", r, n);
	for (i = 0; i < 6; i++)
		CHECK_EQ(count_dump(req), NFLOWS,
			 "request %d after the stopped dump succeeds", i + 1);
	flow(&ct, 0x0a01ffff, 1000);
	CHECK_EQ(ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL), 0,
		 "a create after it succeeds");
	n = 0;
	r = ct_nl_dump(req, CT_TABLE_CONNTRACK, false, NULL, stop_cb, &n);
	CHECK(r == 1 && n == 1, "a dump stopped by a positive value returns it (r %d, %d seen)",
	      r, n);
	n = 0;
	r = ct_nl_get(req, &ct, count_cb, &n);
	CHECK(r == 0 && n == 1, "a get after it succeeds (r %d, %d seen)", r, n);
}

/* A user-space socket of our own, to forge with. */
static int forger(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool send_to(int fd, uint32_t portid, const void *msg, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = portid };

	return sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)len;
}

static void test_forged_event(struct nl *req, struct nl *ev, int fd)
{
	static _Alignas(8) char msg[4096];
	struct nl_rx_stats st = { 0, 0 };
	struct seen s = { 0, 0 };
	struct nlmsghdr *nlh;
	char tiny[16];
	struct ct ct;
	ssize_t n;
	int r;

	/* what the kernel would send for a new flow from 10.66.66.66 */
	flow(&ct, 0x0a424242, 4242);
	ct.status = CT_S_CONFIRMED;
	ct_set(&ct, CT_A_STATUS);
	nlh = ct_nl_build(msg, sizeof(msg), IPCTNL_MSG_CT_NEW,
			  NLM_F_CREATE | NLM_F_EXCL, AF_INET, &ct, 0);
	CHECK(nlh && send_to(fd, nl_portid(ev), msg, nlh->nlmsg_len),
	      "forged NEW event unicast to the event socket's port id %u",
	      nl_portid(ev));
	r = nl_recv_events(ev, on_event, &s);
	CHECK(r == -EAGAIN && s.n == 0,
	      "forged event dropped, not parsed (r %d, %d parsed)", r, s.n);
	CHECK_EQ(nl_rx_stats(ev)->foreign, 1, "forged event counted");

	flow(&ct, 0x0a434343, 4343);
	CHECK_EQ(ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL), 0,
		 "real flow created");
	r = nl_recv_events(ev, on_event, &s);
	CHECK(r == 1 && s.n == 1 && s.src == 0x0a434343,
	      "the kernel's event still arrives (r %d, %d parsed)", r, s.n);

	/* a forged event queued before a real one: the real one is read */
	send_to(fd, nl_portid(ev), msg, nlh->nlmsg_len);
	flow(&ct, 0x0a444444, 4444);
	ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL);
	s.n = 0;
	r = nl_recv_events(ev, on_event, &s);
	CHECK(r == 1 && s.n == 1 && s.src == 0x0a444444 &&
	      nl_rx_stats(ev)->foreign == 2,
	      "forged event skipped, the next kernel event read (r %d)", r);

	flow(&ct, 0x0a454545, 4545);
	ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL);
	n = nl_recv_kernel(nl_fd(ev), tiny, sizeof(tiny), 0, &st);
	CHECK(n == -EMSGSIZE && st.truncated == 1,
	      "an event larger than the buffer is reported (MSG_TRUNC), n %zd", n);
	s.n = 0;
	r = nl_recv_events(ev, on_event, &s);
	CHECK(r == -EAGAIN && s.n == 0, "and is gone, not parsed (r %d)", r);
}

/* A batched event socket: NL_EV_SLOTS events a call; connected to the
 * kernel, it is refused a forged datagram at the sender. */
static void test_batch(struct nl *req, struct nl *ev, int fd)
{
	static _Alignas(8) char msg[4096];
	unsigned long foreign = nl_rx_stats(ev)->foreign;
	struct seen s = { 0, 0 };
	struct nlmsghdr *nlh;
	bool forged = true;
	int i, r[4], err = 0;
	struct ct ct;

	CHECK_EQ(nl_set_event_batch(ev, true), 0, "batched: connected");
	flow(&ct, 0x0a505050, 5050);
	nlh = ct_nl_build(msg, sizeof(msg), IPCTNL_MSG_CT_NEW,
			  NLM_F_CREATE | NLM_F_EXCL, AF_INET, &ct, 0);
	for (i = 0; i < 2 * NL_EV_SLOTS + 3; i++) {
		if (i == 3) {
			forged = send_to(fd, nl_portid(ev), msg,
					 nlh->nlmsg_len);
			err = errno;
		}
		flow(&ct, 0x0a510000 + (uint32_t)i, (uint16_t)(5100 + i));
		ct_nl_create(req, &ct, NLM_F_CREATE | NLM_F_EXCL);
	}
	CHECK(!forged && err == ECONNREFUSED,
	      "batched: a process's unicast is refused (%s)", strerror(err));
	for (i = 0; i < 4; i++)
		r[i] = nl_recv_events(ev, on_event, &s);
	CHECK(r[0] == NL_EV_SLOTS && r[1] == NL_EV_SLOTS &&
	      r[2] == 3 && r[3] == -EAGAIN && s.n == 2 * NL_EV_SLOTS + 3,
	      "batched: %d, %d, %d events a call, then %d (%d in all)",
	      r[0], r[1], r[2], r[3], s.n);
	CHECK_EQ(nl_rx_stats(ev)->foreign - foreign, 0,
		 "batched: nothing foreign read");
	nl_set_event_batch(ev, false);
}

/* A forged DONE with the next request's seq, queued on a request socket:
 * it must not end the dump. */
static void test_forged_done(struct nl *req, int fd)
{
	struct {
		struct nlmsghdr h;
		int err;
	} done;
	uint32_t seq = nl_next_seq(req) + 1;
	unsigned long before = nl_rx_stats(req)->foreign;

	memset(&done, 0, sizeof(done));
	done.h.nlmsg_len = sizeof(done);
	done.h.nlmsg_type = NLMSG_DONE;
	done.h.nlmsg_flags = NLM_F_MULTI;
	done.h.nlmsg_seq = seq;
	done.h.nlmsg_pid = nl_portid(req);
	CHECK(send_to(fd, nl_portid(req), &done, sizeof(done)),
	      "forged DONE (seq %u) queued on the request socket", seq);
	CHECK(count_dump(req) > NFLOWS, "the dump is not ended by it");
	CHECK_EQ(nl_rx_stats(req)->foreign - before, 1, "forged DONE counted");
}

int main(void)
{
	struct nl *req, *ev;
	int fd;

	if (unshare(CLONE_NEWNET) < 0) {
		CHECK(0, "unshare(CLONE_NEWNET): %s (needs root)", strerror(errno));
		T_DONE();
	}
	req = nl_open(NETLINK_NETFILTER, 0);
	CHECK(req != NULL, "request socket in a new network namespace");
	if (!req)
		T_DONE();
	test_stopped_dump(req);

	ev = nl_open(NETLINK_NETFILTER, NF_NETLINK_CONNTRACK_NEW);
	fd = forger();
	CHECK(ev && fd >= 0, "event socket and a user-space sender");
	if (!ev || fd < 0)
		T_DONE();
	fcntl(nl_fd(ev), F_SETFL, fcntl(nl_fd(ev), F_GETFL) | O_NONBLOCK);
	test_forged_event(req, ev, fd);
	test_batch(req, ev, fd);
	test_forged_done(req, fd);
	close(fd);
	nl_close(ev);
	nl_close(req);
	T_DONE();
}
