/* Recursive descent over the 1.4.7 conntrackd.conf grammar: the top level,
 * General (with Filter, UNIX, Scheduler), Stats and Helper.  Sync lives in
 * parse_sync.c.
 *
 * A syntax error is reported at the first token that does not fit, with the
 * line the reference gives (the line that token is on; at the end of the
 * file, one past the last newline) and the token's text as the symbol.
 * Checks the reference makes while parsing (and exits on) are recorded as
 * errors in the order they are met, and parsing goes on, so the first error
 * is the one the reference prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>

#include "config/parse_int.h"
#include "lib/proto.h"

/* The reference's scanner warns about legacy mode names as it reads
 * them, whatever the grammar then makes of the token. */
void parse_next(struct parser *ps)
{
	lex_next(&ps->lx, &ps->tok);
	if (ps->tok.note == LEX_NOTE_NACK)
		parse_warn(ps, ps->tok.line, "Now `nack' mode is called "
			   "`ftfw'. Please, update your conntrackd.conf "
			   "file.");
	else if (ps->tok.note == LEX_NOTE_PERSISTENT)
		parse_warn(ps, ps->tok.line, "Now `persistent' mode is called "
			   "`alarm'. Please, update your conntrackd.conf "
			   "file.");
}

bool parse_is_kw(const struct parser *ps, enum kw kw)
{
	return ps->tok.type == TOK_KW && ps->tok.kw == (int)kw;
}

bool parse_is_char(const struct parser *ps, int c)
{
	return ps->tok.type == TOK_CHAR && ps->tok.kw == c;
}

static void vrecord(struct parser *ps, enum conf_err_kind kind, int line,
		    const char *fmt, va_list ap)
{
	struct conf_error *e = ps->err;

	if (e->count++ == 0) {
		e->kind = kind;
		e->line = line;
		vsnprintf(e->text, sizeof(e->text), fmt, ap);
	}
	if (e->count >= PARSE_MAX_ERRORS)
		ps->stop = true;
}

void parse_error(struct parser *ps, enum conf_err_kind kind, int line,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrecord(ps, kind, line, fmt, ap);
	va_end(ap);
}

void parse_warn(struct parser *ps, int line, const char *fmt, ...)
{
	struct conf_error *e = ps->err;
	va_list ap;

	/* the reference stops at its first error: nothing after it */
	if (e->count)
		return;
	e->nwarn_total++;
	if (e->nwarn >= CONF_WARN_MAX)
		return;
	e->warn[e->nwarn].line = line;
	va_start(ap, fmt);
	vsnprintf(e->warn[e->nwarn].text, sizeof(e->warn[0].text), fmt, ap);
	va_end(ap);
	e->nwarn++;
}

bool parse_syntax(struct parser *ps)
{
	struct conf_error *e = ps->err;
	bool first = e->count == 0;

	/* a token past the lexer's limit is shown cut, and marked so */
	parse_error(ps, CONF_ERR_SYNTAX, ps->tok.line,
		    "parsing config file in line (%d), symbol '%s%s': "
		    "syntax error", ps->tok.line, ps->tok.text,
		    ps->tok.too_long ? "..." : "");
	if (first)
		snprintf(e->symbol, sizeof(e->symbol), "%s", ps->tok.text);
	return false;
}

bool parse_expect_char(struct parser *ps, int c)
{
	if (!parse_is_char(ps, c))
		return parse_syntax(ps);
	parse_next(ps);
	return true;
}

/* The reference converts with atoi() and no check; we refuse what does
 * not fit an int rather than store a wrapped value. */
bool parse_number(struct parser *ps, unsigned int *v)
{
	unsigned long long n = 0;
	size_t i;

	if (ps->tok.type != TOK_NUMBER)
		return parse_syntax(ps);
	for (i = 0; i < ps->tok.len && n <= 0x7fffffffULL; i++)
		n = n * 10 + (unsigned)(ps->tok.text[i] - '0');
	if (n > 0x7fffffffULL || ps->tok.too_long) {
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "number `%.40s' out of range", ps->tok.text);
		n = 0x7fffffffULL;
	}
	*v = (unsigned int)n;
	parse_next(ps);
	return true;
}

