/* The Sync section: Mode blocks, up to four channel blocks of one
 * transport, Options, and the timers 1.4.7 still takes at Sync level. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config/parse_int.h"

/* Mode bits as seen; conf_finish() picks one the way 1.4.7 does. */
#define MODE_BIT(m)	(1u << (m))

struct chan_ctx {
	enum conf_transport type;
	struct conf_channel ch;
};

static const char *const transport_names[] = {
	[CONF_CHAN_NONE] = "none",
	[CONF_CHAN_MCAST] = "Multicast",
	[CONF_CHAN_UDP] = "UDP",
	[CONF_CHAN_TCP] = "TCP",
};

const char *conf_transport_name(enum conf_transport t)
{
	if ((unsigned int)t >= sizeof(transport_names) / sizeof(*transport_names))
		return "unknown";
	return transport_names[t];
}

/* IPv4_address / IPv6_address and the destination forms.  Bad values
 * are warnings and leave the setting alone, as in the reference. */
static bool chan_addr(struct parser *ps, struct chan_ctx *cx, int family,
		      bool dest)
{
	struct conf_channel *ch = &cx->ch;
	struct conf_inet a;
	char text[LEX_TEXT_MAX];
	bool mcast = cx->type == CONF_CHAN_MCAST;
	int line;

	parse_next(ps);
	if (!parse_ip(ps, text, sizeof(text), &line))
		return false;
	memset(&a, 0, sizeof(a));
	a.family = family;
	if (family == AF_INET ? inet_aton(text, &a.v4) == 0 :
	    inet_pton(AF_INET6, text, &a.v6) != 1) {
		parse_warn(ps, line, "%s is not a valid %s address", text,
			   family == AF_INET ? "IPv4" : "IPv6");
		return true;
	}
	if (mcast && ch->addr.family && ch->addr.family != family) {
		parse_warn(ps, line, family == AF_INET ?
			   "your multicast address is IPv4 but is binded to "
			   "an IPv6 interface? Surely, this is not what you "
			   "want" :
			   "your multicast address is IPv6 but is binded to "
			   "an IPv4 interface? Surely this is not what you "
			   "want");
		return true;
	}
	if (dest)
		ch->dest = a;
	else
		ch->addr = a;
	return true;
}

static bool chan_port(struct parser *ps, uint16_t *port)
{
	unsigned int v;
	int line;

	parse_next(ps);
	line = ps->tok.line;
	if (!parse_number(ps, &v))
		return false;
	if (v > 65535)
		parse_error(ps, CONF_ERR_SEMANTIC, line,
			    "port %u out of range [0, 65535]", v);
	else
		*port = (uint16_t)v;
	return true;
}

static bool chan_item(struct parser *ps, void *arg)
{
	struct chan_ctx *cx = arg;
	struct conf_channel *ch = &cx->ch;
	bool mcast = cx->type == CONF_CHAN_MCAST;
	char text[LEX_TEXT_MAX];
	int line = ps->tok.line;

	if (ps->tok.type != TOK_KW)
		return parse_syntax(ps);
	switch (ps->tok.kw) {
	case KW_IPV4_ADDR:
		return chan_addr(ps, cx, AF_INET, false);
	case KW_IPV6_ADDR:
		return chan_addr(ps, cx, AF_INET6, false);
	case KW_IPV4_DEST:
		if (mcast)
			break;
		return chan_addr(ps, cx, AF_INET, true);
	case KW_IPV6_DEST:
		if (mcast)
			break;
		return chan_addr(ps, cx, AF_INET6, true);
	case KW_IPV4_IFACE:
		if (!mcast)
			break;
		parse_next(ps);
		if (!parse_ip(ps, text, sizeof(text), &line))
			return false;
		if (inet_aton(text, &ch->mcast_ifaddr) == 0)
			parse_warn(ps, line, "%s is not a valid IPv4 address",
				   text);
		else if (ch->addr.family == AF_INET6)
			parse_warn(ps, line, "your multicast interface is IPv4 "
				   "but is binded to an IPv6 interface? Surely, "
				   "this is not what you want");
		return true;
	case KW_IPV6_IFACE:
		if (!mcast)
			break;
		parse_next(ps);
		if (!parse_ip(ps, text, sizeof(text), &line))
			return false;
		parse_warn(ps, line, "`IPv6_interface' not required, ignoring");
		return true;
	case KW_IFACE:
		parse_next(ps);
		if (ps->tok.type != TOK_STRING)
			return parse_syntax(ps);
		/* 1.4.7 looks the name up while parsing, and says so when
		 * there is no such interface (the file is still accepted) */
		if (ps->tok.len >= sizeof(ch->ifname) ||
		    if_nametoindex(ps->tok.text) == 0)
			parse_warn(ps, ps->tok.line, "%s is an invalid "
				   "interface", ps->tok.text);
		if (ps->tok.len < sizeof(ch->ifname))
			memcpy(ch->ifname, ps->tok.text, ps->tok.len + 1);
		parse_next(ps);
		return true;
	case KW_GROUP:
		if (!mcast)
			break;
		return chan_port(ps, &ch->port);
	case KW_PORT:
		if (mcast)
			break;
		return chan_port(ps, &ch->port);
	case KW_SNDBUF:
		parse_next(ps);
		return parse_number(ps, &ch->sndbuf);
	case KW_RCVBUF:
		parse_next(ps);
		return parse_number(ps, &ch->rcvbuf);
	case KW_CHECKSUM:
		parse_next(ps);
		return parse_bool(ps, &ch->checksum);
	case KW_ERROR_QUEUE_LENGTH:
		if (cx->type != CONF_CHAN_TCP)
			break;
		parse_next(ps);
		return parse_number(ps, &ps->c->sync.error_queue_length);
	}
	return parse_syntax(ps);
}

