/* Shared between the parser files of config/; not for the rest of ctbox. */
#ifndef CTBOX_CONF_PARSE_INT_H
#define CTBOX_CONF_PARSE_INT_H

#include "config/conf.h"
#include "config/lex.h"

#define PARSE_MAX_ERRORS	50	/* then stop: the rest is noise */
#define PARSE_MAX_DEPTH		8	/* nested helper Type blocks */
#define PARSE_OOM_TEXT		"cannot allocate memory for the configuration"

struct parser {
	struct lexer lx;
	struct token tok;		/* the lookahead */
	struct conf *c;
	struct conf_error *err;
	bool sync_seen, stats_seen;
	unsigned int sync_modes;	/* Mode blocks seen, bit per mode */
	bool stop;			/* too many errors */
	int depth;
};

/* Parse the whole buffer into ps->c (already at defaults). */
void parse_conf(struct parser *ps);

/* Record an error (kind SEMANTIC unless the caller says otherwise) or a
 * warning, in the reference's wording. */
void parse_error(struct parser *ps, enum conf_err_kind kind, int line,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void parse_warn(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Token helpers (parse.c).  The ones returning bool return false after
 * recording a syntax error at the lookahead. */
void parse_next(struct parser *ps);
bool parse_is_kw(const struct parser *ps, enum kw kw);
bool parse_is_char(const struct parser *ps, int c);
bool parse_syntax(struct parser *ps);
bool parse_expect_char(struct parser *ps, int c);
bool parse_number(struct parser *ps, unsigned int *v);
bool parse_bool(struct parser *ps, bool *v);
bool parse_ip(struct parser *ps, char *buf, size_t len, int *line);
/* '{' item* '}': calls item() for each item until the closing brace;
 * after a failed item, skips the rest of its line and goes on. */
bool parse_block(struct parser *ps, bool (*item)(struct parser *, void *),
		 void *arg);

/* parse_sync.c: the Sync section, after its keyword. */
bool parse_sync(struct parser *ps);

/* conf.c: after a clean parse, fill what 1.4.7 fills after parsing
 * (zero means default) and run the checks that span sections. */
void conf_finish(struct parser *ps);

#endif
