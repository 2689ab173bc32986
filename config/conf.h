/* conntrackd.conf -> struct conf.
 *
 * The whole 1.4.7 grammar (General, Sync with its mode, channels and
 * Options, Stats, Helper) is parsed into one struct.  conf_load() parses the
 * complete file into the caller's struct and says whether it is usable; the
 * caller keeps its running configuration and swaps in the new one only when
 * conf_load() returned 0.  Nothing here prints: errors and warnings come
 * back through struct conf_error, worded as the reference words them, and
 * the applet decides what to say.
 *
 * Defaults are upstream 1.4.7's (see conf_defaults()).  Ownership: every
 * pointer in struct conf is owned by it and released by conf_free().
 */
#ifndef CTBOX_CONF_H
#define CTBOX_CONF_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/addr_set.h"

#define CONF_DEFAULT_PATH	"/etc/conntrackd/conntrackd.conf"
#define CONF_DEFAULT_LOGFILE	"/var/log/conntrackd.log"
#define CONF_DEFAULT_STATS_LOGFILE "/var/log/conntrackd-stats.log"
#define CONF_DEFAULT_LOCKFILE	"/var/lock/conntrackd.lock"

#define CONF_PATH_MAX		256	/* LogFile, LockFile: upstream's limit */
#define CONF_UNIX_PATH_MAX	108	/* sizeof(sun_path) */
#define CONF_IFNAME_MAX		16	/* IFNAMSIZ, with its NUL */
#define CONF_MAX_CHANNELS	4
#define CONF_HELPER_NAME_MAX	16	/* helper and policy names, with NUL */
#define CONF_HELPER_POLICY_MAX	4

/* Default values of 1.4.7 (src/read_config_yy.y and src/main.c). */
#define CONF_DEF_HASHSIZE		65536
#define CONF_DEF_HASHLIMIT		262144
#define CONF_DEF_EVENT_ITER_LIMIT	100
#define CONF_DEF_OVERRUN_RESYNC		30	/* NetlinkOverrunResync on */
#define CONF_DEF_RESEND_QUEUE_SIZE	131072
#define CONF_DEF_ACK_WINDOW_SIZE	300
#define CONF_DEF_PURGE_TIMEOUT		60
#define CONF_DEF_REFRESH_TIME		60
#define CONF_DEF_CACHE_TIMEOUT		180
#define CONF_DEF_ERROR_QUEUE_LENGTH	128
#define CONF_DEF_SCHED_PRIORITY		99	/* sched_get_priority_max(RR) */
#define CONF_DEF_HELPER_QUEUE_LEN	1024
#define CONF_UNIX_BACKLOG		100	/* fixed; Backlog is ignored */

/* What the daemon runs as.  Without Sync or Stats it is stats mode, with
 * the notice "No running mode specified. Defaulting to statistics mode."
 * (conf.mode_defaulted tells the applet to say so). */
enum conf_mode {
	CONF_MODE_STATS,
	CONF_MODE_SYNC,
};

/* Sync { Mode X }.  Without a Mode: FTFW, and sync.mode_defaulted. */
enum conf_sync_mode {
	CONF_SYNC_FTFW,
	CONF_SYNC_ALARM,
	CONF_SYNC_NOTRACK,
};

/* Channel transports.  One kind per file. */
enum conf_transport {
	CONF_CHAN_NONE,
	CONF_CHAN_MCAST,
	CONF_CHAN_UDP,
	CONF_CHAN_TCP,
};

