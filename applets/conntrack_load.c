/* conntrack -R FILE / --load-file FILE ("-" = stdin), as 1.4.7 runs it:
 * every line is parsed first (a parse error stops everything before
 * anything runs), then every command is checked to be one of -I -A -U -D
 * -F, then they run in order with no summary lines; the first failure
 * stops the run.
 *
 * Runs of -I/-A lines go through the batch writer.  Should one of them
 * fail, the entries that later lines of the same batch created are
 * deleted again, so that the table looks as if the run had stopped at the
 * failing line, as upstream's one-request-per-line loop leaves it. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/ct.h"
#include "netlink/ct_batch.h"

#define LINE_MAX_BYTES	10240	/* upstream's fgets() buffer */
#define WORD_MAX	1024
#define ARGS_MAX	255	/* argv slots, argv[0] included */

struct line {
	size_t off;
	uint32_t len;
	int8_t cmd;
	uint8_t table;
};

struct load {
	char *text;
	size_t text_len;
	struct line *lines;
	size_t n, cap;
	/* tokenizer output, reused for every line */
	char words[LINE_MAX_BYTES + ARGS_MAX];
	char *argv[ARGS_MAX + 1];
	int argc;
};

static void read_all(struct load *l, const char *name)
{
	size_t cap = 1 << 16;
	int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		ct_exit_error(PARAMETER_PROBLEM,
			      "Failed to open file %s for reading", name);
	l->text = malloc(cap);
	for (;;) {
		ssize_t r;

		if (!l->text)
			ct_exit_error(OTHER_PROBLEM, "%s", err_str(ENOMEM));
		if (l->text_len == cap) {
			char *t = cap < ((size_t)1 << 40) ?
				  realloc(l->text, cap * 2) : NULL;

			if (!t)
				free(l->text);
			l->text = t;
			cap *= 2;
			continue;
		}
		r = read(fd, l->text + l->text_len, cap - l->text_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		l->text_len += (size_t)r;
	}
	if (fd > 0)
		close(fd);
}

/* Split into what fgets() with upstream's buffer returns, and keep the
 * lines that are neither blank nor comments. */
static void split_lines(struct load *l)
{
	size_t pos = 0;

	while (pos < l->text_len) {
		size_t start = pos, max = LINE_MAX_BYTES - 1;
		const char *nl = memchr(l->text + pos, '\n',
					l->text_len - pos < max ?
					l->text_len - pos : max);
		size_t end = nl ? (size_t)(nl - l->text) + 1 :
			     (l->text_len - pos < max ? l->text_len : pos + max);

		pos = end;
		while (start < end && (l->text[start] == ' ' ||
				       l->text[start] == '\t'))
			start++;
		if (start < end && (l->text[start] == '\n' ||
				    l->text[start] == '#'))
			continue;
		if (l->n == l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 1024;
			struct line *t = realloc(l->lines, nc * sizeof(*t));

			if (!t)
				ct_exit_error(OTHER_PROBLEM, "%s", err_str(ENOMEM));
			l->lines = t;
			l->cap = nc;
		}
		l->lines[l->n].off = start;
		l->lines[l->n].len = (uint32_t)(end - start);
		l->n++;
	}
}

/* iptables-restore's word rules, as conntrack 1.4.7 took them: blanks
 * separate words, '"' opens a quoted part in which '\' escapes the next
 * character and whose closing '"' ends the word.  A word is only taken
 * when a blank (or that closing quote) ends it. */
static void tokenize(struct load *l, const struct line *ln, const char *prog)
{
	const char *s = l->text + ln->off, *e = s + ln->len;
	char *w = l->words, *word = w;
	size_t wlen = 0;
	bool quoted = false, escaped = false;

	l->argc = 0;
	l->argv[l->argc++] = (char *)prog;
	for (; s < e; s++) {
		char c = *s;

		if (quoted) {
			if (escaped) {
				escaped = false;
			} else if (c == '\\') {
				escaped = true;
				continue;
			} else if (c == '"') {
				quoted = false;
				c = ' ';
			}
		} else if (c == '"') {
			quoted = true;
			continue;
		}
		if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
			if (!wlen)
				continue;
			if (l->argc >= ARGS_MAX)
				ct_exit_error(PARAMETER_PROBLEM,
					      "too many arguments");
			*w++ = '\0';
			l->argv[l->argc++] = word;
			word = w;
			wlen = 0;
			continue;
		}
		if (wlen + 1 >= WORD_MAX)
			ct_exit_error(PARAMETER_PROBLEM, "Parameter too long!");
		*w++ = c;
		wlen++;
	}
	l->argv[l->argc] = NULL;
}

static const char *unsupported_name(int cmd)
{
	static const char *const names[CMD_MAX] = {
		[CMD_LIST] = "-L", [CMD_GET] = "-G", [CMD_EVENT] = "-E",
		[CMD_VERSION] = "-V", [CMD_HELP] = "-h",
		[CMD_EXP_LIST] = "-L expect", [CMD_EXP_CREATE] = "-C expect",
		[CMD_EXP_DELETE] = "-D expect", [CMD_EXP_GET] = "-G expect",
		[CMD_EXP_FLUSH] = "-F expect", [CMD_EXP_EVENT] = "-E expect",
		[CMD_COUNT] = "-C", [CMD_EXP_COUNT] = "-C expect",
		[CMD_STATS] = "-S", [CMD_EXP_STATS] = "-S expect",
	};

	if (cmd < 0 || cmd >= CMD_MAX || !names[cmd])
		return "unknown";
	return names[cmd];
}

