/* conntrackd.conf lexer.
 *
 * 1.4.7's flex scanner decides by longest match, and on a tie by rule
 * order: keywords, on/yes, off/no, integer, signed integer, IPv4, IPv6,
 * path, mode words, plain string.  Each class below is a small matcher that
 * says how long a match it has at the current position; lex_next() keeps
 * the longest, earliest class.  That is what makes "beef" an IP token and
 * "notrack" a mode word here exactly as in the reference.
 *
 * Two sensible readings differ from the reference on purpose: a path ends
 * at a tab or a carriage return too (upstream swallows them into the path,
 * so "Path /x<TAB># c" breaks), and "persistent" is matched in any case
 * (upstream's pattern misses the lowercase spelling).
 */
#include <string.h>

#include "config/lex.h"

/* Most matchers look no further than this: no valid IPv6 address with a
 * prefix length is longer, and it keeps the work per token bounded. */
#define IP6_SCAN	128

static const struct {
	const char *name;
	enum kw kw;
} keywords[] = {
	{ "UNIX", KW_UNIX },
	{ "IPv4_address", KW_IPV4_ADDR },
	{ "IPv6_address", KW_IPV6_ADDR },
	{ "IPv4_Destination_Address", KW_IPV4_DEST },
	{ "IPv6_Destination_Address", KW_IPV6_DEST },
	{ "IPv4_interface", KW_IPV4_IFACE },
	{ "IPv6_interface", KW_IPV6_IFACE },
	{ "Interface", KW_IFACE },
	{ "Multicast", KW_MULTICAST },
	{ "UDP", KW_UDP },
	{ "TCP", KW_TCP },
	{ "HashSize", KW_HASHSIZE },
	{ "RefreshTime", KW_REFRESH },
	{ "CacheTimeout", KW_CACHE_TIMEOUT },
	{ "CommitTimeout", KW_COMMIT_TIMEOUT },
	{ "HashLimit", KW_HASHLIMIT },
	{ "Path", KW_PATH },
	{ "Backlog", KW_BACKLOG },
	{ "Group", KW_GROUP },
	{ "Port", KW_PORT },
	{ "LogFile", KW_LOGFILE },
	{ "Syslog", KW_SYSLOG },
	{ "LockFile", KW_LOCKFILE },
	{ "General", KW_GENERAL },
	{ "Sync", KW_SYNC },
	{ "Stats", KW_STATS },
	{ "SocketBufferSize", KW_BUFFER_SIZE },
	{ "SocketBufferSizeMaxGrown", KW_BUFFER_MAX_GROWN },
	{ "SocketBufferSizeMaxGrowth", KW_BUFFER_MAX_GROWN },
	{ "NetlinkBufferSize", KW_BUFFER_SIZE },
	{ "NetlinkBufferSizeMaxGrowth", KW_BUFFER_MAX_GROWN },
	{ "Mode", KW_MODE },
	{ "ResendQueueSize", KW_RESEND_QUEUE_SIZE },
	{ "Checksum", KW_CHECKSUM },
	{ "ACKWindowSize", KW_ACK_WINDOW },
	{ "for", KW_FOR },
	{ "SYN_SENT", KW_SYN_SENT },
	{ "SYN_RECV", KW_SYN_RECV },
	{ "ESTABLISHED", KW_ESTABLISHED },
	{ "FIN_WAIT", KW_FIN_WAIT },
	{ "CLOSE_WAIT", KW_CLOSE_WAIT },
	{ "LAST_ACK", KW_LAST_ACK },
	{ "TIME_WAIT", KW_TIME_WAIT },
	{ "CLOSE", KW_CLOSE },
	{ "CLOSED", KW_CLOSE },
	{ "LISTEN", KW_LISTEN },
	{ "SndSocketBuffer", KW_SNDBUF },
	{ "RcvSocketBuffer", KW_RCVBUF },
	{ "Filter", KW_FILTER },
	{ "Protocol", KW_PROTOCOL },
	{ "Address", KW_ADDRESS },
	{ "State", KW_STATE },
	{ "Accept", KW_ACCEPT },
	{ "Ignore", KW_IGNORE },
	{ "PurgeTimeout", KW_PURGE },
	{ "From", KW_FROM },
	{ "Userspace", KW_USERSPACE },
	{ "Kernelspace", KW_KERNELSPACE },
	{ "EventIterationLimit", KW_EVENT_ITER_LIMIT },
	{ "Default", KW_DEFAULT },
	{ "PollSecs", KW_POLL_SECS },
	{ "NetlinkOverrunResync", KW_OVERRUN_RESYNC },
	{ "Nice", KW_NICE },
	{ "Scheduler", KW_SCHEDULER },
	{ "Type", KW_TYPE },
	{ "Priority", KW_PRIORITY },
	{ "NetlinkEventsReliable", KW_EVENTS_RELIABLE },
	{ "DisableInternalCache", KW_DISABLE_INTERNAL },
	{ "DisableExternalCache", KW_DISABLE_EXTERNAL },
	{ "Options", KW_OPTIONS },
	{ "TCPWindowTracking", KW_TCP_WINDOW_TRACKING },
	{ "ExpectationSync", KW_EXPECT_SYNC },
	{ "ErrorQueueLength", KW_ERROR_QUEUE_LENGTH },
	{ "Helper", KW_HELPER },
	{ "QueueNum", KW_QUEUE_NUM },
	{ "QueueLen", KW_QUEUE_LEN },
	{ "Policy", KW_POLICY },
	{ "ExpectMax", KW_EXPECT_MAX },
	{ "ExpectTimeout", KW_EXPECT_TIMEOUT },
	{ "Systemd", KW_SYSTEMD },
	{ "LogFileBufferSize", KW_LOGFILE_BUFFER_SIZE },
	{ "StartupResync", KW_STARTUP_RESYNC },
	{ "Setup", KW_SETUP },
};

