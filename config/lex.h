/* Tokens of conntrackd.conf.  The lexer reproduces the token classes of
 * 1.4.7's flex scanner (longest match wins, keywords win ties), so that a
 * word is read the same way the reference reads it: "a" or "beef" are IP
 * tokens there, "no" is a boolean, "FtFw" a mode word. */
#ifndef CTBOX_CONF_LEX_H
#define CTBOX_CONF_LEX_H

#include <stdbool.h>
#include <stddef.h>

#define LEX_TEXT_MAX	512	/* longer tokens are cut and flagged */

enum tok {
	TOK_EOF,
	TOK_CHAR,	/* any other single character: '{', '}', ';'... */
	TOK_KW,		/* a keyword, see enum kw */
	TOK_ON,		/* on, yes */
	TOK_OFF,	/* off, no */
	TOK_NUMBER,	/* [0-9]+ */
	TOK_SIGNED,	/* [+-][0-9]+ */
	TOK_IP,		/* IPv4 or loose IPv6, optional /cidr */
	TOK_PATH,	/* /... */
	TOK_ALARM,	/* alarm, persistent */
	TOK_FTFW,	/* ftfw, nack */
	TOK_NOTRACK,
	TOK_STRING,	/* [a-zA-Z][a-zA-Z0-9._-]* that is nothing else */
};

enum kw {
	KW_UNIX, KW_IPV4_ADDR, KW_IPV6_ADDR, KW_IPV4_DEST, KW_IPV6_DEST,
	KW_IPV4_IFACE, KW_IPV6_IFACE, KW_IFACE, KW_MULTICAST, KW_UDP, KW_TCP,
	KW_HASHSIZE, KW_REFRESH, KW_CACHE_TIMEOUT, KW_COMMIT_TIMEOUT,
	KW_HASHLIMIT, KW_PATH, KW_BACKLOG, KW_GROUP, KW_PORT, KW_LOGFILE,
	KW_SYSLOG, KW_LOCKFILE, KW_GENERAL, KW_SYNC, KW_STATS,
	KW_BUFFER_SIZE, KW_BUFFER_MAX_GROWN, KW_MODE, KW_RESEND_QUEUE_SIZE,
	KW_CHECKSUM, KW_ACK_WINDOW, KW_FOR, KW_SYN_SENT, KW_SYN_RECV,
	KW_ESTABLISHED, KW_FIN_WAIT, KW_CLOSE_WAIT, KW_LAST_ACK, KW_TIME_WAIT,
	KW_CLOSE, KW_LISTEN, KW_SNDBUF, KW_RCVBUF, KW_FILTER, KW_PROTOCOL,
	KW_ADDRESS, KW_STATE, KW_ACCEPT, KW_IGNORE, KW_PURGE, KW_FROM,
	KW_USERSPACE, KW_KERNELSPACE, KW_EVENT_ITER_LIMIT, KW_DEFAULT,
	KW_POLL_SECS, KW_OVERRUN_RESYNC, KW_NICE, KW_SCHEDULER, KW_TYPE,
	KW_PRIORITY, KW_EVENTS_RELIABLE, KW_DISABLE_INTERNAL,
	KW_DISABLE_EXTERNAL, KW_OPTIONS, KW_TCP_WINDOW_TRACKING,
	KW_EXPECT_SYNC, KW_ERROR_QUEUE_LENGTH, KW_HELPER, KW_QUEUE_NUM,
	KW_QUEUE_LEN, KW_POLICY, KW_EXPECT_MAX, KW_EXPECT_TIMEOUT, KW_SYSTEMD,
	KW_STARTUP_RESYNC, KW_SETUP, KW_LOGFILE_BUFFER_SIZE,
};

/* A legacy spelling was read; the parser turns it into a warning. */
enum lex_note {
	LEX_NOTE_NONE,
	LEX_NOTE_NACK,		/* "nack" for ftfw */
	LEX_NOTE_PERSISTENT,	/* "persistent" for alarm */
};

struct token {
	enum tok type;
	int kw;			/* TOK_KW: enum kw; TOK_CHAR: the character */
	int line;		/* line the token ends on (yylineno) */
	bool too_long;		/* text was cut at LEX_TEXT_MAX - 1 */
	enum lex_note note;
	size_t len;
	char text[LEX_TEXT_MAX];
};

struct lexer {
	const char *p, *end;
	int line;		/* 1 + newlines consumed so far */
};

void lex_init(struct lexer *lx, const char *buf, size_t len);
/* Read the next token into *t.  Never fails: at the end, TOK_EOF with an
 * empty text and the line after the last newline. */
void lex_next(struct lexer *lx, struct token *t);

#endif