/* An address as written in the file; family 0 when absent. */
struct conf_inet {
	int family;		/* 0, AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

/* One Multicast/UDP/TCP block.  Ports are in host byte order. */
struct conf_channel {
	enum conf_transport type;
	bool is_default;		/* "Default" after the transport word */
	char ifname[CONF_IFNAME_MAX];	/* Interface; "" when not given */
	/* Multicast: the group (IPv4_address/IPv6_address).
	 * UDP/TCP: the local bind address of the receive side; family 0
	 * means the wildcard address of the family of dest. */
	struct conf_inet addr;
	/* UDP/TCP: IPv4_/IPv6_Destination_Address, the peer. */
	struct conf_inet dest;
	/* Multicast: IPv4_interface, local address used for the membership
	 * and IP_MULTICAST_IF (INADDR_ANY when absent). */
	struct in_addr mcast_ifaddr;
	uint16_t port;			/* Multicast Group, UDP/TCP Port */
	unsigned int sndbuf;		/* SndSocketBuffer, 0 = leave alone */
	unsigned int rcvbuf;		/* RcvSocketBuffer, 0 = leave alone */
	bool checksum;			/* Checksum, default on */
};

enum conf_filter_policy {
	CONF_FILTER_UNSET,	/* class not filtered */
	CONF_FILTER_ACCEPT,
	CONF_FILTER_IGNORE,
};

/* One Address item: an exact address (prefix == 32/128) or a network. */
struct conf_filter_addr {
	struct conf_inet addr;
	uint8_t prefix;
};

/* TCP states of State Accept/Ignore, as bits (1u << TCP_CONNTRACK_x):
 * numbering of the kernel's enum tcp_conntrack. */
enum conf_tcp_state {
	CONF_TCP_NONE,
	CONF_TCP_SYN_SENT,
	CONF_TCP_SYN_RECV,
	CONF_TCP_ESTABLISHED,
	CONF_TCP_FIN_WAIT,
	CONF_TCP_CLOSE_WAIT,
	CONF_TCP_LAST_ACK,
	CONF_TCP_TIME_WAIT,
	CONF_TCP_CLOSE,
	CONF_TCP_LISTEN,	/* TCP_CONNTRACK_LISTEN == SYN_SENT2 == 9 */
};

/* General { Filter [From Userspace|From Kernelspace] { ... } } */
struct conf_filter {
	bool present;			/* a Filter block was seen */
	bool kernelspace;		/* From Kernelspace: BPF on the socket */
	enum conf_filter_policy proto_policy;
	uint8_t protos[256 / 8];	/* bit n: l4 protocol number n */
	enum conf_filter_policy addr_policy;
	unsigned int naddrs;
	struct conf_filter_addr *addrs;	/* owned, file order, no repeats */
	struct addr_set *addr_set;	/* owned, the same for lookups */
	enum conf_filter_policy state_policy;
	uint32_t tcp_states;		/* bits of enum conf_tcp_state */
};

struct conf_general {
	unsigned int hashsize;		/* HashSize, 65536 */
	unsigned int hashlimit;		/* HashLimit, 262144 */
	char logfile[CONF_PATH_MAX];	/* LogFile; "" = off */
	int syslog_facility;		/* Syslog; -1 = off, else LOG_xxx */
	char lockfile[CONF_PATH_MAX];	/* LockFile */
	char unix_path[CONF_UNIX_PATH_MAX];	/* UNIX { Path }; "" = none */
	unsigned int netlink_buffer_size;	/* 0 = system default */
	unsigned int netlink_buffer_size_max_grown;	/* 0 */
	int netlink_overrun_resync;	/* seconds; -1 = off; 30 */
	bool netlink_events_reliable;	/* off */
	unsigned int poll_secs;		/* 0 = event driven */
	unsigned int event_iterations_limit;	/* 100 */
	int sched_policy;		/* SCHED_RR (default) or SCHED_FIFO */
	int sched_priority;		/* 0..99, 99 */
	bool systemd;			/* on (Debian builds with systemd) */
	struct conf_filter filter;
};

struct conf_sync {
	enum conf_sync_mode mode;
	bool mode_defaulted;		/* no Mode: say "Defaulting to FT-FW" */
	/* mode options (some also accepted directly inside Sync) */
	unsigned int resend_queue_size;	/* FTFW, 131072 */
	unsigned int ack_window_size;	/* FTFW, 300 */
	unsigned int commit_timeout;	/* 0 = unset: NTA_TIMEOUT is sent */
	unsigned int purge_timeout;	/* 60 */
	unsigned int refresh_time;	/* ALARM, 60 */
	unsigned int cache_timeout;	/* ALARM, 180 */
	bool disable_external_cache;
	bool disable_internal_cache;	/* NOTRACK only */
	bool startup_resync;
	/* Options { } */
	bool tcp_window_tracking;	/* off */
	bool expectation_sync;		/* on, or a helper list */
	unsigned int nexp_helpers;	/* ExpectationSync { a b }: prefixes */
	char (*exp_helpers)[CONF_HELPER_NAME_MAX];	/* owned */
	unsigned int error_queue_length;	/* TCP blocks only, 128 */
	/* channels, in file order */
	enum conf_transport transport;	/* the one kind used */
	unsigned int nchannels;
	unsigned int default_channel;	/* index: Default, else 0 */
	struct conf_channel channel[CONF_MAX_CHANNELS];
};

struct conf_stats {
	char logfile[CONF_PATH_MAX];	/* "" = off */
	int syslog_facility;		/* -1 = off */
	unsigned int logfile_buffer;	/* LogFileBufferSize; 0 = a write per line */
};

struct conf_helper_policy {
	char name[CONF_HELPER_NAME_MAX];
	unsigned int expect_max;
	unsigned int expect_timeout;
};

/* Helper { Type NAME inet|inet6 tcp|udp { ... } } */
struct conf_helper {
	char name[CONF_HELPER_NAME_MAX];
	int l3proto;			/* AF_INET or AF_INET6 */
	uint8_t l4proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	unsigned int queue_num;		/* QueueNum */
	unsigned int queue_len;		/* QueueLen, 1024 */
	unsigned int npolicies;
	struct conf_helper_policy policy[CONF_HELPER_POLICY_MAX];
};

struct conf_helpers {
	bool present;			/* a Helper block was seen */
	bool setup;			/* Setup on: register via cthelper */
	unsigned int n;
	struct conf_helper *v;		/* owned */
};

struct conf {
	enum conf_mode mode;
	bool mode_defaulted;		/* neither Sync nor Stats */
	struct conf_general general;
	struct conf_sync sync;		/* meaningful when mode == SYNC */
	struct conf_stats stats;
	struct conf_helpers helper;
};

/* What went wrong (and what is only worth a warning).  The first error is
 * kept with its line and symbol; later ones are counted.  Texts are the
 * reference's, without its "[ERROR] "/"[WARNING] " tag. */
/* room for a whole token as the lexer keeps it (LEX_TEXT_MAX - 1 = 511
 * bytes) and the words around it: 1.4.7 prints symbols whole */
#define CONF_MSG_LEN	640
#define CONF_SYMBOL_LEN	512
#define CONF_WARN_MAX	16

enum conf_err_kind {
	CONF_ERR_NONE,
	CONF_ERR_OPEN,		/* can't open config file `X' */
	CONF_ERR_SYNTAX,	/* parsing config file in line (N), symbol 'X': syntax error */
	CONF_ERR_SEMANTIC,	/* a fatal check: both Stats and Sync, too many links... */
};

struct conf_warning {
	int line;			/* 0 when about the whole file */
	char text[CONF_MSG_LEN];
};

struct conf_error {
	int count;			/* errors found, 0 when clean */
	enum conf_err_kind kind;	/* of the first error */
	int line;			/* of the first error; 0 = whole file */
	int errnum;			/* CONF_ERR_OPEN: errno */
	char symbol[CONF_SYMBOL_LEN];	/* CONF_ERR_SYNTAX: offending token */
	char text[CONF_MSG_LEN];	/* the first error, reference wording */
	unsigned int nwarn;		/* warnings kept (max CONF_WARN_MAX) */
	unsigned int nwarn_total;	/* warnings seen */
	struct conf_warning warn[CONF_WARN_MAX];
};

/* Set every field to 1.4.7's default; owns nothing yet. */
void conf_defaults(struct conf *c);

/* Parse the file at path into *out (first set to defaults).  Returns 0 when
 * the file is usable, -errno when it could not be read (err->kind OPEN),
 * -EINVAL when it has errors (err->count > 0; *out is then freed and reset
 * to defaults).  err may be NULL.  Warnings do not make it fail. */
int conf_load(const char *path, struct conf *out, struct conf_error *err);

/* The same from a buffer in memory (tests, fuzzing). */
int conf_load_buf(const char *buf, size_t len, struct conf *out,
		  struct conf_error *err);

/* Release what *c owns and reset it to defaults. */
void conf_free(struct conf *c);

/* The first error as the reference prints it, without the "[ERROR] " tag,
 * e.g. "parsing config file in line (3), symbol 'x': syntax error".  With
 * path non-NULL, "path:line: ..." is put in front when the error has a
 * line.  Returns snprintf()'s count. */
int conf_error_format(const struct conf_error *err, const char *path,
		      char *buf, size_t len);

/* Names for logs and stats. */
const char *conf_sync_mode_name(enum conf_sync_mode m);	/* "ftfw"... */
const char *conf_transport_name(enum conf_transport t);	/* "UDP"... */

#endif