bool parse_bool(struct parser *ps, bool *v)
{
	if (ps->tok.type != TOK_ON && ps->tok.type != TOK_OFF)
		return parse_syntax(ps);
	*v = ps->tok.type == TOK_ON;
	parse_next(ps);
	return true;
}

bool parse_ip(struct parser *ps, char *buf, size_t len, int *line)
{
	if (ps->tok.type != TOK_IP)
		return parse_syntax(ps);
	snprintf(buf, len, "%s", ps->tok.text);
	*line = ps->tok.line;
	parse_next(ps);
	return true;
}

bool parse_block(struct parser *ps, bool (*item)(struct parser *, void *),
		 void *arg)
{
	if (!parse_expect_char(ps, '{'))
		return false;
	if (++ps->depth > PARSE_MAX_DEPTH * 4) {
		ps->depth--;
		return parse_syntax(ps);
	}
	while (!parse_is_char(ps, '}')) {
		int bad_line;

		if (ps->tok.type == TOK_EOF || ps->stop) {
			ps->depth--;
			return ps->stop ? false : parse_syntax(ps);
		}
		if (item(ps, arg))
			continue;
		if (ps->stop || ps->tok.type == TOK_EOF) {
			ps->depth--;
			return false;
		}
		/* resynchronise: drop the rest of the offending line */
		bad_line = ps->tok.line;
		while (ps->tok.type != TOK_EOF && !parse_is_char(ps, '}')) {
			parse_next(ps);
			if (ps->tok.line != bad_line)
				break;
		}
	}
	ps->depth--;
	parse_next(ps);
	return true;
}

/* A path value into a fixed buffer; longer paths are an error here, where
 * the reference cuts them (or overflows). */
static bool parse_path(struct parser *ps, char *dst, size_t size,
		       const char *what)
{
	if (ps->tok.type != TOK_PATH)
		return parse_syntax(ps);
	if (ps->tok.len >= size)
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "%s path too long (maximum %zu characters)",
			    what, size - 1);
	else
		memcpy(dst, ps->tok.text, ps->tok.len + 1);
	parse_next(ps);
	return true;
}

/* LogFile on|off|PATH, in General and in Stats. */
static bool parse_logfile(struct parser *ps, char *dst, const char *def)
{
	if (ps->tok.type == TOK_ON) {
		snprintf(dst, CONF_PATH_MAX, "%s", def);
	} else if (ps->tok.type == TOK_OFF) {
		/* off leaves an earlier setting alone, as in 1.4.7 */
	} else {
		return parse_path(ps, dst, CONF_PATH_MAX, "LogFile");
	}
	parse_next(ps);
	return true;
}

static int facility_of(const char *s)
{
	static const struct {
		const char *name;
		int fac;
	} tab[] = {
		{ "daemon", LOG_DAEMON }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(s, tab[i].name) == 0)
			return tab[i].fac;
	return -1;
}

/* Syslog on|off|FACILITY.  mine is the facility being set, other the one
 * of the other section, for the reference's conflict warning. */
static bool parse_syslog(struct parser *ps, int *mine, int other,
			 const char *unknown_tail)
{
	int fac;

	if (ps->tok.type == TOK_ON) {
		*mine = LOG_DAEMON;
	} else if (ps->tok.type == TOK_OFF) {
		*mine = -1;
	} else if (ps->tok.type == TOK_STRING) {
		fac = facility_of(ps->tok.text);
		if (fac < 0) {
			parse_warn(ps, ps->tok.line,
				   "'%.60s' is not a known syslog facility, "
				   "ignoring%s", ps->tok.text, unknown_tail);
		} else {
			*mine = fac;
			if (other != -1 && other != fac)
				parse_warn(ps, ps->tok.line,
					   "conflicting Syslog facility values, "
					   "defaulting to General");
		}
	} else {
		return parse_syntax(ps);
	}
	parse_next(ps);
	return true;
}

static bool unix_item(struct parser *ps, void *arg)
{
	struct conf_general *g = arg;
	unsigned int backlog;

	if (parse_is_kw(ps, KW_PATH)) {
		parse_next(ps);
		return parse_path(ps, g->unix_path, sizeof(g->unix_path),
				  "UNIX");
	}
	if (parse_is_kw(ps, KW_BACKLOG)) {
		int line = ps->tok.line;

		parse_next(ps);
		if (!parse_number(ps, &backlog))
			return false;
		parse_warn(ps, line,
			   "deprecated unix backlog configuration, ignoring.");
		return true;
	}
	return parse_syntax(ps);
}

