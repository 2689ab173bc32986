/* Sync channels over loopback, in a private network namespace when we
 * may make one: UDP and TCP exchanges, the peer check, TCP framing of
 * partial reads, back-pressure with tiny socket buffers, reconnection,
 * and the channel set's datagram packing and stats blocks. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/out.h"
#include "sync/channel.h"
#include "sync/channels.h"
#include "t.h"

static uint16_t port_base;

static int lo_setup(void)
{
	struct ifreq ifr;
	int fd, r = 0;

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		r = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!r && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int lo_set_mtu(int mtu)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), r = 0;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	ifr.ifr_mtu = mtu;
	if (ioctl(fd, SIOCSIFMTU, &ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void conf_v4(struct conf_channel *cc, enum conf_transport t,
		    const char *local, const char *dest, uint16_t port)
{
	memset(cc, 0, sizeof(*cc));
	cc->type = t;
	cc->checksum = true;
	memcpy(cc->ifname, "lo", 3);
	cc->addr.family = AF_INET;
	inet_pton(AF_INET, local, &cc->addr.v4);
	cc->dest.family = AF_INET;
	inet_pton(AF_INET, dest, &cc->dest.v4);
	cc->port = port;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Two channels of kind t facing each other on lo (127.0.0.1 and .2). */
static bool open_pair(enum conf_transport t, uint16_t port, unsigned int sndbuf,
		      unsigned int rcvbuf, unsigned int qmax, struct chan **v)
{
	struct conf_channel ca, cb;

	conf_v4(&ca, t, "127.0.0.1", "127.0.0.2", port);
	conf_v4(&cb, t, "127.0.0.2", "127.0.0.1", port);
	ca.sndbuf = sndbuf;
	cb.rcvbuf = rcvbuf;
	v[0] = chan_open(&ca, qmax);
	v[1] = chan_open(&cb, qmax);
	return v[0] && v[1];
}

/* Run the channels' own work until cond(arg) or ms pass. */
static bool pump(struct chan **v, int n, bool (*cond)(void *), void *arg,
		 int ms)
{
	uint64_t end = now_ms() + (uint64_t)ms;
	struct pollfd p[4];
	int i;

	while (!cond(arg)) {
		if (now_ms() >= end)
			return false;
		for (i = 0; i < n; i++) {
			p[i].fd = chan_fd(v[i]);
			p[i].events = POLLIN;
		}
		poll(p, (nfds_t)n, 20);
		for (i = 0; i < n; i++)
			chan_process(v[i]);
	}
	return true;
}

/* A sync-like message: 1.4.7's 8-byte header (CTL/ALIVE, length, seq)
 * and a body of body_len bytes. */
static size_t make_msg(unsigned char *buf, uint32_t seq, size_t body_len)
{
	size_t len = 8 + body_len, i;

	buf[0] = 0x1a;
	buf[1] = 0x10;
	buf[2] = (unsigned char)(len >> 8);
	buf[3] = (unsigned char)len;
	buf[4] = (unsigned char)(seq >> 24);
	buf[5] = (unsigned char)(seq >> 16);
	buf[6] = (unsigned char)(seq >> 8);
	buf[7] = (unsigned char)seq;
	for (i = 0; i < body_len; i++)
		buf[8 + i] = (unsigned char)(seq + i);
	return len;
}

