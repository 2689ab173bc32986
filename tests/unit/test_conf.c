/* conntrackd.conf parser: defaults, every section into struct conf, the
 * lexer's token classes, error line/symbol, and robustness. */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <syslog.h>
#include <unistd.h>

#include "config/conf.h"
#include "config/lex.h"
#include "t.h"

static int load(const char *text, struct conf *c, struct conf_error *e)
{
	return conf_load_buf(text, strlen(text), c, e);
}

static void test_defaults(void)
{
	struct conf c;
	struct conf_error e;

	CHECK_EQ(load("", &c, &e), 0, "empty file is valid");
	CHECK_EQ(c.mode, CONF_MODE_STATS, "no section: stats mode");
	CHECK(c.mode_defaulted, "no section: mode_defaulted");
	CHECK_EQ(c.general.hashsize, 65536, "HashSize default");
	CHECK_EQ(c.general.hashlimit, 262144, "HashLimit default");
	CHECK_STR(c.general.lockfile, "/var/lock/conntrackd.lock",
		  "LockFile default");
	CHECK_STR(c.general.unix_path, "", "no UNIX path by default");
	CHECK_EQ(c.general.syslog_facility, -1, "Syslog off by default");
	CHECK_EQ(c.general.netlink_overrun_resync, 30, "overrun resync 30");
	CHECK_EQ(c.general.event_iterations_limit, 100, "iteration limit");
	CHECK_EQ(c.general.sched_policy, SCHED_RR, "SCHED_RR");
	CHECK_EQ(c.general.sched_priority, 99, "priority 99");
	CHECK(c.general.systemd, "Systemd on");
	CHECK_EQ(c.sync.resend_queue_size, 131072, "ResendQueueSize");
	CHECK_EQ(c.sync.ack_window_size, 300, "ACKWindowSize");
	CHECK_EQ(c.sync.purge_timeout, 60, "PurgeTimeout");
	CHECK_EQ(c.sync.refresh_time, 60, "RefreshTime");
	CHECK_EQ(c.sync.cache_timeout, 180, "CacheTimeout");
	CHECK_EQ(c.sync.commit_timeout, 0, "CommitTimeout unset");
	CHECK_EQ(c.sync.error_queue_length, 128, "ErrorQueueLength");
	CHECK_EQ(e.count, 0, "no error");
	CHECK_STR(CONF_DEFAULT_PATH, "/etc/conntrackd/conntrackd.conf",
		  "default config path");
	conf_free(&c);
}

static void test_general(void)
{
	struct conf c;
	struct conf_error e;
	const char *s =
		"General {\n"
		" HashSize 0\n HashLimit 7\n LogFile on\n Syslog local5\n"
		" LockFile /run/x.lock\n UNIX { Path /run/x.ctl Backlog 3 }\n"
		" SocketBufferSize 100\n SocketBufferSizeMaxGrowth 200\n"
		" NetlinkOverrunResync off\n NetlinkEventsReliable yes\n"
		" PollSecs 9\n EventIterationLimit 0\n Nice -5\n"
		" Scheduler { Type fifo Priority 0 }\n Systemd no\n}\n";

	CHECK_EQ(load(s, &c, &e), 0, "General loads");
	CHECK_EQ(c.general.hashsize, 65536, "HashSize 0 means default");
	CHECK_EQ(c.general.hashlimit, 7, "HashLimit");
	CHECK_STR(c.general.logfile, CONF_DEFAULT_LOGFILE, "LogFile on");
	CHECK_EQ(c.general.syslog_facility, LOG_LOCAL5, "Syslog local5");
	CHECK_STR(c.general.lockfile, "/run/x.lock", "LockFile");
	CHECK_STR(c.general.unix_path, "/run/x.ctl", "UNIX Path");
	CHECK_EQ(c.general.netlink_buffer_size, 100, "buffer size alias");
	CHECK_EQ(c.general.netlink_buffer_size_max_grown, 200, "max growth");
	CHECK_EQ(c.general.netlink_overrun_resync, -1, "overrun off = -1");
	CHECK(c.general.netlink_events_reliable, "events reliable");
	CHECK_EQ(c.general.poll_secs, 9, "PollSecs");
	CHECK_EQ(c.general.event_iterations_limit, 100, "0 means default");
	CHECK_EQ(c.general.sched_policy, SCHED_FIFO, "fifo any case");
	CHECK_EQ(c.general.sched_priority, 0, "Priority 0");
	CHECK(!c.general.systemd, "Systemd no");
	CHECK_EQ(e.nwarn, 2, "Backlog and Nice warn");
	CHECK_STR(e.warn[0].text,
		  "deprecated unix backlog configuration, ignoring.",
		  "Backlog warning text");
	CHECK_EQ(e.warn[1].line, 14, "Nice warning line");
	conf_free(&c);
}