static bool sched_item(struct parser *ps, void *arg)
{
	struct conf_general *g = arg;
	unsigned int prio;
	int line;

	if (parse_is_kw(ps, KW_TYPE)) {
		parse_next(ps);
		if (ps->tok.type != TOK_STRING)
			return parse_syntax(ps);
		if (strcasecmp(ps->tok.text, "rr") == 0)
			g->sched_policy = SCHED_RR;
		else if (strcasecmp(ps->tok.text, "fifo") == 0)
			g->sched_policy = SCHED_FIFO;
		else
			parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
				    "unknown scheduler `%.60s'", ps->tok.text);
		parse_next(ps);
		return true;
	}
	if (parse_is_kw(ps, KW_PRIORITY)) {
		parse_next(ps);
		line = ps->tok.line;
		if (!parse_number(ps, &prio))
			return false;
		if (prio > 99)
			parse_error(ps, CONF_ERR_SEMANTIC, line,
				    "`Priority' must be [0, 99]");
		else
			g->sched_priority = (int)prio;
		return true;
	}
	return parse_syntax(ps);
}

/* Filter { Protocol ... { names } } */
static bool proto_item(struct parser *ps, void *arg)
{
	struct conf_filter *f = arg;
	char name[64];
	int num;

	if (parse_is_kw(ps, KW_TCP))
		snprintf(name, sizeof(name), "tcp");
	else if (parse_is_kw(ps, KW_UDP))
		snprintf(name, sizeof(name), "udp");
	else if (ps->tok.type == TOK_STRING)
		snprintf(name, sizeof(name), "%.63s", ps->tok.text);
	else
		return parse_syntax(ps);

	/* the protocols database as glibc reads it, whatever the libc */
	num = proto_etc_num(name);
	if (num < 0)
		parse_warn(ps, ps->tok.line, "getprotobyname() cannot find "
			   "protocol `%s' in /etc/protocols", name);
	else
		f->protos[num / 8] |= (uint8_t)(1u << (num % 8));
	parse_next(ps);
	return true;
}

/* The address array holds 16, then doubles each time it is full (its
 * count a power of two): a list of thousands is not quadratic. */
static bool addrs_full(unsigned int n)
{
	return n == 0 || (n >= 16 && (n & (n - 1)) == 0);
}

static void filter_add_addr(struct parser *ps, struct conf_filter *f,
			    const struct conf_filter_addr *a, int line)
{
	struct conf_filter_addr *v;
	int r;

	if (!f->addr_set && !(f->addr_set = addr_set_new())) {
		parse_error(ps, CONF_ERR_SEMANTIC, line, "%s", PARSE_OOM_TEXT);
		return;
	}
	if (f->naddrs >= 65536) {
		parse_warn(ps, line, "too many IP in the ignore pool!");
		return;
	}
	/* 1.4.7 takes a repeated address silently; keep one copy */
	r = addr_set_add(f->addr_set, a->addr.family, &a->addr.v6, a->prefix);
	if (r == 0)
		return;
	if (r == -EINVAL)
		r = 1;	/* "/-1": taken, as before, and it never matches */
	if (r > 0 && addrs_full(f->naddrs)) {
		v = realloc(f->addrs, (f->naddrs ? (size_t)f->naddrs * 2 : 16) *
			    sizeof(*v));
		if (!v)
			r = -ENOMEM;
		else
			f->addrs = v;
	}
	if (r < 0) {
		parse_error(ps, CONF_ERR_SEMANTIC, line, "%s", PARSE_OOM_TEXT);
		return;
	}
	f->addrs[f->naddrs++] = *a;
}

