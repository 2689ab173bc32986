/* chan_tool CONF [-c COUNT] [-i MS] [-t MS] [-r N] [-p TEXT]
 *
 * Opens the channel set of a conntrackd.conf's Sync section (as the
 * daemon will) and runs one epoll loop over it for -t MS (default 3000):
 * sends COUNT (default 5) sync-like messages, one every -i MS (default
 * 100), each a 1.4.7 ALIVE header (0x1a 0x10, length, seq) followed by
 * "TEXT seq" (-z: nothing, a true 8-byte ALIVE); prints every message received and whether it came from the
 * configured peer; follows the peer to the channel it used, as 1.4.7
 * does; prints failovers.  -r N ends the run once everything is sent and
 * N messages came from the peer.  Last, the "-s link" blocks.
 *
 * Output lines (for tests/integration/conntrackd/30_channels.t):
 *   open ch=I dev=IF mtu=N
 *   recv ch=I peer=yes|no from=ADDR seq=N body=TEXT
 *   switch from=I to=J dev=IF      / switch from=I to=none
 *   send seq=N rc=R ch=I
 *   done sent=N peer=N nonpeer=N
 * Exit 1 when the set cannot be opened. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/out.h"
#include "sync/channel.h"
#include "sync/channels.h"

static struct chans *set;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_switch(void *data, int from, int to)
{
	(void)data;
	if (to < 0)
		printf("switch from=%d to=none\n", from);
	else
		printf("switch from=%d to=%d dev=%s\n", from, to,
		       chan_ifname(chans_get(set, (unsigned int)to)));
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf,
			     size_t len)
{
	const void *a = ss->ss_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static unsigned long peer_msgs, nonpeer_msgs;

static void show(unsigned int ch, const unsigned char *p, size_t n,
		 const struct chan_peer *from)
{
	bool ok = chan_is_peer(chans_get(set, ch), from);
	char addr[INET6_ADDRSTRLEN];
	size_t off = 0;

	while (n - off >= 8) {
		size_t len = (size_t)p[off + 2] << 8 | p[off + 3];
		uint32_t seq = (uint32_t)p[off + 4] << 24 |
			       (uint32_t)p[off + 5] << 16 |
			       (uint32_t)p[off + 6] << 8 | p[off + 7];

		if (len < 8 || len > n - off) {
			printf("recv ch=%u bad length %zu\n", ch, len);
			return;
		}
		printf("recv ch=%u peer=%s from=%s seq=%u body=%.*s\n", ch,
		       ok ? "yes" : "no", addr_text(&from->addr, addr,
						   sizeof(addr)),
		       seq, (int)(len - 8), (const char *)p + off + 8);
		if (ok)
			peer_msgs++;
		else
			nonpeer_msgs++;
		off += len;
	}
	/* a valid message from the peer: follow it there (1.4.7) */
	if (ok)
		chans_set_current(set, ch);
}

static void read_chan(unsigned int ch)
{
	static unsigned char buf[CHAN_RECV_MAX];
	struct chan *c = chans_get(set, ch);
	struct chan_peer from;
	ssize_t n;
	int k;

	chan_process(c);
	for (k = 0; k < 100; k++) {
		n = chan_recv(c, buf, sizeof(buf), &from);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			printf("recv ch=%u error %s\n", ch, strerror((int)-n));
			continue;
		}
		show(ch, buf, (size_t)n, &from);
	}
}

static int send_one(uint32_t seq, const char *text)
{
	unsigned char m[256];
	int len = text ? snprintf((char *)m + 8, sizeof(m) - 8, "%s %u",
				  text, seq) : 0;
	int rc;

	len += 8;
	m[0] = 0x1a;
	m[1] = 0x10;
	m[2] = (unsigned char)(len >> 8);
	m[3] = (unsigned char)len;
	m[4] = (unsigned char)(seq >> 24);
	m[5] = (unsigned char)(seq >> 16);
	m[6] = (unsigned char)(seq >> 8);
	m[7] = (unsigned char)seq;
	rc = chans_put(set, m, (size_t)len);
	if (!rc)
		rc = chans_flush(set);
	printf("send seq=%u rc=%d ch=%d\n", seq, rc, chans_current(set));
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long count = 5, interval = 100, duration = 3000, want = 0;
	const char *text = "hello";
	struct conf c;
	struct conf_error err;
	struct epoll_event ev[8];
	uint64_t end, next;
	unsigned int i, sent = 0;
	int ep, opt, failed;
	char obuf[4096];
	struct out o;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "c:i:t:r:p:z")) != -1) {
		switch (opt) {
		case 'c': count = strtoul(optarg, NULL, 10); break;
		case 'i': interval = strtoul(optarg, NULL, 10); break;
		case 't': duration = strtoul(optarg, NULL, 10); break;
		case 'r': want = strtoul(optarg, NULL, 10); break;
		case 'p': text = optarg; break;
		case 'z': text = NULL; break;
		default: return 2;
		}
	}
	if (optind != argc - 1)
		return 2;
	if (conf_load(argv[optind], &c, &err) < 0) {
		printf("config: %s\n", err.text);
		return 1;
	}
	set = chans_open(&c.sync, on_switch, NULL, &failed);
	if (!set) {
		printf("open failed: channel %d: %s\n", failed, strerror(errno));
		conf_free(&c);
		return 1;
	}
	ep = epoll_create1(0);
	for (i = 0; i < chans_count(set); i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };
		struct chan *ch = chans_get(set, i);

		epoll_ctl(ep, EPOLL_CTL_ADD, chan_fd(ch), &e);
		printf("open ch=%u dev=%s mtu=%zu\n", i, chan_ifname(ch),
		       chan_mtu(ch));
	}
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = 99 };

		epoll_ctl(ep, EPOLL_CTL_ADD, chans_link_fd(set), &e);
	}
	end = now_ms() + duration;
	next = now_ms() + interval;
	while (now_ms() < end) {
		int n, k, wait = (int)(next > now_ms() ? next - now_ms() : 0);

		if (sent >= count)
			wait = (int)(end - now_ms());
		n = epoll_wait(ep, ev, 8, wait < 0 ? 0 : wait);
		for (k = 0; k < n; k++) {
			if (ev[k].data.u32 == 99)
				chans_link_process(set);
			else
				read_chan(ev[k].data.u32);
		}
		if (sent < count && now_ms() >= next) {
			send_one(sent, text);
			sent++;
			next = now_ms() + interval;
		}
		if (want && sent >= count && peer_msgs >= want)
			break;
	}
	printf("done sent=%u peer=%lu nonpeer=%lu\n", sent, peer_msgs,
	       nonpeer_msgs);
	out_init(&o, STDOUT_FILENO, obuf, sizeof(obuf));
	chans_print_link(set, &o);
	out_flush(&o);
	chans_close(set);
	close(ep);
	conf_free(&c);
	return 0;
}