/* Multicast|UDP|TCP [Default] { ... } */
static bool parse_channel(struct parser *ps, enum conf_transport type)
{
	struct conf_sync *s = &ps->c->sync;
	struct chan_ctx cx;
	bool dflt = false;

	parse_next(ps);
	if (parse_is_kw(ps, KW_DEFAULT)) {
		dflt = true;
		parse_next(ps);
	}
	/* 1.4.7 only notices at the first setting of a fifth block (an empty
	 * fifth block slips through and overruns its table): we refuse any
	 * fifth block. */
	if (s->nchannels >= CONF_MAX_CHANNELS && parse_is_char(ps, '{'))
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "too many dedicated links in the configuration "
			    "file (Maximum: %d)", CONF_MAX_CHANNELS);
	memset(&cx, 0, sizeof(cx));
	cx.type = type;
	cx.ch.type = type;
	cx.ch.checksum = true;
	cx.ch.is_default = dflt;
	if (!parse_block(ps, chan_item, &cx))
		return false;
	if (s->transport != CONF_CHAN_NONE && s->transport != type) {
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "cannot use `%s' with other dedicated link "
			    "protocols!", conf_transport_name(type));
		return true;
	}
	s->transport = type;
	if (s->nchannels >= CONF_MAX_CHANNELS)
		return true;
	if (dflt)
		s->default_channel = s->nchannels;
	s->channel[s->nchannels++] = cx.ch;
	return true;
}

/* Timer and cache settings: which mode blocks take which keyword. */
enum {
	IN_SYNC = 1u << 0,
	IN_ALARM = 1u << 1,
	IN_FTFW = 1u << 2,
	IN_NOTRACK = 1u << 3,
};

static const struct {
	enum kw kw;
	unsigned int where;
	bool is_bool;
} mode_opts[] = {
	{ KW_REFRESH, IN_SYNC | IN_ALARM, false },
	{ KW_CACHE_TIMEOUT, IN_SYNC | IN_ALARM, false },
	{ KW_COMMIT_TIMEOUT, IN_SYNC | IN_ALARM | IN_FTFW | IN_NOTRACK, false },
	{ KW_PURGE, IN_SYNC | IN_ALARM | IN_FTFW | IN_NOTRACK, false },
	{ KW_RESEND_QUEUE_SIZE, IN_FTFW, false },
	{ KW_ACK_WINDOW, IN_FTFW, false },
	{ KW_DISABLE_EXTERNAL, IN_FTFW | IN_NOTRACK, true },
	{ KW_DISABLE_INTERNAL, IN_NOTRACK, true },
	{ KW_STARTUP_RESYNC, IN_FTFW | IN_NOTRACK, true },
};

static void *mode_opt_field(struct conf_sync *s, int kw)
{
	switch (kw) {
	case KW_REFRESH:
		return &s->refresh_time;
	case KW_CACHE_TIMEOUT:
		return &s->cache_timeout;
	case KW_COMMIT_TIMEOUT:
		return &s->commit_timeout;
	case KW_PURGE:
		return &s->purge_timeout;
	case KW_RESEND_QUEUE_SIZE:
		return &s->resend_queue_size;
	case KW_ACK_WINDOW:
		return &s->ack_window_size;
	case KW_DISABLE_EXTERNAL:
		return &s->disable_external_cache;
	case KW_DISABLE_INTERNAL:
		return &s->disable_internal_cache;
	case KW_STARTUP_RESYNC:
		return &s->startup_resync;
	default:
		return NULL;
	}
}

/* One of the settings above, if allowed where we are; -1 if the token is
 * none of them (or not allowed here), else true/false as parsed. */