static void test_filter(void)
{
	struct conf c;
	struct conf_error e;
	const char *s =
		"General { Filter From Kernelspace {\n"
		" Protocol Accept { TCP UDP sctp }\n"
		" Address Ignore { IPv4_address 10.0.0.0/8\n"
		"   IPv4_address 10.0.0.0/8 IPv6_address fe80::1 }\n"
		" State Accept { ESTABLISHED CLOSED for TCP LISTEN for TCP }\n"
		"} }\n";
	const struct conf_filter *f = &c.general.filter;
	uint32_t net;

	CHECK_EQ(load(s, &c, &e), 0, "Filter loads");
	CHECK(f->present && f->kernelspace, "From Kernelspace");
	CHECK_EQ(f->proto_policy, CONF_FILTER_ACCEPT, "Protocol Accept");
	CHECK(f->protos[6 / 8] & (1u << (6 % 8)), "tcp in list");
	CHECK(f->protos[17 / 8] & (1u << (17 % 8)), "udp in list");
	CHECK(f->protos[132 / 8] & (1u << (132 % 8)), "sctp in list");
	CHECK(!(f->protos[1 / 8] & (1u << (1 % 8))), "icmp not in list");
	CHECK_EQ(f->addr_policy, CONF_FILTER_IGNORE, "Address Ignore");
	CHECK_EQ(f->naddrs, 2, "repeated address kept once");
	net = htonl(0x0a000000);
	CHECK(f->naddrs == 2 && f->addrs[0].prefix == 8 &&
	      f->addrs[0].addr.v4.s_addr == net, "10.0.0.0/8");
	CHECK(f->naddrs == 2 && f->addrs[1].addr.family == AF_INET6 &&
	      f->addrs[1].prefix == 128, "fe80::1 is a /128");
	CHECK_EQ(f->state_policy, CONF_FILTER_ACCEPT, "State Accept");
	CHECK_EQ(f->tcp_states, (1u << CONF_TCP_ESTABLISHED) |
		 (1u << CONF_TCP_CLOSE) | (1u << CONF_TCP_LISTEN), "states");
	conf_free(&c);
}