static uint32_t msg_seq(const unsigned char *m)
{
	return (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 |
	       (uint32_t)m[6] << 8 | m[7];
}

struct rx {
	struct chan *c;
	unsigned char buf[CHAN_RECV_MAX];
	ssize_t n;
	struct chan_peer peer;
};

static bool got(void *arg)
{
	struct rx *r = arg;

	r->n = chan_recv(r->c, r->buf, sizeof(r->buf), &r->peer);
	return r->n != -EAGAIN;
}

static struct rx rx;

static void test_udp(void)
{
	struct chan *a, *b, *v[2];
	bool ok;
	const char hello[] = "hello B", back[] = "hello A";
	struct sockaddr_in sa;
	int fd;

	ok = open_pair(CONF_CHAN_UDP, port_base, 0, 0, 0, v);
	a = v[0];
	b = v[1];
	CHECK(ok, "udp: both ends open");
	if (!ok)
		goto out;
	CHECK_EQ(chan_mtu(a), 65536 - 28, "udp: room is lo's MTU less 28");
	CHECK_EQ(chan_send(a, hello, sizeof(hello)), 0, "udp: A sends");
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 1000) && rx.n == sizeof(hello) &&
	      !memcmp(rx.buf, hello, sizeof(hello)), "udp: B gets it whole");
	CHECK(chan_is_peer(b, &rx.peer), "udp: from B's configured peer");
	CHECK_EQ(rx.peer.ifindex, (int)if_nametoindex("lo"),
		 "udp: arrival interface reported");
	CHECK_EQ(chan_send(b, back, sizeof(back)), 0, "udp: B sends back");
	rx.c = a;
	CHECK(pump(v, 2, got, &rx, 1000) && rx.n == sizeof(back),
	      "udp: A gets it");
	CHECK(chan_is_peer(a, &rx.peer), "udp: from A's configured peer");
	CHECK_EQ(chan_stats(a)->pkts_sent, 1, "udp: A counted a packet sent");
	CHECK_EQ(chan_stats(a)->bytes_sent, sizeof(hello),
		 "udp: A counted its bytes");
	CHECK_EQ(chan_stats(b)->pkts_recv, 1, "udp: B counted a packet recv");

	/* a stranger on B's port */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.3", &sa.sin_addr);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	sa.sin_port = htons(port_base);
	sendto(fd, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 1000) && rx.n == 1,
	      "udp: a stranger's datagram is read");
	CHECK(!chan_is_peer(b, &rx.peer), "udp: and is not from the peer");
	CHECK_EQ(chan_recv(b, rx.buf, sizeof(rx.buf), NULL), -EAGAIN,
		 "udp: nothing more: -EAGAIN");
out:
	chan_close(a);
	chan_close(b);
}

static bool both_connected(void *arg)
{
	struct chan **v = arg;

	return chan_connected(v[0], NULL, NULL) &&
	       chan_connected(v[1], NULL, NULL);
}