/* Character classes, ASCII only: the reference's scanner knows no locale. */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static size_t match_digits(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && is_digit(*q))
		q++;
	return (size_t)(q - p);
}

/* [a-zA-Z][a-zA-Z0-9._-]* */
static size_t match_string(const char *p, const char *e)
{
	const char *q = p;

	if (q >= e || !is_alpha(*q))
		return 0;
	for (q++; q < e; q++)
		if (!is_alpha(*q) && !is_digit(*q) && *q != '.' &&
		    *q != '-' && *q != '_')
			break;
	return (size_t)(q - p);
}

/* A fixed word, compared without case. */
static size_t match_word_ci(const char *p, const char *e, const char *w)
{
	size_t n = strlen(w), i;

	if ((size_t)(e - p) < n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower(p[i]) != w[i])
			return 0;
	return n;
}

static size_t match_signed(const char *p, const char *e)
{
	size_t n;

	if (p >= e || (*p != '+' && *p != '-'))
		return 0;
	n = match_digits(p + 1, e);
	return n ? n + 1 : 0;
}

/* "/" digits, the optional prefix length of both address forms. */
static size_t match_cidr(const char *p, const char *e)
{
	size_t n;

	if (p >= e || *p != '/')
		return 0;
	n = match_digits(p + 1, e);
	return n ? n + 1 : 0;
}

/* digits.digits.digits.digits[/digits]; the value is checked later. */
static size_t match_ip4(const char *p, const char *e)
{
	const char *q = p;
	int part;
	size_t n;

	for (part = 0; part < 4; part++) {
		if (part) {
			if (q >= e || *q != '.')
				return 0;
			q++;
		}
		n = match_digits(q, e);
		if (!n)
			return 0;
		q += n;
	}
	return (size_t)(q - p) + match_cidr(q, e);
}

/* The reference's loose IPv6 pattern, run as a set of reachable offsets:
 *   form1: (hex{1,4} ":"?){0,7} "::" (hex{1,4} ":"?){0,7}
 *   form2: (hex{1,4} ":"){0,7} hex{1,4}
 * followed by an optional prefix length.  Returns the longest match. */
static void ip6_parts(const char *p, size_t n, const bool *from, bool *all,
		      bool colon_optional)
{
	bool cur[IP6_SCAN + 1], nxt[IP6_SCAN + 1];
	size_t s, j;
	int k;

	memcpy(cur, from, sizeof(cur));
	for (s = 0; s <= n; s++)
		all[s] = all[s] || cur[s];
	for (k = 0; k < 7; k++) {
		memset(nxt, 0, sizeof(nxt));
		for (s = 0; s <= n; s++) {
			if (!cur[s])
				continue;
			for (j = 1; j <= 4 && s + j <= n && is_hex(p[s + j - 1]);
			     j++) {
				bool colon = s + j < n && p[s + j] == ':';

				if (colon_optional)
					nxt[s + j] = true;
				if (colon)
					nxt[s + j + 1] = true;
			}
		}
		memcpy(cur, nxt, sizeof(cur));
		for (s = 0; s <= n; s++)
			all[s] = all[s] || cur[s];
	}
}

/* The two forms on the run p[0..n) holding a colon. */
static size_t match_ip6_scan(const char *p, size_t n, const char *e)
{
	bool start[IP6_SCAN + 1] = { false }, a[IP6_SCAN + 1] = { false };
	bool d[IP6_SCAN + 1] = { false }, b[IP6_SCAN + 1] = { false };
	bool ends[IP6_SCAN + 1] = { false };
	size_t s, j, best = 0;

	start[0] = true;

	/* form2: groups with a colon, then a final hex run */
	ip6_parts(p, n, start, a, false);
	for (s = 0; s <= n; s++)
		for (j = 1; a[s] && j <= 4 && s + j <= n && is_hex(p[s + j - 1]);
		     j++)
			ends[s + j] = true;

	/* form1 */
	memset(a, 0, sizeof(a));
	ip6_parts(p, n, start, a, true);
	for (s = 0; s + 2 <= n; s++)
		if (a[s] && p[s] == ':' && p[s + 1] == ':')
			d[s + 2] = true;
	ip6_parts(p, n, d, b, true);
	for (s = 0; s <= n; s++)
		if (b[s])
			ends[s] = true;

	for (s = 1; s <= n; s++) {
		size_t len;

		if (!ends[s])
			continue;
		len = s + match_cidr(p + s, e);
		if (len > best)
			best = len;
	}
	return best;
}