static void test_sync(void)
{
	struct conf c;
	struct conf_error e;
	const char *s =
		"Sync {\n Mode NOTRACK { DisableInternalCache on\n"
		"  CommitTimeout 5 StartupResync on }\n"
		" Multicast { IPv4_address 225.0.0.50 Group 3780\n"
		"  IPv4_interface 10.0.0.1 Interface eth2 Checksum off }\n"
		" Multicast Default { IPv6_address ff02::1 Group 3781\n"
		"  SndSocketBuffer 5 RcvSocketBuffer 6 }\n"
		" Options { TCPWindowTracking on ExpectationSync { ftp sip } }\n"
		" PurgeTimeout 0\n}\n";
	const struct conf_channel *ch = c.sync.channel;

	CHECK_EQ(load(s, &c, &e), 0, "Sync loads");
	CHECK_EQ(c.mode, CONF_MODE_SYNC, "sync mode");
	CHECK(!c.mode_defaulted, "mode given");
	CHECK_EQ(c.sync.mode, CONF_SYNC_NOTRACK, "NOTRACK");
	CHECK(!c.sync.mode_defaulted, "Mode given");
	CHECK(c.sync.disable_internal_cache, "DisableInternalCache");
	CHECK_EQ(c.sync.commit_timeout, 5, "CommitTimeout");
	CHECK(c.sync.startup_resync, "StartupResync");
	CHECK_EQ(c.sync.purge_timeout, 60, "PurgeTimeout 0 = default");
	CHECK_EQ(c.sync.transport, CONF_CHAN_MCAST, "multicast");
	CHECK_EQ(c.sync.nchannels, 2, "two channels");
	CHECK_EQ(c.sync.default_channel, 1, "Default is the second");
	CHECK(ch[0].addr.family == AF_INET &&
	      ch[0].addr.v4.s_addr == htonl(0xe1000032), "group v4");
	CHECK_EQ(ch[0].port, 3780, "Group is the port");
	CHECK_EQ(ch[0].mcast_ifaddr.s_addr, htonl(0x0a000001),
		 "IPv4_interface");
	CHECK_STR(ch[0].ifname, "eth2", "Interface");
	CHECK(!ch[0].checksum && ch[1].checksum, "Checksum off / default on");
	CHECK(ch[1].is_default && !ch[0].is_default, "is_default");
	CHECK_EQ(ch[1].addr.family, AF_INET6, "group v6");
	CHECK_EQ(ch[1].sndbuf, 5, "SndSocketBuffer");
	CHECK_EQ(ch[1].rcvbuf, 6, "RcvSocketBuffer");
	CHECK(c.sync.tcp_window_tracking, "TCPWindowTracking");
	CHECK(c.sync.expectation_sync, "ExpectationSync list");
	CHECK(c.sync.nexp_helpers == 2 &&
	      !strcmp(c.sync.exp_helpers[1], "sip"), "helper list");
	conf_free(&c);

	CHECK_EQ(load("Sync { TCP { IPv4_address 1.1.1.1\n"
		      " IPv4_Destination_Address 2.2.2.2 Port 9\n"
		      " ErrorQueueLength 7 } }", &c, &e), 0, "TCP loads");
	CHECK(c.sync.mode_defaulted && c.sync.mode == CONF_SYNC_FTFW,
	      "no Mode: FT-FW, flagged");
	CHECK_EQ(c.sync.channel[0].dest.v4.s_addr, htonl(0x02020202),
		 "destination");
	CHECK_EQ(c.sync.error_queue_length, 7, "ErrorQueueLength");
	conf_free(&c);

	CHECK_EQ(load("Sync { Mode FTFW { DisableExternalCache on\n"
		      " CommitTimeout 9 } Mode nack { } }", &c, &e), 0,
		 "FTFW loads");
	CHECK_EQ(c.sync.commit_timeout, 0, "CommitTimeout dropped");
	CHECK(e.nwarn == 2 && strstr(e.warn[1].text, "can't be combined"),
	      "CommitTimeout/DisableExternalCache warning");
	CHECK(strstr(e.warn[0].text, "`nack'") != NULL, "nack warning");
	conf_free(&c);
}