static bool addr_item(struct parser *ps, void *arg)
{
	struct conf_filter *f = arg;
	struct conf_filter_addr a;
	char text[LEX_TEXT_MAX], *slash;
	int family, line = 0, max;
	long cidr;

	if (parse_is_kw(ps, KW_IPV4_ADDR))
		family = AF_INET;
	else if (parse_is_kw(ps, KW_IPV6_ADDR))
		family = AF_INET6;
	else
		return parse_syntax(ps);
	parse_next(ps);
	if (!parse_ip(ps, text, sizeof(text), &line))
		return false;

	memset(&a, 0, sizeof(a));
	max = family == AF_INET ? 32 : 128;
	cidr = max;
	slash = strchr(text, '/');
	if (slash) {
		*slash = '\0';
		cidr = strtol(slash + 1, NULL, 10);
		if (cidr > max || strlen(slash + 1) > 9) {
			parse_warn(ps, line, "%s/%s is not a valid network, "
				   "ignoring", text, slash + 1);
			return true;
		}
	}
	a.addr.family = family;
	a.prefix = (uint8_t)cidr;
	if (family == AF_INET ? inet_aton(text, &a.addr.v4) == 0 :
	    inet_pton(AF_INET6, text, &a.addr.v6) != 1) {
		parse_warn(ps, line, "%s is not a valid %s, ignoring", text,
			   family == AF_INET ? "IPv4" : "IPv6");
		return true;
	}
	filter_add_addr(ps, f, &a, line);
	return true;
}

static const struct {
	enum kw kw;
	enum conf_tcp_state state;
} tcp_states[] = {
	{ KW_SYN_SENT, CONF_TCP_SYN_SENT },
	{ KW_SYN_RECV, CONF_TCP_SYN_RECV },
	{ KW_ESTABLISHED, CONF_TCP_ESTABLISHED },
	{ KW_FIN_WAIT, CONF_TCP_FIN_WAIT },
	{ KW_CLOSE_WAIT, CONF_TCP_CLOSE_WAIT },
	{ KW_LAST_ACK, CONF_TCP_LAST_ACK },
	{ KW_TIME_WAIT, CONF_TCP_TIME_WAIT },
	{ KW_CLOSE, CONF_TCP_CLOSE },
	{ KW_LISTEN, CONF_TCP_LISTEN },
};

/* State ... { STATE* for TCP }: the states are kept only once "for TCP"
 * closes the list, as the grammar only then has a complete item. */
static bool state_item(struct parser *ps, void *arg)
{
	struct conf_filter *f = arg;
	uint32_t bits = 0;
	size_t i;

	for (;;) {
		for (i = 0; i < sizeof(tcp_states) / sizeof(tcp_states[0]); i++)
			if (parse_is_kw(ps, tcp_states[i].kw))
				break;
		if (i == sizeof(tcp_states) / sizeof(tcp_states[0]))
			break;
		bits |= 1u << tcp_states[i].state;
		parse_next(ps);
	}
	if (!parse_is_kw(ps, KW_FOR))
		return parse_syntax(ps);
	parse_next(ps);
	if (!parse_is_kw(ps, KW_TCP))
		return parse_syntax(ps);
	parse_next(ps);
	f->tcp_states |= bits;
	return true;
}

static bool filter_item(struct parser *ps, void *arg)
{
	struct conf_filter *f = arg;
	enum conf_filter_policy pol, *dst;
	bool (*item)(struct parser *, void *);

	if (parse_is_kw(ps, KW_PROTOCOL)) {
		dst = &f->proto_policy;
		item = proto_item;
	} else if (parse_is_kw(ps, KW_ADDRESS)) {
		dst = &f->addr_policy;
		item = addr_item;
	} else if (parse_is_kw(ps, KW_STATE)) {
		dst = &f->state_policy;
		item = state_item;
	} else {
		return parse_syntax(ps);
	}
	parse_next(ps);
	if (parse_is_kw(ps, KW_ACCEPT))
		pol = CONF_FILTER_ACCEPT;
	else if (parse_is_kw(ps, KW_IGNORE))
		pol = CONF_FILTER_IGNORE;
	else
		return parse_syntax(ps);
	parse_next(ps);
	if (!parse_block(ps, item, f))
		return false;
	*dst = pol;
	return true;
}

static bool parse_filter(struct parser *ps, struct conf_filter *f)
{
	bool kernel = false;

	if (parse_is_kw(ps, KW_FROM)) {
		parse_next(ps);
		if (parse_is_kw(ps, KW_KERNELSPACE))
			kernel = true;
		else if (!parse_is_kw(ps, KW_USERSPACE))
			return parse_syntax(ps);
		parse_next(ps);
	}
	if (!parse_block(ps, filter_item, f))
		return false;
	f->present = true;
	f->kernelspace = kernel;
	return true;
}