static size_t match_ip6(const char *p, const char *e)
{
	size_t n = 0, h = 0;

	/* only hex digits, colons, "/" and digits can be part of it */
	while (p + n < e && n < IP6_SCAN - 1 &&
	       (is_hex(p[n]) || p[n] == ':' || p[n] == '/'))
		n++;
	if (n == 0)
		return 0;
	if (memchr(p, ':', n))
		return match_ip6_scan(p, n, e);
	/* Without a colon only form2's last group can match: up to 4 hex
	 * digits, a prefix length only right after a shorter run.  Most
	 * tokens (words, numbers) end here, not in the scans. */
	while (h < n && h < 5 && is_hex(p[h]))
		h++;
	return h > 4 ? 4 : h ? h + match_cidr(p + h, e) : 0;
}

/* "/" and anything up to a quote or white space. */
static size_t match_path(const char *p, const char *e)
{
	const char *q = p;

	if (q >= e || *q != '/')
		return 0;
	for (q++; q < e; q++)
		if (*q == '"' || *q == '\n' || *q == ' ' || *q == '\t' ||
		    *q == '\r')
			break;
	return (size_t)(q - p);
}

static int keyword_of(const char *p, size_t n)
{
	size_t i;

	/* the first character first: a strlen() of every keyword for every
	 * word was a fifth of the parse */
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (keywords[i].name[0] == p[0] &&
		    strlen(keywords[i].name) == n &&
		    memcmp(keywords[i].name, p, n) == 0)
			return (int)keywords[i].kw;
	return -1;
}

void lex_init(struct lexer *lx, const char *buf, size_t len)
{
	lx->p = buf;
	lx->end = buf + len;
	lx->line = 1;
}

static void set_text(struct token *t, const char *p, size_t n)
{
	t->len = n;
	t->too_long = n >= LEX_TEXT_MAX;
	if (t->too_long)
		n = LEX_TEXT_MAX - 1;
	memcpy(t->text, p, n);
	t->text[n] = '\0';
}

static void skip_blank(struct lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else if (c == '\n') {
			lx->p++;
			lx->line++;
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

void lex_next(struct lexer *lx, struct token *t)
{
	const char *p, *e = lx->end;
	size_t best = 0, n, word;
	enum tok type = TOK_CHAR;
	int kw = -1;

	skip_blank(lx);
	p = lx->p;
	t->note = LEX_NOTE_NONE;
	t->kw = 0;
	t->line = lx->line;
	if (p >= e) {
		t->type = TOK_EOF;
		set_text(t, p, 0);
		return;
	}

	/* Classes in the reference's rule order; a later class wins only
	 * with a strictly longer match. */
	word = match_string(p, e);
	if (word && (kw = keyword_of(p, word)) >= 0) {
		best = word;
		type = TOK_KW;
	}
#define TRY(len_expr, tok_type) do { \
		n = (len_expr); \
		if (n > best) { best = n; type = (tok_type); } \
	} while (0)
	TRY(match_word_ci(p, e, "on"), TOK_ON);
	TRY(match_word_ci(p, e, "yes"), TOK_ON);
	TRY(match_word_ci(p, e, "off"), TOK_OFF);
	TRY(match_word_ci(p, e, "no"), TOK_OFF);
	TRY(match_digits(p, e), TOK_NUMBER);
	TRY(match_signed(p, e), TOK_SIGNED);
	TRY(match_ip4(p, e), TOK_IP);
	TRY(match_ip6(p, e), TOK_IP);
	TRY(match_path(p, e), TOK_PATH);
	TRY(match_word_ci(p, e, "alarm"), TOK_ALARM);
	n = match_word_ci(p, e, "persistent");
	if (n > best) {
		best = n;
		type = TOK_ALARM;
		t->note = LEX_NOTE_PERSISTENT;
	}
	TRY(match_word_ci(p, e, "ftfw"), TOK_FTFW);
	n = match_word_ci(p, e, "nack");
	if (n > best) {
		best = n;
		type = TOK_FTFW;
		t->note = LEX_NOTE_NACK;
	}
	TRY(match_word_ci(p, e, "notrack"), TOK_NOTRACK);
	TRY(word, TOK_STRING);
#undef TRY
	if (type != TOK_ALARM && type != TOK_FTFW)
		t->note = LEX_NOTE_NONE;

	if (best == 0) {
		/* any other character stands for itself */
		best = 1;
		type = TOK_CHAR;
		t->kw = (unsigned char)*p;
	} else if (type == TOK_KW) {
		t->kw = kw;
	}
	t->type = type;
	set_text(t, p, best);
	lx->p = p + best;
}