static void test_stats_helper(void)
{
	struct conf c;
	struct conf_error e;

	CHECK_EQ(load("Stats { LogFile on Syslog local1 }\n"
		      "General { Syslog local2 }", &c, &e), 0, "Stats loads");
	CHECK_STR(c.stats.logfile, CONF_DEFAULT_STATS_LOGFILE, "stats log");
	CHECK_EQ(c.stats.syslog_facility, LOG_LOCAL1, "stats facility");
	CHECK(e.nwarn == 1 && strstr(e.warn[0].text, "conflicting"),
	      "conflicting facility warning");
	CHECK(!c.mode_defaulted && c.mode == CONF_MODE_STATS, "stats mode");
	CHECK_EQ(c.stats.logfile_buffer, 0, "stats log unbuffered by default");
	conf_free(&c);

	CHECK_EQ(load("Stats { LogFile /tmp/x LogFileBufferSize 65536 }",
		      &c, &e), 0, "LogFileBufferSize loads");
	CHECK_EQ(c.stats.logfile_buffer, 65536, "LogFileBufferSize kept");
	conf_free(&c);

	CHECK_EQ(load("Helper { Setup on Type ftp inet6 tcp { QueueNum 5\n"
		      " Policy ftp { ExpectMax 2 ExpectTimeout 30 } } }",
		      &c, &e), 0, "Helper loads");
	CHECK(c.helper.present && c.helper.setup, "Setup on");
	CHECK_EQ(c.helper.n, 1, "one helper");
	CHECK(c.helper.n == 1 && c.helper.v[0].l3proto == AF_INET6 &&
	      c.helper.v[0].l4proto == 6 && c.helper.v[0].queue_num == 5 &&
	      c.helper.v[0].queue_len == 1024, "helper fields");
	CHECK(c.helper.n == 1 && c.helper.v[0].npolicies == 1 &&
	      c.helper.v[0].policy[0].expect_max == 2 &&
	      c.helper.v[0].policy[0].expect_timeout == 30, "policy");
	conf_free(&c);
}

static void expect_error(const char *text, int line, const char *symbol,
			 const char *msg)
{
	struct conf c;
	struct conf_error e;

	CHECK_EQ(load(text, &c, &e), -EINVAL, "rejects: %s", msg);
	CHECK_EQ(e.line, line, "line of: %s", msg);
	if (symbol)
		CHECK_STR(e.symbol, symbol, "symbol of: %s", msg);
	CHECK(strstr(e.text, msg) != NULL, "text of: %s (%s)", msg, e.text);
	CHECK(c.general.filter.addrs == NULL, "nothing kept after errors");
}

static void test_errors(void)
{
	struct conf_error e;
	struct conf c;
	char buf[300];

	expect_error("General {\n\tHashSize 1\n", 3, "", "syntax error");
	expect_error("General {\n HashSize x\n}", 2, "x", "symbol 'x'");
	expect_error("general { }", 1, "general", "syntax error");
	expect_error("Sync {\n Mode FTFW {\n  RefreshTime 1 } }", 3,
		     "RefreshTime", "syntax error");
	expect_error("Sync { UDP { Interface beef } }", 1, "beef",
		     "syntax error");
	expect_error("Stats { LogFileBufferSize on }", 1, "on",
		     "syntax error");
	expect_error("Sync { UDP {} }\nStats { }", 2, NULL,
		     "cannot use both `Stats' and `Sync'");
	expect_error("Sync { UDP {}\n TCP {} }", 2, NULL,
		     "cannot use `TCP' with other dedicated link protocols!");
	expect_error("General { PollSecs 0 }", 1, NULL,
		     "`PollSecs' clause must be > 0");
	expect_error("General { Scheduler { Priority 100 } }", 1, NULL,
		     "`Priority' must be [0, 99]");
	expect_error("Helper { Type ftp inet udp { } }", 1, NULL,
		     "Unknown `ftp' helper");

	/* every error is counted, the first one is kept */
	CHECK_EQ(load("General {\n PollSecs 0\n HashSize x\n}\n"
		      "Foo { }\n", &c, &e), -EINVAL, "several errors");
	CHECK_EQ(e.kind, CONF_ERR_SEMANTIC, "first is the PollSecs check");
	CHECK(e.count >= 3, "all counted (%d)", e.count);
	conf_error_format(&e, "/etc/x.conf", buf, sizeof(buf));
	CHECK_STR(buf, "/etc/x.conf:2: `PollSecs' clause must be > 0",
		  "file:line: message");

	CHECK_EQ(conf_load("/nonexistent/ctbox.conf", &c, &e), -ENOENT,
		 "missing file");
	CHECK_EQ(e.kind, CONF_ERR_OPEN, "kind OPEN");
	CHECK_STR(e.text, "can't open config file `/nonexistent/ctbox.conf'",
		  "open error text");
}