static int raw_tcp(const char *from, const char *to, uint16_t port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, from, &sa.sin_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	inet_pton(AF_INET, to, &sa.sin_addr);
	sa.sin_port = htons(port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void test_tcp_basic(void)
{
	struct chan *a, *b, *v[2];
	bool ok;
	unsigned char m[64], two[128];
	size_t l1, l2;
	int fd;
	uint64_t nonpeer;

	ok = open_pair(CONF_CHAN_TCP, port_base + 1, 0, 0, 0, v);
	a = v[0];
	b = v[1];
	CHECK(ok, "tcp: both ends open");
	if (!ok)
		goto out;
	CHECK_EQ(chan_mtu(a), 65536 - 40, "tcp: room is lo's MTU less 40");
	CHECK(pump(v, 2, both_connected, v, 3000),
	      "tcp: server and client connected on both ends");
	/* two messages in one send come out as one read of both */
	l1 = make_msg(two, 1, 12);
	l2 = make_msg(two + l1, 2, 4);
	CHECK_EQ(chan_send(a, two, l1 + l2), 0, "tcp: A sends two messages");
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 1000) && rx.n == (ssize_t)(l1 + l2) &&
	      !memcmp(rx.buf, two, l1 + l2), "tcp: B gets both, whole");
	CHECK(chan_is_peer(b, &rx.peer), "tcp: from the configured peer");
	/* a small caller buffer takes whole messages only */
	CHECK_EQ(chan_send(b, two, l1 + l2), 0, "tcp: B sends two messages");
	usleep(50000);
	chan_process(a);
	{
		unsigned char small[24];

		rx.n = chan_recv(a, small, sizeof(small), &rx.peer);
		CHECK_EQ(rx.n, (ssize_t)l1, "tcp: a 24-byte buffer gets the "
			 "first message only");
		rx.n = chan_recv(a, small, sizeof(small), &rx.peer);
		CHECK(rx.n == (ssize_t)l2 && msg_seq(small) == 2,
		      "tcp: then the second");
	}

	/* partial reads: a raw peer (B's peer address) writes in pieces */
	fd = raw_tcp("127.0.0.1", "127.0.0.2", port_base + 1);
	CHECK(fd >= 0, "tcp: a raw client from the peer's address connects");
	l1 = make_msg(m, 7, 4);
	usleep(50000);
	chan_process(b);
	if (write(fd, m, 3) != 3)
		t_failures++;
	usleep(50000);
	chan_process(b);
	CHECK_EQ(chan_recv(b, rx.buf, sizeof(rx.buf), NULL), -EAGAIN,
		 "tcp: 3 bytes of a header: nothing handed out");
	l2 = make_msg(two, 8, 20);
	memcpy(m + l1, two, 5);
	if (write(fd, m + 3, l1 - 3 + 5) != (ssize_t)(l1 - 3 + 5))
		t_failures++;
	usleep(50000);
	rx.n = chan_recv(b, rx.buf, sizeof(rx.buf), NULL);
	CHECK(rx.n == (ssize_t)l1 && msg_seq(rx.buf) == 7,
	      "tcp: the rest and 5 bytes of the next: only the first");
	if (write(fd, two + 5, l2 - 5) != (ssize_t)(l2 - 5))
		t_failures++;
	usleep(50000);
	rx.n = chan_recv(b, rx.buf, sizeof(rx.buf), NULL);
	CHECK(rx.n == (ssize_t)l2 && !memcmp(rx.buf, two, l2),
	      "tcp: the next one completed");
	/* a header whose length is below 8 cannot be framed: handed out */
	memset(m, 0, 12);
	m[0] = 0x10;
	if (write(fd, m, 12) != 12)
		t_failures++;
	usleep(50000);
	rx.n = chan_recv(b, rx.buf, sizeof(rx.buf), NULL);
	CHECK_EQ(rx.n, 12, "tcp: a length-0 header: what is there is handed "
		 "out for the decoder to drop");

	/* a stranger's connection is closed and counted */
	nonpeer = chan_stats(b)->nonpeer;
	close(raw_tcp("127.0.0.3", "127.0.0.2", port_base + 1));
	usleep(50000);
	chan_process(b);
	CHECK_EQ(chan_stats(b)->nonpeer, nonpeer + 1,
		 "tcp: a connection from a non-peer address is refused");
	close(fd);
out:
	chan_close(a);
	chan_close(b);
}

struct drain {
	struct chan *a, *b;
	uint32_t next, total;
	bool bad;
};

static bool drained(void *arg)
{
	struct drain *d = arg;
	ssize_t n, off;

	while ((n = chan_recv(d->b, rx.buf, sizeof(rx.buf), NULL)) > 0) {
		for (off = 0; off + 8 <= n;
		     off += rx.buf[off + 2] << 8 | rx.buf[off + 3]) {
			if (msg_seq(rx.buf + off) != d->next)
				d->bad = true;
			d->next++;
		}
	}
	return d->next == d->total && !chan_queued(d->a);
}

