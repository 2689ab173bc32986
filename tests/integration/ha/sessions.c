/*
 * ha_sessions: long-lived TCP sessions for the HA failover harness
 * (tests/integration/ha/ha_lib.sh).  Both ends talk on their own, as a
 * shell or a stream does, so that a firewall that lost a flow's state
 * sees packets from either side:
 *
 *   ha_sessions server ADDR PORT
 *	accepts any number of sessions; echoes each "c SEQ" line as
 *	"e SEQ" and sends "s SEQ" on every session every 100 ms.
 *   ha_sessions client ADDR PORT N STATEFILE [DEAD_AFTER_MS]
 *	opens N sessions, sends "c SEQ" on each every 100 ms, reads what
 *	comes back.  A session dies on RST, EOF, any socket error, a
 *	connect that does not complete in 5 s, or DEAD_AFTER_MS (default
 *	30000) without receiving anything.  STATEFILE is rewritten every
 *	200 ms and at exit (SIGTERM/SIGINT end the client); the same text
 *	goes to stdout at exit.
 *
 * STATEFILE: a summary line, then one line per session:
 *   t_ms=T n=N established=E alive=A flowing=F dead=D maxgap_ms=G
 *   sess I state=alive|dead|connecting reason=R rx=L echo=E srv=S gap_ms=G idle_ms=I
 * "flowing" = alive and something received in the last 1000 ms; gap_ms =
 * the longest silence between two receptions (or since the last one, if
 * longer), idle_ms = time since the last reception.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 100
#define CONNECT_MS 5000
#define FLOWING_MS 1000
#define MAX_SESS 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int parse_addr(const char *addr, const char *port, struct sockaddr_in *sa)
{
	char *end;
	long p = strtol(port, &end, 10);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (*end || p <= 0 || p > 65535 || inet_pton(AF_INET, addr, &sa->sin_addr) != 1)
		return -1;
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

static void tune(int fd)
{
	int one = 1;

	/* one line, one segment: a gap is then a gap on the wire */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Write all of LEN or nothing useful: 1 sent, 0 would block, -errno. */
static int send_line(int fd, const char *buf, size_t len)
{
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

	if (n == (ssize_t)len)
		return 1;
	if (n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;	/* a partial line only delays the stream */
	return -errno;
}

/* ---- server ---- */

struct srv_conn {
	int fd;
	char line[64];
	size_t len;
};

static int serve_input(struct srv_conn *c)
{
	char buf[4096], out[80];
	ssize_t n = recv(c->fd, buf, sizeof(buf), 0);

	if (n == 0)
		return -1;
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (c->len < sizeof(c->line) - 1)
				c->line[c->len++] = buf[i];
			continue;
		}
		c->line[c->len] = '\0';
		if (c->line[0] == 'c') {
			int m = snprintf(out, sizeof(out), "e%s\n", c->line + 1);

			if (send_line(c->fd, out, (size_t)m) < 0)
				return -1;
		}
		c->len = 0;
	}
	return 0;
}

static int run_server(const struct sockaddr_in *sa)
{
	static struct srv_conn conns[MAX_SESS];
	static struct pollfd pfd[MAX_SESS + 1];
	int lfd, one = 1, nconn = 0;
	unsigned long seq = 0;
	int64_t next = now_ms() + TICK_MS;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (const struct sockaddr *)sa, sizeof(*sa)) || listen(lfd, 1024)) {
		perror("ha_sessions server");
		return 1;
	}
	fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
	while (!stop) {
		int64_t t = now_ms();
		int wait = next > t ? (int)(next - t) : 0;

		pfd[0] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (int i = 0; i < nconn; i++)
			pfd[i + 1] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)nconn + 1, wait) < 0 && errno != EINTR)
			break;
		for (int i = nconn - 1; i >= 0; i--) {
			if (!pfd[i + 1].revents || serve_input(&conns[i]) == 0)
				continue;
			close(conns[i].fd);
			conns[i] = conns[--nconn];
		}
		if (pfd[0].revents & POLLIN) {
			int fd;

			while ((fd = accept(lfd, NULL, NULL)) >= 0) {
				if (nconn == MAX_SESS) {
					close(fd);
					continue;
				}
				tune(fd);
				conns[nconn++] = (struct srv_conn){ .fd = fd };
			}
		}
		if (now_ms() >= next) {
			char out[32];
			int m = snprintf(out, sizeof(out), "s %lu\n", ++seq);

			for (int i = nconn - 1; i >= 0; i--) {
				if (send_line(conns[i].fd, out, (size_t)m) >= 0)
					continue;
				close(conns[i].fd);
				conns[i] = conns[--nconn];
			}
			next += TICK_MS;
			if (next < now_ms())
				next = now_ms() + TICK_MS;
		}
	}
	for (int i = 0; i < nconn; i++)
		close(conns[i].fd);
	close(lfd);
	return 0;
}

