/* conntrack -R FILE / --load-file FILE ("-" = stdin), as 1.4.7 runs it:
 * every line is parsed first (a parse error stops everything before
 * anything runs), then every command is checked to be one of -I -A -U -D
 * -F, then they run in order with no summary lines; the first failure
 * stops the run, and no later line is sent (1.4.7 sends one request per
 * line and waits for its answer: so do we, a sync daemon would replicate
 * a flow created and deleted again).
 *
 * 1.4.7 keeps every parsed line in memory; we read the input twice, line
 * by line, so that memory stays flat whatever its size: a file is read
 * again from where it started, anything else (a pipe) is copied into an
 * unlinked temporary file on the first pass. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conntrack_modify.h"
#include "lib/err.h"
#include "lib/out.h"

#define LINE_MAX_BYTES	10240	/* upstream's fgets() buffer */
#define WORD_MAX	1024
#define ARGS_MAX	255	/* argv slots, argv[0] included */
#define READ_BUF	(64 * 1024)

struct line {
	const char *text;
	size_t len;
};

struct load {
	int fd;			/* what is read now */
	int spool;		/* the copy of a pipe, or -1 */
	off_t start;		/* where a seekable input started */
	char buf[READ_BUF];
	size_t pos, end;
	bool eof;
	/* tokenizer output, reused for every line */
	char words[LINE_MAX_BYTES + ARGS_MAX];
	char *argv[ARGS_MAX + 1];
	int argc;
};

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			ct_exit_error(OTHER_PROBLEM, "cannot keep a copy of the "
				      "input: %s", err_str(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* More bytes after the unread ones; false at the end (a read error ends
 * the input, as fgets() does). */
static bool fill(struct load *l)
{
	ssize_t r;

	if (l->eof)
		return false;
	if (l->pos) {
		memmove(l->buf, l->buf + l->pos, l->end - l->pos);
		l->end -= l->pos;
		l->pos = 0;
	}
	do
		r = read(l->fd, l->buf + l->end, sizeof(l->buf) - l->end);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		l->eof = true;
		return false;
	}
	if (l->spool >= 0 && l->fd != l->spool)
		write_all(l->spool, l->buf + l->end, (size_t)r);
	l->end += (size_t)r;
	return true;
}

/* The next piece fgets() with upstream's buffer returns: up to a newline
 * included, or LINE_MAX_BYTES - 1 bytes, or the rest. */
static bool next_piece(struct load *l, struct line *ln)
{
	const size_t max = LINE_MAX_BYTES - 1;

	for (;;) {
		size_t avail = l->end - l->pos;
		const char *nl = memchr(l->buf + l->pos, '\n',
					avail < max ? avail : max);

		if (nl || avail >= max || !fill(l)) {
			if (!avail)
				return false;
			ln->text = l->buf + l->pos;
			ln->len = nl ? (size_t)(nl - ln->text) + 1 :
				  (avail < max ? avail : max);
			l->pos += ln->len;
			return true;
		}
	}
}

/* The next line that is neither blank nor a comment. */
static bool next_line(struct load *l, struct line *ln)
{
	while (next_piece(l, ln)) {
		size_t i = 0;

		while (i < ln->len && (ln->text[i] == ' ' || ln->text[i] == '\t'))
			i++;
		if (i < ln->len && (ln->text[i] == '\n' || ln->text[i] == '#'))
			continue;
		ln->text += i;
		ln->len -= i;
		return true;
	}
	return false;
}

static void open_input(struct load *l, const char *name)
{
	const char *dir = getenv("TMPDIR");

	l->fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0)
		ct_exit_error(PARAMETER_PROBLEM,
			      "Failed to open file %s for reading", name);
	l->spool = -1;
	l->start = lseek(l->fd, 0, SEEK_CUR);
	if (l->start >= 0)
		return;
	if (!dir || !*dir)
		dir = "/tmp";
	l->spool = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (l->spool < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		/* a file system without O_TMPFILE: a named one, unlinked */
		char path[4096];

		if ((size_t)snprintf(path, sizeof(path), "%s/ctbox-R.XXXXXX",
				     dir) < sizeof(path)) {
			l->spool = mkostemp(path, O_CLOEXEC);
			if (l->spool >= 0)
				unlink(path);
		} else {
			errno = ENAMETOOLONG;
		}
	}
	if (l->spool < 0)
		ct_exit_error(OTHER_PROBLEM, "cannot keep a copy of the input "
			      "in %s: %s", dir, err_str(errno));
}

/* Back to the first byte for the second pass. */
static void rewind_input(struct load *l)
{
	int fd = l->spool >= 0 ? l->spool : l->fd;
	off_t at = l->spool >= 0 ? 0 : l->start;

	if (lseek(fd, at, SEEK_SET) < 0)
		ct_exit_error(OTHER_PROBLEM, "cannot read the input again: %s",
			      err_str(errno));
	l->fd = fd;
	l->pos = l->end = 0;
	l->eof = false;
}

/* iptables-restore's word rules, as conntrack 1.4.7 took them: blanks
 * separate words, '"' opens a quoted part in which '\' escapes the next
 * character and whose closing '"' ends the word.  A word is only taken
 * when a blank (or that closing quote) ends it. */
static void tokenize(struct load *l, const struct line *ln, const char *prog)
{
	const char *s = ln->text, *e = s + ln->len;
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

static bool runnable(const struct ct_cmd *cmd)
{
	switch (cmd->cmd) {
	case CMD_CREATE: case CMD_ADD: case CMD_UPDATE: case CMD_DELETE:
	case CMD_FLUSH:
		return cmd->table == TBL_CONNTRACK;
	default:
		return false;
	}
}

static void parse_line(struct load *l, const struct line *ln,
		       struct ct_cmd *cmd, const char *prog)
{
	tokenize(l, ln, prog);
	conntrack_parse(l->argc, l->argv, cmd);
}

int conntrack_load_file(int argc, char **argv)
{
	static struct load l;
	struct ct_sess *s;
	struct ct_cmd cmd;
	struct line ln;
	int bad = CMD_NONE;
	bool any_bad = false;

	(void)argc;
	open_input(&l, argv[2]);
	/* pass 1: everything parses, or nothing runs; then only commands
	 * that change the conntrack table */
	while (next_line(&l, &ln)) {
		parse_line(&l, &ln, &cmd, argv[0]);
		if (!any_bad && !runnable(&cmd)) {
			any_bad = true;
			bad = cmd.cmd;
		}
	}
	if (any_bad)
		ct_exit_error(PARAMETER_PROBLEM,
			      "Cannot use command `%s' with --load-file",
			      unsupported_name(bad));
	/* pass 2: run them in order */
	rewind_input(&l);
	s = ct_sess_get(true);
	while (next_line(&l, &ln)) {
		err_quiet(1);
		parse_line(&l, &ln, &cmd, argv[0]);
		err_quiet(0);
		switch (cmd.cmd) {
		case CMD_CREATE:
		case CMD_ADD:
			ct_do_create(&cmd, s);
			break;
		case CMD_UPDATE:
			ct_do_update(&cmd, s);
			break;
		case CMD_DELETE:
			ct_do_delete(&cmd, s);
			break;
		default:
			ct_do_flush(&cmd, s);
			break;
		}
	}
	ct_sess_close();
	if (l.fd > 0)
		close(l.fd);
	return 0;
}