static void test_tcp_backpressure(void)
{
	struct chan *a, *b, *v[2];
	bool ok;
	unsigned char m[1408];
	struct drain d;
	uint32_t seq;
	int r = 0;

	ok = open_pair(CONF_CHAN_TCP, port_base + 2, 4096, 4096, 4, v);
	a = v[0];
	b = v[1];
	CHECK(ok, "back-pressure: both ends open (4096-byte buffers, "
	      "queue of 4)");
	if (!ok)
		goto out;
	CHECK(pump(v, 2, both_connected, v, 3000), "back-pressure: connected");
	for (seq = 0; seq < 10000; seq++) {
		r = chan_send(a, m, make_msg(m, seq, 1400));
		if (r)
			break;
	}
	CHECK_EQ(r, -EAGAIN, "back-pressure: a reader that does not read "
		 "stops the sender with -EAGAIN");
	CHECK(seq > 4 && seq < 10000, "back-pressure: after %u messages", seq);
	CHECK_EQ(chan_queued(a), 4, "back-pressure: the queue holds its 4");
	CHECK(chan_wants_write(a), "back-pressure: the channel wants to write");
	d.a = a;
	d.b = b;
	d.next = 0;
	d.total = seq;
	d.bad = false;
	CHECK(pump(v, 2, drained, &d, 5000),
	      "back-pressure: once read, every message arrives (%u of %u)",
	      d.next, d.total);
	CHECK(!d.bad, "back-pressure: in order, none cut or repeated");
	CHECK(!chan_wants_write(a), "back-pressure: nothing left to write");
out:
	chan_close(a);
	chan_close(b);
}

static void test_tcp_reconnect(void)
{
	struct conf_channel cb;
	struct chan *a, *b, *v[2];
	bool ok;
	unsigned char m[64];
	int i;

	ok = open_pair(CONF_CHAN_TCP, port_base + 3, 0, 0, 0, v);
	a = v[0];
	b = v[1];
	CHECK(ok, "reconnect: both ends open");
	if (!ok)
		goto out;
	CHECK(pump(v, 2, both_connected, v, 3000), "reconnect: connected");
	chan_close(b);
	b = NULL;
	/* the peer's close is seen before anything is sent into the dead
	 * connection: every message waits for the next one */
	usleep(50000);
	chan_process(a);
	CHECK(!chan_connected(a, NULL, NULL), "reconnect: A saw the close");
	for (i = 0; i < 5; i++) {
		chan_send(a, m, make_msg(m, 100 + (uint32_t)i, 8));
		usleep(20000);
		chan_process(a);
	}
	CHECK_EQ(chan_stats(a)->err_send, 0, "reconnect: no send failed");
	CHECK_EQ(chan_queued(a), 5, "reconnect: the 5 messages are queued");
	conf_v4(&cb, CONF_CHAN_TCP, "127.0.0.2", "127.0.0.1", port_base + 3);
	b = chan_open(&cb, 0);
	CHECK(b != NULL, "reconnect: B is back on the same port");
	if (!b)
		goto out;
	v[1] = b;
	CHECK(pump(v, 2, both_connected, v, 5000),
	      "reconnect: A connects again after its back-off");
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 2000) && rx.n == 5 * 16 &&
	      msg_seq(rx.buf) == 100 && msg_seq(rx.buf + rx.n - 16) == 104,
	      "reconnect: all 5 arrive, in order (%zd bytes)", rx.n);
	CHECK_EQ(chan_queued(a), 0, "reconnect: queue empty");
out:
	chan_close(a);
	chan_close(b);
}

static const char set_conf[] =
	"Sync {\n Mode FTFW { }\n"
	" UDP {\n  IPv4_address 127.0.0.1\n  IPv4_Destination_Address 127.0.0.2\n"
	"  Port %u\n  Interface lo\n }\n}\n"
	"General {\n LockFile /nonexistent/l\n}\n";