/* ---- client ---- */

enum sess_state { CONNECTING, ALIVE, DEAD };

struct sess {
	int fd;
	enum sess_state state;
	const char *reason;
	int64_t start, last_rx, end;
	int64_t gap;
	unsigned long rx, echo, srv, seq;
	int at_line_start;
};

static void sess_kill(struct sess *s, const char *reason, int64_t t)
{
	if (s->state == DEAD)
		return;
	s->state = DEAD;
	s->reason = reason;
	s->end = t;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static const char *err_reason(int err)
{
	switch (err) {
	case ECONNRESET: return "rst";
	case ECONNREFUSED: return "refused";
	case ETIMEDOUT: return "timeout";
	case EHOSTUNREACH: case ENETUNREACH: return "unreachable";
	case EPIPE: return "pipe";
	default: return "error";
	}
}

static void sess_read(struct sess *s, int64_t t)
{
	char buf[4096];
	ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

	if (n == 0) {
		sess_kill(s, "eof", t);
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			sess_kill(s, err_reason(errno), t);
		return;
	}
	if (s->last_rx && t - s->last_rx > s->gap)
		s->gap = t - s->last_rx;
	s->last_rx = t;
	for (ssize_t i = 0; i < n; i++) {
		if (s->at_line_start) {
			if (buf[i] == 'e')
				s->echo++;
			else if (buf[i] == 's')
				s->srv++;
		}
		s->at_line_start = buf[i] == '\n';
		if (s->at_line_start)
			s->rx++;
	}
}

static void sess_connected(struct sess *s, int64_t t)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		sess_kill(s, err_reason(err ? err : errno), t);
		return;
	}
	s->state = ALIVE;
	s->last_rx = t;	/* the silence is measured from the handshake on */
}

static void sess_tick(struct sess *s, int64_t t, int64_t dead_after)
{
	char out[32];
	int m, r;

	if (s->state == CONNECTING && t - s->start > CONNECT_MS)
		sess_kill(s, "connect", t);
	if (s->state != ALIVE)
		return;
	if (t - s->last_rx > dead_after) {
		sess_kill(s, "silent", t);
		return;
	}
	m = snprintf(out, sizeof(out), "c %lu\n", ++s->seq);
	r = send_line(s->fd, out, (size_t)m);
	if (r < 0)
		sess_kill(s, err_reason(-r), t);
}

static int64_t sess_gap(const struct sess *s, int64_t t)
{
	int64_t until = s->state == DEAD ? s->end : t;

	if (s->state == CONNECTING || !s->last_rx)
		return 0;
	return until - s->last_rx > s->gap ? until - s->last_rx : s->gap;
}

static const char *state_name(const struct sess *s)
{
	return s->state == ALIVE ? "alive" : s->state == DEAD ? "dead" : "connecting";
}