/* NUMBER-valued General keywords and where they go. */
static unsigned int *general_number(struct conf_general *g, int kw)
{
	switch (kw) {
	case KW_HASHSIZE:
		return &g->hashsize;
	case KW_HASHLIMIT:
		return &g->hashlimit;
	case KW_BUFFER_SIZE:
		return &g->netlink_buffer_size;
	case KW_BUFFER_MAX_GROWN:
		return &g->netlink_buffer_size_max_grown;
	case KW_EVENT_ITER_LIMIT:
		return &g->event_iterations_limit;
	default:
		return NULL;
	}
}

static bool general_item(struct parser *ps, void *arg)
{
	struct conf_general *g = arg;
	unsigned int *num, v;
	int kw = ps->tok.kw, line = ps->tok.line;

	if (ps->tok.type != TOK_KW)
		return parse_syntax(ps);
	num = general_number(g, kw);
	switch (kw) {
	case KW_LOGFILE:
		parse_next(ps);
		return parse_logfile(ps, g->logfile, CONF_DEFAULT_LOGFILE);
	case KW_SYSLOG:
		parse_next(ps);
		return parse_syslog(ps, &g->syslog_facility,
				    ps->c->stats.syslog_facility, "");
	case KW_LOCKFILE:
		parse_next(ps);
		return parse_path(ps, g->lockfile, sizeof(g->lockfile),
				  "LockFile");
	case KW_UNIX:
		parse_next(ps);
		return parse_block(ps, unix_item, g);
	case KW_SCHEDULER:
		parse_next(ps);
		return parse_block(ps, sched_item, g);
	case KW_FILTER:
		parse_next(ps);
		return parse_filter(ps, &g->filter);
	case KW_POLL_SECS:
		parse_next(ps);
		line = ps->tok.line;
		if (!parse_number(ps, &v))
			return false;
		if (v == 0)
			parse_error(ps, CONF_ERR_SEMANTIC, line,
				    "`PollSecs' clause must be > 0");
		g->poll_secs = v;
		return true;
	case KW_OVERRUN_RESYNC:
		parse_next(ps);
		if (ps->tok.type == TOK_ON) {
			g->netlink_overrun_resync = CONF_DEF_OVERRUN_RESYNC;
		} else if (ps->tok.type == TOK_OFF) {
			g->netlink_overrun_resync = -1;
		} else {
			if (!parse_number(ps, &v))
				return false;
			/* 0 means the default, as in 1.4.7 */
			g->netlink_overrun_resync =
				v ? (int)v : CONF_DEF_OVERRUN_RESYNC;
			return true;
		}
		parse_next(ps);
		return true;
	case KW_EVENTS_RELIABLE:
		parse_next(ps);
		return parse_bool(ps, &g->netlink_events_reliable);
	case KW_SYSTEMD:
		parse_next(ps);
		return parse_bool(ps, &g->systemd);
	case KW_NICE:
		/* 1.4.7 wants a sign ("Nice 0" is a syntax error there);
		 * the value is ignored either way. */
		parse_next(ps);
		if (ps->tok.type != TOK_SIGNED && ps->tok.type != TOK_NUMBER)
			return parse_syntax(ps);
		parse_next(ps);
		parse_warn(ps, line, "deprecated nice configuration, ignoring. "
			   "The nice value can be set externally with nice(1) "
			   "and renice(1).");
		return true;
	default:
		if (!num)
			return parse_syntax(ps);
		parse_next(ps);
		return parse_number(ps, num);
	}
}

static bool stats_item(struct parser *ps, void *arg)
{
	struct conf_stats *s = arg;

	if (parse_is_kw(ps, KW_LOGFILE)) {
		parse_next(ps);
		return parse_logfile(ps, s->logfile,
				     CONF_DEFAULT_STATS_LOGFILE);
	}
	if (parse_is_kw(ps, KW_SYSLOG)) {
		parse_next(ps);
		return parse_syslog(ps, &s->syslog_facility,
				    ps->c->general.syslog_facility, ".");
	}
	/* Documented for the stats log, yet a syntax error in 1.4.7's
	 * grammar: accepted here (README). */
	if (parse_is_kw(ps, KW_LOGFILE_BUFFER_SIZE)) {
		parse_next(ps);
		return parse_number(ps, &s->logfile_buffer);
	}
	return parse_syntax(ps);
}