static int mode_opt(struct parser *ps, unsigned int where)
{
	void *field;
	size_t i;

	for (i = 0; i < sizeof(mode_opts) / sizeof(mode_opts[0]); i++)
		if (parse_is_kw(ps, mode_opts[i].kw) &&
		    (mode_opts[i].where & where))
			break;
	if (i == sizeof(mode_opts) / sizeof(mode_opts[0]))
		return -1;
	field = mode_opt_field(&ps->c->sync, mode_opts[i].kw);
	parse_next(ps);
	if (mode_opts[i].is_bool)
		return parse_bool(ps, field);
	return parse_number(ps, field);
}

static bool mode_item(struct parser *ps, void *arg)
{
	unsigned int *where = arg;
	int r = mode_opt(ps, *where);

	if (r < 0)
		return parse_syntax(ps);
	return r;
}

static bool parse_mode(struct parser *ps, unsigned int *modes)
{
	unsigned int where;
	enum conf_sync_mode m;

	parse_next(ps);
	switch (ps->tok.type) {
	case TOK_ALARM:
		m = CONF_SYNC_ALARM;
		where = IN_ALARM;
		break;
	case TOK_FTFW:
		m = CONF_SYNC_FTFW;
		where = IN_FTFW;
		break;
	case TOK_NOTRACK:
		m = CONF_SYNC_NOTRACK;
		where = IN_NOTRACK;
		break;
	default:
		return parse_syntax(ps);
	}
	parse_next(ps);
	if (!parse_block(ps, mode_item, &where))
		return false;
	*modes |= MODE_BIT(m);
	return true;
}

static bool expect_item(struct parser *ps, void *arg)
{
	struct conf_sync *s = arg;
	char (*v)[CONF_HELPER_NAME_MAX];

	if (ps->tok.type != TOK_STRING)
		return parse_syntax(ps);
	if (s->nexp_helpers >= 1024) {
		parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line,
			    "too many helpers in ExpectationSync");
	} else {
		v = realloc(s->exp_helpers, (s->nexp_helpers + 1) * sizeof(*v));
		if (!v) {
			parse_error(ps, CONF_ERR_SEMANTIC, ps->tok.line, "%s",
				    PARSE_OOM_TEXT);
		} else {
			s->exp_helpers = v;
			snprintf(v[s->nexp_helpers++], sizeof(*v), "%.15s",
				 ps->tok.text);
		}
	}
	parse_next(ps);
	return true;
}

static bool option_item(struct parser *ps, void *arg)
{
	struct conf_sync *s = arg;

	if (parse_is_kw(ps, KW_TCP_WINDOW_TRACKING)) {
		parse_next(ps);
		return parse_bool(ps, &s->tcp_window_tracking);
	}
	if (!parse_is_kw(ps, KW_EXPECT_SYNC))
		return parse_syntax(ps);
	parse_next(ps);
	if (parse_is_char(ps, '{')) {
		if (!parse_block(ps, expect_item, s))
			return false;
		s->expectation_sync = true;
		return true;
	}
	return parse_bool(ps, &s->expectation_sync);
}

struct sync_ctx {
	unsigned int modes;
};

static bool sync_item(struct parser *ps, void *arg)
{
	struct sync_ctx *sx = arg;
	struct conf_sync *s = &ps->c->sync;
	int r;

	if (parse_is_kw(ps, KW_MULTICAST))
		return parse_channel(ps, CONF_CHAN_MCAST);
	if (parse_is_kw(ps, KW_UDP))
		return parse_channel(ps, CONF_CHAN_UDP);
	if (parse_is_kw(ps, KW_TCP))
		return parse_channel(ps, CONF_CHAN_TCP);
	if (parse_is_kw(ps, KW_MODE))
		return parse_mode(ps, &sx->modes);
	if (parse_is_kw(ps, KW_OPTIONS)) {
		parse_next(ps);
		return parse_block(ps, option_item, s);
	}
	r = mode_opt(ps, IN_SYNC);
	if (r < 0)
		return parse_syntax(ps);
	return r;
}

bool parse_sync(struct parser *ps)
{
	struct conf_sync *s = &ps->c->sync;
	struct sync_ctx sx = { 0 };

	if (!parse_block(ps, sync_item, &sx))
		return false;
	/* Modes accumulate over Sync blocks; 1.4.7 prefers FTFW, then
	 * ALARM, then NOTRACK when several were given. */
	sx.modes |= ps->sync_modes;
	ps->sync_modes = sx.modes;
	if (sx.modes & MODE_BIT(CONF_SYNC_FTFW))
		s->mode = CONF_SYNC_FTFW;
	else if (sx.modes & MODE_BIT(CONF_SYNC_ALARM))
		s->mode = CONF_SYNC_ALARM;
	else if (sx.modes & MODE_BIT(CONF_SYNC_NOTRACK))
		s->mode = CONF_SYNC_NOTRACK;
	s->mode_defaulted = sx.modes == 0;
	return true;
}