static int report(FILE *f, const struct sess *ss, int n, int64_t t0, int64_t t)
{
	int est = 0, alive = 0, flowing = 0, dead = 0;
	int64_t maxgap = 0;

	for (int i = 0; i < n; i++) {
		const struct sess *s = &ss[i];

		if (s->last_rx)
			est++;
		if (s->state == ALIVE) {
			alive++;
			if (t - s->last_rx < FLOWING_MS)
				flowing++;
		}
		if (s->state == DEAD)
			dead++;
		if (sess_gap(s, t) > maxgap)
			maxgap = sess_gap(s, t);
	}
	fprintf(f, "t_ms=%lld n=%d established=%d alive=%d flowing=%d dead=%d maxgap_ms=%lld\n",
		(long long)(t - t0), n, est, alive, flowing, dead, (long long)maxgap);
	for (int i = 0; i < n; i++) {
		const struct sess *s = &ss[i];

		fprintf(f, "sess %d state=%s reason=%s rx=%lu echo=%lu srv=%lu gap_ms=%lld idle_ms=%lld\n",
			i, state_name(s), s->reason ? s->reason : "-", s->rx, s->echo, s->srv,
			(long long)sess_gap(s, t),
			(long long)(s->last_rx ? (s->state == DEAD ? s->end : t) - s->last_rx : -1));
	}
	return ferror(f) ? -1 : 0;
}

static int write_state(const char *path, const struct sess *ss, int n, int64_t t0)
{
	char tmp[4096];
	FILE *f;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	rc = report(f, ss, n, t0, now_ms());
	if (fclose(f) || rc)
		return -1;
	return rename(tmp, path);
}

static int run_client(const struct sockaddr_in *sa, int n, const char *state, int64_t dead_after)
{
	static struct pollfd pfd[MAX_SESS];
	static int idx[MAX_SESS];
	struct sess *ss = calloc((size_t)n, sizeof(*ss));
	int64_t t0 = now_ms(), next = t0 + TICK_MS, next_state = t0;

	if (!ss) {
		perror("ha_sessions client");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		struct sess *s = &ss[i];

		s->at_line_start = 1;
		s->start = now_ms();
		s->fd = socket(AF_INET, SOCK_STREAM, 0);
		if (s->fd < 0) {
			sess_kill(s, "socket", s->start);
			continue;
		}
		tune(s->fd);
		if (connect(s->fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			sess_connected(s, s->start);
		else if (errno != EINPROGRESS)
			sess_kill(s, err_reason(errno), s->start);
	}
	while (!stop) {
		int64_t t = now_ms();
		int m = 0, wait = next > t ? (int)(next - t) : 0;

		for (int i = 0; i < n; i++) {
			if (ss[i].state == DEAD)
				continue;
			pfd[m] = (struct pollfd){ .fd = ss[i].fd,
				.events = ss[i].state == CONNECTING ? POLLOUT : POLLIN };
			idx[m++] = i;
		}
		if (poll(pfd, (nfds_t)m, wait) < 0 && errno != EINTR)
			break;
		t = now_ms();
		for (int k = 0; k < m; k++) {
			struct sess *s = &ss[idx[k]];

			if (!pfd[k].revents)
				continue;
			if (s->state == CONNECTING)
				sess_connected(s, t);
			else
				sess_read(s, t);
		}
		if (t >= next) {
			for (int i = 0; i < n; i++)
				sess_tick(&ss[i], t, dead_after);
			next += TICK_MS;
			if (next < t)
				next = t + TICK_MS;
		}
		if (t >= next_state) {
			if (write_state(state, ss, n, t0))
				fprintf(stderr, "ha_sessions: cannot write %s: %s\n", state, strerror(errno));
			next_state = t + 200;
		}
	}
	int rc = write_state(state, ss, n, t0) || report(stdout, ss, n, t0, now_ms()) ? 1 : 0;

	for (int i = 0; i < n; i++)
		if (ss[i].fd >= 0)
			close(ss[i].fd);
	free(ss);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: ha_sessions server ADDR PORT\n"
		"       ha_sessions client ADDR PORT N STATEFILE [DEAD_AFTER_MS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct sigaction act = { .sa_handler = on_signal };

	if (argc < 4 || parse_addr(argv[2], argv[3], &sa))
		return usage();
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(argv[1], "server") && argc == 4)
		return run_server(&sa);
	if (!strcmp(argv[1], "client") && (argc == 6 || argc == 7)) {
		char *end;
		long n = strtol(argv[4], &end, 10);
		long dead = argc == 7 ? strtol(argv[6], NULL, 10) : 30000;

		if (*end || n < 1 || n > MAX_SESS || dead < 1)
			return usage();
		return run_client(&sa, (int)n, argv[5], dead);
	}
	return usage();
}