static void test_set_packing(void)
{
	struct conf c;
	struct conf_channel cb;
	struct conf_error err;
	struct chans *set;
	struct chan *b, *v[2];
	unsigned char m[100];
	char text[512], obuf[1024];
	struct out o;
	int i, failed, n, sizes[4] = { 0 };
	size_t len;

	if (lo_set_mtu(1500) < 0) {
		CHECK(0, "packing: lo MTU 1500");
		return;
	}
	len = (size_t)snprintf(text, sizeof(text), set_conf, port_base + 4);
	if (conf_load_buf(text, len, &c, &err) < 0) {
		CHECK(0, "packing: config loads");
		return;
	}
	set = chans_open(&c.sync, NULL, NULL, &failed);
	conf_v4(&cb, CONF_CHAN_UDP, "127.0.0.2", "127.0.0.1", port_base + 4);
	b = chan_open(&cb, 0);
	CHECK(set && b, "packing: a set of one UDP channel, and its peer");
	if (!set || !b)
		goto out;
	CHECK_EQ(chan_mtu(chans_get(set, 0)), 1472, "packing: room 1472 on "
		 "MTU 1500 (1.4.7: MTU - 28)");
	/* 100-byte messages: 14 make 1400, a 15th would reach 1500 >= 1472 */
	for (i = 0; i < 30; i++)
		chans_put(set, m, make_msg(m, (uint32_t)i, 92));
	chans_flush(set);
	v[0] = chans_get(set, 0);
	v[1] = b;
	for (i = 0; i < 4; i++) {
		rx.c = b;
		if (!pump(v, 2, got, &rx, 300))
			break;
		sizes[i] = (int)rx.n;
	}
	n = i;
	CHECK(n == 3 && sizes[0] == 1400 && sizes[1] == 1400 &&
	      sizes[2] == 200, "packing: datagrams of 1400, 1400 and 200 "
	      "(got %d: %d %d %d)", n, sizes[0], sizes[1], sizes[2]);
	out_init(&o, -1, obuf, sizeof(obuf));
	chans_print_link(set, &o);
	obuf[o.len] = '\0';
	CHECK_STR(obuf, "UDP traffic device=lo status=RUNNING role=ACTIVE:\n"
		  "                3000 Bytes sent                    0 Bytes recv\n"
		  "                   3 Pckts sent                    0 Pckts recv\n"
		  "                   0 Error send                    0 Error recv\n\n",
		  "packing: -s link block as 1.4.7's");
	out_init(&o, -1, obuf, sizeof(obuf));
	chans_print_stats(set, &o);
	obuf[o.len] = '\0';
	CHECK(!strncmp(obuf, "UDP traffic (active device=lo):\n", 32),
	      "packing: -s block head as 1.4.7's");

	/* A datagram not yet full goes at the end of the second busy turn
	 * (chans_flush_aged), or at once when the loop is about to wait
	 * (chans_flush): one message of a turn shares it with the next
	 * turn's. */
	chans_put(set, m, make_msg(m, 100, 92));
	CHECK_EQ(chans_flush_aged(set), 0, "aged: the first turn's end");
	rx.c = b;
	CHECK(!pump(v, 2, got, &rx, 100),
	      "aged: a part-filled datagram outlives its first turn");
	chans_put(set, m, make_msg(m, 101, 92));
	chans_flush_aged(set);
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 300) && rx.n == 200,
	      "aged: it leaves at the end of the second, with that turn's "
	      "message (%zd bytes)", rx.n);
	chans_put(set, m, make_msg(m, 102, 92));
	chans_flush_aged(set);
	chans_flush(set);
	rx.c = b;
	CHECK(pump(v, 2, got, &rx, 300) && rx.n == 100,
	      "aged: before a wait it leaves at once (%zd bytes)", rx.n);
	chans_put(set, m, make_msg(m, 103, 92));
	chans_flush_aged(set);
	rx.c = b;
	CHECK(!pump(v, 2, got, &rx, 100),
	      "aged: the next datagram starts young again");
	chans_flush(set);
	rx.c = b;
	pump(v, 2, got, &rx, 300);
out:
	chans_close(set);
	chan_close(b);
	conf_free(&c);
}

int main(void)
{
	int r = lo_setup();

	port_base = (uint16_t)(20000 + getpid() % 20000);
	if (r == 0)
		port_base = 3780;
	else
		printf("# no private network namespace (%s): host loopback\n",
		       strerror(-r));
	test_udp();
	test_tcp_basic();
	test_tcp_backpressure();
	test_tcp_reconnect();
	if (r == 0)
		test_set_packing();
	T_DONE();
}