static bool runnable(const struct line *ln)
{
	switch (ln->cmd) {
	case CMD_CREATE: case CMD_ADD: case CMD_UPDATE: case CMD_DELETE:
	case CMD_FLUSH:
		return ln->table == TBL_CONNTRACK;
	default:
		return false;
	}
}

/* Creates in flight: one record per queued request. */
#define REC_MAX 8192

struct rec {
	uint32_t seq;
	uint32_t line;
	bool failed;
};

struct creates {
	struct load *l;
	struct ct_sess *s;
	struct ct_batch *b;
	struct rec rec[REC_MAX];
	size_t n;
	bool fatal;
	size_t fatal_idx;
	int fatal_err;
};

static void on_create(uint32_t seq, int err, const struct ct *ct, void *data)
{
	struct creates *c = data;
	size_t i;

	(void)ct;
	if (!err || seq == 0 || c->n == 0)
		return;
	i = seq - c->rec[0].seq;	/* consecutive seqs */
	if (i >= c->n)
		return;
	c->rec[i].failed = true;
	if (err == -EEXIST && c->l->lines[c->rec[i].line].cmd == CMD_ADD)
		return;
	if (!c->fatal || i < c->fatal_idx) {
		c->fatal = true;
		c->fatal_idx = i;
		c->fatal_err = err;
	}
}

static void parse_line(struct load *l, size_t i, struct ct_cmd *cmd,
		       const char *prog)
{
	tokenize(l, &l->lines[i], prog);
	conntrack_parse(l->argc, l->argv, cmd);
}

/* Undo what later lines of the failed batch created, then fail as the
 * failing line does. */
static void creates_fail(struct creates *c, const char *prog)
{
	struct ct_cmd cmd;
	struct ct ct;
	size_t i;
	int cmdno = c->l->lines[c->rec[c->fatal_idx].line].cmd;

	err_quiet(1);
	for (i = c->fatal_idx + 1; i < c->n; i++) {
		if (c->rec[i].failed)
			continue;
		parse_line(c->l, c->rec[i].line, &cmd, prog);
		ct_create_tmpl(&cmd, &ct);
		ct_nl_delete(c->s->nl, &ct);
	}
	err_quiet(0);
	ct_op_failed((enum ct_command)cmdno, c->fatal_err);
}

static void creates_flush(struct creates *c, const char *prog)
{
	int r;

	if (!c->n)
		return;
	r = ct_batch_flush(c->b);
	if (r < 0) {
		/* nothing of the batch ran: the first line fails */
		c->fatal = true;
		c->fatal_idx = 0;
		c->fatal_err = r;
	}
	if (c->fatal)
		creates_fail(c, prog);
	c->n = 0;
}

static void queue_create(struct creates *c, struct ct_cmd *cmd, size_t line,
			 const char *prog)
{
	struct ct ct;
	uint32_t seq;
	int r;

	c->b = ct_sess_batch(c->s, on_create, c);
	if (c->n == REC_MAX)
		creates_flush(c, prog);
	ct_create_tmpl(cmd, &ct);
	r = ct_batch_create(c->b, &ct, &seq);
	if (r < 0) {
		creates_flush(c, prog);
		ct_op_failed(cmd->cmd, r);
	}
	c->rec[c->n].seq = seq;
	c->rec[c->n].line = (uint32_t)line;
	c->rec[c->n].failed = false;
	c->n++;
	if (ct_batch_full(c->b))
		creates_flush(c, prog);
}

int conntrack_load_file(int argc, char **argv)
{
	static struct load l;
	static struct creates c;
	struct ct_cmd cmd;
	size_t i;

	(void)argc;
	read_all(&l, argv[2]);
	split_lines(&l);

	/* phase 1: everything parses, or nothing runs */
	for (i = 0; i < l.n; i++) {
		parse_line(&l, i, &cmd, argv[0]);
		l.lines[i].cmd = (int8_t)cmd.cmd;
		l.lines[i].table = (uint8_t)cmd.table;
	}
	/* phase 2: only commands that change the conntrack table */
	for (i = 0; i < l.n; i++)
		if (!runnable(&l.lines[i]))
			ct_exit_error(PARAMETER_PROBLEM,
				      "Cannot use command `%s' with --load-file",
				      unsupported_name(l.lines[i].cmd));
	/* phase 3: run them in order */
	c.l = &l;
	c.s = ct_sess_get(true);
	for (i = 0; i < l.n; i++) {
		err_quiet(1);
		parse_line(&l, i, &cmd, argv[0]);
		err_quiet(0);
		if (cmd.cmd == CMD_CREATE || cmd.cmd == CMD_ADD) {
			queue_create(&c, &cmd, i, argv[0]);
			continue;
		}
		creates_flush(&c, argv[0]);
		switch (cmd.cmd) {
		case CMD_UPDATE:
			ct_do_update(&cmd, c.s);
			break;
		case CMD_DELETE:
			ct_do_delete(&cmd, c.s);
			break;
		default:
			ct_do_flush(&cmd, c.s);
			break;
		}
	}
	creates_flush(&c, argv[0]);
	ct_sess_close();
	free(l.text);
	free(l.lines);
	return 0;
}
