/* ctgen RATE SECS LIFE [DST]: a rate-controlled conntrack churn for the
 * benchmarks.  For SECS seconds it creates RATE UDP flows per second through
 * ctnetlink (each its own source address, all to DST, default 192.168.0.1,
 * port 53: a DST no other flow of the table uses keeps them apart from it
 * and lets `conntrack -D -d DST` remove what is left), and destroys each
 * one LIFE seconds after its creation, so a listener sees 2 x RATE events
 * per second once LIFE has passed; what is left alive at the end stays.  Messages go
 * in batches (many in one sendmsg) on a 1 ms tick against the clock, so the
 * offered rate does not depend on how fast one message is handled.  Prints
 * "created destroyed errors seconds late_ms": late_ms is how far behind the
 * schedule the generator ever fell (the rate was not offered when large). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	(60 * 1024)
static unsigned char buf[BATCH + 512];
static size_t len;
static int fd;
static unsigned long errors;
static uint32_t dst;	/* network order */

static void *put(size_t n)
{
	void *p = buf + len;

	memset(p, 0, NLMSG_ALIGN(n));
	len += NLMSG_ALIGN(n);
	return p;
}

static struct nlattr *attr(uint16_t type, const void *v, size_t n)
{
	struct nlattr *a = put(NLA_HDRLEN + n);

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + n);
	if (v)
		memcpy((char *)a + NLA_HDRLEN, v, n);
	return a;
}

static void end(struct nlattr *a)
{
	a->nla_len = (uint16_t)(buf + len - (unsigned char *)a);
}

static void tuple(uint16_t type, uint32_t src, uint32_t dst, uint16_t sp,
		  uint16_t dp)
{
	struct nlattr *t = attr(type | NLA_F_NESTED, NULL, 0), *n;
	uint8_t udp = 17;

	n = attr(CTA_TUPLE_IP | NLA_F_NESTED, NULL, 0);
	attr(CTA_IP_V4_SRC, &src, 4);
	attr(CTA_IP_V4_DST, &dst, 4);
	end(n);
	n = attr(CTA_TUPLE_PROTO | NLA_F_NESTED, NULL, 0);
	attr(CTA_PROTO_NUM, &udp, 1);
	attr(CTA_PROTO_SRC_PORT, &sp, 2);
	attr(CTA_PROTO_DST_PORT, &dp, 2);
	end(n);
	end(t);
}

static void drain(void)
{
	char r[8192];
	ssize_t n;

	/* no ACKs are asked for: only errors come back */
	while ((n = recv(fd, r, sizeof(r), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)r;

		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR)
				errors++;
	}
}

static void flush(void)
{
	if (!len)
		return;
	if (send(fd, buf, len, 0) < 0 && errno != ENOBUFS) {
		perror("ctgen: send");
		exit(1);
	}
	len = 0;
	drain();
}

static void msg(uint64_t i, int del)
{
	struct nlmsghdr *h;
	struct nfgenmsg *g;
	uint32_t src = htonl(0x0a000000u | (uint32_t)(0x10000 + i % 0x3f0000));
	uint16_t sp = htons((uint16_t)(1024 + i % 60000)), dp = htons(53);
	uint32_t tmo = htonl(3600);

	if (len > BATCH)
		flush();
	h = put(NLMSG_HDRLEN);
	h->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) |
			(del ? IPCTNL_MSG_CT_DELETE : IPCTNL_MSG_CT_NEW);
	h->nlmsg_flags = NLM_F_REQUEST | (del ? 0 : NLM_F_CREATE | NLM_F_EXCL);
	g = put(sizeof(*g));
	g->nfgen_family = AF_INET;
	g->version = NFNETLINK_V0;
	tuple(CTA_TUPLE_ORIG, src, dst, sp, dp);
	if (!del) {
		tuple(CTA_TUPLE_REPLY, dst, src, dp, sp);
		attr(CTA_TIMEOUT, &tmo, 4);
	}
	h->nlmsg_len = (uint32_t)(buf + len - (unsigned char *)h);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	double rate, secs, life, t0, t, late = 0;
	uint64_t made = 0, gone = 0;
	struct timespec tick;
	int big = 8 << 20;

	if (argc < 4 || argc > 5 || (rate = atof(argv[1])) <= 0 ||
	    (secs = atof(argv[2])) <= 0 || (life = atof(argv[3])) <= 0 ||
	    inet_pton(AF_INET, argc == 5 ? argv[4] : "192.168.0.1", &dst) != 1) {
		fprintf(stderr, "usage: ctgen RATE SECS LIFE [DST]\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ctgen: socket");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	t0 = now();
	clock_gettime(CLOCK_MONOTONIC, &tick);
	for (;;) {
		uint64_t want, kill;

		t = now() - t0;
		want = (uint64_t)(rate * (t < secs ? t : secs));
		kill = t > life ? (uint64_t)(rate * ((t < secs ? t : secs) - life)) : 0;
		/* behind schedule: what was due before this tick is not sent */
		if (made < want && (double)(want - made) / rate > late)
			late = (double)(want - made) / rate;
		while (made < want || gone < kill) {
			if (made < want)
				msg(made++, 0);
			if (gone < kill && gone < made)
				msg(gone++, 1);
			else if (made >= want)
				break;
		}
		flush();
		if (t >= secs)
			break;
		tick.tv_nsec += 1000000;
		if (tick.tv_nsec >= 1000000000) {
			tick.tv_nsec -= 1000000000;
			tick.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
	}
	drain();
	printf("%llu %llu %lu %.3f %.1f\n", (unsigned long long)made,
	       (unsigned long long)gone, errors, now() - t0, late * 1000);
	return 0;
}