/* The userspace helpers Debian's conntrackd ships (ct_helper_NAME.so), the
 * layer 4 protocols each one registers for, and its one policy (named as
 * the helper). */
static const struct {
	const char *name;
	bool tcp, udp;
} known_helpers[] = {
	{ "amanda", false, true }, { "dhcpv6", false, true },
	{ "ftp", true, false }, { "mdns", false, true },
	{ "rpc", true, true }, { "sane", true, false },
	{ "slp", false, true }, { "ssdp", true, true },
	{ "tftp", false, true }, { "tns", true, false },
};

static bool helper_known(const char *name, int l4)
{
	size_t i;

	for (i = 0; i < sizeof(known_helpers) / sizeof(known_helpers[0]); i++)
		if (strcmp(known_helpers[i].name, name) == 0)
			return l4 == IPPROTO_TCP ? known_helpers[i].tcp :
						   known_helpers[i].udp;
	return false;
}

struct policy_arg {
	struct conf_helper_policy pol;
	bool any;
};

static bool policy_item(struct parser *ps, void *arg)
{
	struct policy_arg *pa = arg;
	unsigned int *dst;

	if (parse_is_kw(ps, KW_EXPECT_MAX))
		dst = &pa->pol.expect_max;
	else if (parse_is_kw(ps, KW_EXPECT_TIMEOUT))
		dst = &pa->pol.expect_timeout;
	else
		return parse_syntax(ps);
	parse_next(ps);
	if (!parse_number(ps, dst))
		return false;
	pa->any = true;
	return true;
}

static bool helper_add(struct parser *ps, const struct conf_helper *h)
{
	struct conf_helpers *hs = &ps->c->helper;
	struct conf_helper *v;

	if (hs->n >= 1024) {
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "too many helpers in the configuration file");
		return true;
	}
	v = realloc(hs->v, (hs->n + 1) * sizeof(*v));
	if (!v) {
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line, "%s",
			    PARSE_OOM_TEXT);
		return true;
	}
	hs->v = v;
	hs->v[hs->n++] = *h;
	return true;
}

static bool helper_type(struct parser *ps);

/* Items of a Type block.  A nested Type is a helper of its own (the
 * grammar allows it). */
static bool helper_type_item(struct parser *ps, void *arg)
{
	struct conf_helper *h = arg;
	struct policy_arg pa;
	unsigned int *dst;
	int line;

	if (parse_is_kw(ps, KW_TYPE))
		return helper_type(ps);
	if (parse_is_kw(ps, KW_QUEUE_NUM) || parse_is_kw(ps, KW_QUEUE_LEN)) {
		dst = parse_is_kw(ps, KW_QUEUE_NUM) ? &h->queue_num :
						      &h->queue_len;
		parse_next(ps);
		return parse_number(ps, dst);
	}
	if (!parse_is_kw(ps, KW_POLICY))
		return parse_syntax(ps);
	parse_next(ps);
	if (ps->tok.type != TOK_STRING)
		return parse_syntax(ps);
	memset(&pa, 0, sizeof(pa));
	/* the reference cuts policy names to 15 characters */
	snprintf(pa.pol.name, sizeof(pa.pol.name), "%.15s", ps->tok.text);
	parse_next(ps);
	line = ps->tok.line;
	if (!parse_block(ps, policy_item, &pa))
		return false;
	if (!pa.any) {
		parse_error(ps, CONF_ERR_SEMANTIC, line,
			    "Helper policy configuration empty, fix your "
			    "configuration file, please");
		return true;
	}
	if (h->npolicies >= CONF_HELPER_POLICY_MAX) {
		parse_error(ps, CONF_ERR_SEMANTIC, line,
			    "too many policies in helper configuration "
			    "(Maximum: %d)", CONF_HELPER_POLICY_MAX);
		return true;
	}
	h->policy[h->npolicies++] = pa.pol;
	return true;
}