static void test_lexer(void)
{
	static const struct {
		const char *in;
		enum tok type;
		size_t len;
	} cases[] = {
		{ "beef", TOK_IP, 4 },		/* hex word: IPv6 rule wins */
		{ "beefy", TOK_STRING, 5 },
		{ "1234", TOK_NUMBER, 4 },	/* integer rule first */
		{ "fe80::1/64", TOK_IP, 10 },
		{ "10.1.2.3/8", TOK_IP, 10 },
		/* no colon: form2's last group alone, a prefix after 1-4 */
		{ "fe80/64", TOK_IP, 7 },
		{ "a/1", TOK_IP, 3 },
		{ "dead/", TOK_IP, 4 },
		{ "abcde/24", TOK_STRING, 5 },	/* a longer word wins */
		{ "12345/8", TOK_NUMBER, 5 },
		{ "cafe1234", TOK_STRING, 8 },
		{ "1.2", TOK_NUMBER, 1 },
		{ "no", TOK_OFF, 2 },
		{ "notrack", TOK_NOTRACK, 7 },
		{ "NoTrack2", TOK_STRING, 8 },
		{ "Yes", TOK_ON, 3 },
		{ "CLOSED", TOK_KW, 6 },
		{ "UDPx", TOK_STRING, 4 },
		{ "-3", TOK_SIGNED, 2 },
		{ "/a/b\tc", TOK_PATH, 4 },	/* a tab ends a path here */
		{ "/a#b", TOK_PATH, 4 },
		{ "PERSISTENT", TOK_ALARM, 10 },
		{ "persistent", TOK_ALARM, 10 },
		{ ";", TOK_CHAR, 1 },
	};
	struct lexer lx;
	struct token t;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lex_init(&lx, cases[i].in, strlen(cases[i].in));
		lex_next(&lx, &t);
		CHECK(t.type == cases[i].type && t.len == cases[i].len,
		      "lex %s -> type %d len %zu (got %d %zu)", cases[i].in,
		      cases[i].type, cases[i].len, t.type, t.len);
	}
	lex_init(&lx, "a # c\n\r\nb", 9);
	lex_next(&lx, &t);
	lex_next(&lx, &t);
	CHECK_EQ(t.line, 3, "comments, CR and LF: line 3");
}

/* Junk, deep nesting and huge tokens: always an answer, never a crash. */
static void test_robust(void)
{
	struct conf c;
	struct conf_error e;
	size_t n = 1 << 20, i;
	char *big = malloc(n + 1);
	unsigned int seed = 1;
	int r;

	if (!big)
		return;
	memset(big, 'a', n);
	big[n] = '\0';
	memcpy(big, "General { LockFile /", 20);
	CHECK_EQ(load(big, &c, &e), -EINVAL, "1 MiB token rejected");

	for (i = 0; i < n; i++)
		big[i] = i % 2 ? '{' : ' ';
	memcpy(big, "Helper { Type ftp inet tcp ", 27);
	CHECK_EQ(load(big, &c, &e), -EINVAL, "deep braces rejected");

	for (i = 0; i < 200000; i++)
		memcpy(big + i * 5, "Type ", 5);
	big[1000000] = '\0';
	CHECK_EQ(load(big, &c, &e), -EINVAL, "many Types rejected");

	for (r = 0; r < 200; r++) {
		size_t len = (size_t)(rand_r(&seed) % 4096);

		for (i = 0; i < len; i++)
			big[i] = "{}ab /#\n:.0-9\tGeneralSyncUDPType"
				[rand_r(&seed) % 33];
		conf_load_buf(big, len, &c, &e);
		conf_free(&c);
	}
	CHECK(1, "200 random inputs survived");
	free(big);
}

int main(void)
{
	test_defaults();
	test_general();
	test_filter();
	test_sync();
	test_stats_helper();
	test_errors();
	test_lexer();
	test_robust();
	T_DONE();
}