/* Type NAME inet|inet6 tcp|udp { ... } */
static bool helper_type(struct parser *ps)
{
	struct conf_helper h;
	char l3[16], l4[16];
	unsigned int i;
	bool ok;
	int line;

	parse_next(ps);
	memset(&h, 0, sizeof(h));
	h.queue_len = CONF_DEF_HELPER_QUEUE_LEN;
	if (ps->tok.type != TOK_STRING)
		return parse_syntax(ps);
	snprintf(h.name, sizeof(h.name), "%.15s", ps->tok.text);
	parse_next(ps);
	if (ps->tok.type != TOK_STRING)
		return parse_syntax(ps);
	snprintf(l3, sizeof(l3), "%.15s", ps->tok.text);
	parse_next(ps);
	if (ps->tok.type != TOK_STRING)
		return parse_syntax(ps);
	snprintf(l4, sizeof(l4), "%.15s", ps->tok.text);
	parse_next(ps);

	if (ps->depth >= PARSE_MAX_DEPTH * 2)
		return parse_syntax(ps);
	ok = parse_block(ps, helper_type_item, &h);
	if (!ok)
		return false;
	line = ps->tok.line;
	if (strcmp(l3, "inet") == 0) {
		h.l3proto = AF_INET;
	} else if (strcmp(l3, "inet6") == 0) {
		h.l3proto = AF_INET6;
	} else {
		parse_error(ps, CONF_ERR_SEMANTIC, line,
			    "unknown layer 3 protocol");
		return true;
	}
	if (strcmp(l4, "tcp") == 0) {
		h.l4proto = IPPROTO_TCP;
	} else if (strcmp(l4, "udp") == 0) {
		h.l4proto = IPPROTO_UDP;
	} else {
		parse_error(ps, CONF_ERR_SEMANTIC, line,
			    "unknown layer 4 protocol");
		return true;
	}
	if (!helper_known(h.name, h.l4proto)) {
		parse_error(ps, CONF_ERR_SEMANTIC, line, "Unknown `%s' helper",
			    h.name);
		return true;
	}
	for (i = 0; i < h.npolicies; i++) {
		if (strcmp(h.policy[i].name, h.name) != 0) {
			parse_error(ps, CONF_ERR_SEMANTIC, line,
				    "Unknown policy `%s' in helper "
				    "configuration", h.policy[i].name);
			return true;
		}
	}
	return helper_add(ps, &h);
}

static bool helper_item(struct parser *ps, void *arg)
{
	struct conf_helpers *hs = arg;

	if (parse_is_kw(ps, KW_TYPE))
		return helper_type(ps);
	if (parse_is_kw(ps, KW_SETUP)) {
		parse_next(ps);
		return parse_bool(ps, &hs->setup);
	}
	return parse_syntax(ps);
}

static bool top_item(struct parser *ps)
{
	struct conf *c = ps->c;
	int line = ps->tok.line;

	if (parse_is_kw(ps, KW_GENERAL)) {
		parse_next(ps);
		return parse_block(ps, general_item, &c->general);
	}
	if (parse_is_kw(ps, KW_SYNC)) {
		parse_next(ps);
		if (!parse_sync(ps))
			return false;
		if (ps->stats_seen)
			parse_error(ps, CONF_ERR_SEMANTIC, line,
				    "cannot use both `Stats' and `Sync' "
				    "clauses in conntrackd.conf");
		ps->sync_seen = true;
		return true;
	}
	if (parse_is_kw(ps, KW_STATS)) {
		parse_next(ps);
		if (!parse_block(ps, stats_item, &c->stats))
			return false;
		if (ps->sync_seen)
			parse_error(ps, CONF_ERR_SEMANTIC, line,
				    "cannot use both `Stats' and `Sync' "
				    "clauses in conntrackd.conf");
		ps->stats_seen = true;
		return true;
	}
	if (parse_is_kw(ps, KW_HELPER)) {
		parse_next(ps);
		if (!parse_block(ps, helper_item, &c->helper))
			return false;
		c->helper.present = true;
		return true;
	}
	return parse_syntax(ps);
}

void parse_conf(struct parser *ps)
{
	parse_next(ps);
	while (ps->tok.type != TOK_EOF && !ps->stop) {
		int bad_line;

		if (top_item(ps))
			continue;
		if (ps->stop || ps->tok.type == TOK_EOF)
			break;
		/* resynchronise on the next line */
		bad_line = ps->tok.line;
		do
			parse_next(ps);
		while (ps->tok.type != TOK_EOF && ps->tok.line == bad_line);
	}
}
