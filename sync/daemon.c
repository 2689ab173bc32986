/* conntrackd's core (see daemon.h): one epoll loop, no threads.
 *
 * Signals only set flags.  They are blocked everywhere but inside
 * epoll_pwait(), so one that arrives between the flag test and the wait
 * still wakes the wait: no race, no self-pipe. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "lib/err.h"
#include "lib/out.h"
#include "sync/cache.h"
#include "sync/ctl.h"
#include "sync/daemon.h"
#include "sync/evsrc.h"
#include "sync/log.h"
#include "sync/timer.h"

#define MAX_CHILDREN	32
#define EPOLL_BATCH	32

struct ctd ctd;

static pid_t children[MAX_CHILDREN];
static int lock_fd = -1;	/* the flock()ed lock file */
static struct timer watchdog;
static uint64_t watchdog_ms;
static bool realtime;		/* running at a real-time priority */

/* The loop's turns are milliseconds long: the clock in seconds is read
 * once a turn (turn_s), not once for every event that stamps an object.
 * 0 outside the loop (start-up, children): read each time. */
static uint32_t turn_s;

uint32_t ctd_now(void)
{
	return turn_s ? turn_s : (uint32_t)(timer_now_ms() / 1000);
}

int ctd_fd_add(struct ctd_fd *f)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = f };

	return epoll_ctl(ctd.epfd, EPOLL_CTL_ADD, f->fd, &ev) < 0 ? -errno : 0;
}

void ctd_fd_del(struct ctd_fd *f)
{
	epoll_ctl(ctd.epfd, EPOLL_CTL_DEL, f->fd, NULL);
}

void ctd_shutdown(void)
{
	ctd.quit = 1;
}

static void on_signal(int sig)
{
	if (sig == SIGCHLD)
		ctd.chld = 1;
	else if (sig == SIGHUP)
		ctd.hup = 1;
	else
		ctd.quit = 1;
}

/* The signals the loop waits for; SIGPIPE is ignored besides. */
static const int loop_signals[] = { SIGTERM, SIGINT, SIGCHLD, SIGHUP };
#define N_LOOP_SIGNALS	(sizeof(loop_signals) / sizeof(loop_signals[0]))

/* The loop's signals to handler h; their set in *set when set is given. */
static void set_handlers(void (*h)(int), sigset_t *set)
{
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sigemptyset(&sa.sa_mask);
	if (set)
		sigemptyset(set);
	for (i = 0; i < N_LOOP_SIGNALS; i++) {
		sigaction(loop_signals[i], &sa, NULL);
		if (set)
			sigaddset(set, loop_signals[i]);
	}
}

static int signals_setup(sigset_t *wait_mask)
{
	sigset_t block;

	set_handlers(on_signal, &block);
	signal(SIGPIPE, SIG_IGN);
	return sigprocmask(SIG_BLOCK, &block, wait_mask) < 0 ? -errno : 0;
}

/* The kernel call itself: musl's sched_setscheduler() only returns
 * ENOSYS (POSIX has it per process, Linux per thread). */
static int set_scheduler(int policy, int priority)
{
	struct sched_param p = { .sched_priority = priority };

	return (int)syscall(SYS_sched_setscheduler, 0, policy, &p);
}

/* A forked child is a plain process: SIGTERM ends it wherever it is
 * blocked, and it does not compete with the loop at real-time priority.
 * SIGPIPE stays ignored, so a vanished reader is a write error the child
 * can log rather than a silent death.  The lock belongs to the daemon,
 * not to a child that outlives it. */
static void child_reset(void)
{
	sigset_t none;

	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
	set_handlers(SIG_DFL, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (set_scheduler(SCHED_OTHER, 0) < 0)
		log_warn("dump child keeps the daemon's scheduling: %s",
			 err_str(errno));
}

int ctd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	size_t n;
	int fd, r = 0;

	if (!path || !*path || !ctd.conf->general.systemd)
		return 0;
	n = strlen(path);
	if (n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = 0;	/* abstract namespace */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void on_watchdog(void *data)
{
	(void)data;
	ctd_notify("WATCHDOG=1");
	timer_add(&watchdog, watchdog_ms);
}

/* WATCHDOG_USEC set (and meant for us): ping at half the interval. */
static void watchdog_setup(void)
{
	const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long us;
	char *end;

	if (!usec || !ctd.conf->general.systemd)
		return;
	if (pid && strtol(pid, NULL, 10) != (long)getpid())
		return;
	us = strtoull(usec, &end, 10);
	if (*end || us < 2000)
		return;
	watchdog_ms = us / 2000;
	timer_init(&watchdog, on_watchdog, NULL);
	timer_add(&watchdog, watchdog_ms);
}

int ctd_fork(void (*fn)(void *data), void *data)
{
	unsigned int i;
	pid_t pid;

	for (i = 0; i < MAX_CHILDREN && children[i]; i++)
		;
	if (i == MAX_CHILDREN)
		return -EAGAIN;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		child_reset();
		fn(data);
		_exit(0);
	}
	children[i] = pid;
	ctd.children++;
	return pid;
}

void ctd_print_children(struct out *o)
{
	unsigned int i;

	for (i = 0; i < MAX_CHILDREN; i++)
		if (children[i])
			out_printf(o, "PID=%d type=any\n", (int)children[i]);
}

static void reap(void)
{
	unsigned int i;
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < MAX_CHILDREN; i++)
			if (children[i] == pid) {
				children[i] = 0;
				ctd.children--;
			}
		if (WIFSIGNALED(st)) {
			ctd.rt.child_fail++;
			if (WTERMSIG(st) == SIGSEGV)
				ctd.rt.child_segv++;
			else
				ctd.rt.child_termsig++;
		} else if (WIFEXITED(st) && WEXITSTATUS(st)) {
			ctd.rt.child_fail++;
		}
	}
	if (pid < 0 && errno != ECHILD)
		ctd.rt.wait_fail++;
}

/* The lock file holds the daemon's pid under an flock() that dies with
 * the daemon.  1.4.7 only creates the file (O_EXCL) and refuses to start
 * while it exists, so a crash left it refusing until someone removed the
 * file; here a file nobody holds is stale and taken over, unless the
 * control socket answers (a daemon that does not flock, e.g. 1.4.7). */
static int lock_take(const struct conf_general *g)
{
	const char *path = g->lockfile;
	bool existed = false;
	char pid[24] = "";
	ssize_t n;
	int fd;

	fd = open(path, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		existed = true;
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		log_err("can't open lockfile `%s': %s", path, err_str(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			log_err("lockfile `%s' exists, perhaps conntrackd "
				"already running?", path);
		else
			log_err("can't lock lockfile `%s': %s", path,
				err_str(errno));
		close(fd);
		return -1;
	}
	if (existed) {
		int c = *g->unix_path ? ctl_connect(g->unix_path) : -1;

		if (c >= 0) {
			close(c);
			log_err("lockfile `%s' exists, perhaps conntrackd "
				"already running?", path);
			close(fd);
			return -1;
		}
		n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		log_warn("lockfile `%s' is stale (no process holds it%s%s): "
			 "taking it over", path, *pid ? ", last pid " : "",
			 pid);
	}
	lock_fd = fd;
	return 0;
}

/* Once the pid is final (after daemonize). */
static void lock_write_pid(void)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(lock_fd, 0) < 0 ||
	    pwrite(lock_fd, buf, (size_t)n, 0) != n)
		log_warn("can't write the pid to the lockfile: %s",
			 err_str(errno));
}

static void lock_release(const char *path)
{
	unlink(path);
	close(lock_fd);
	lock_fd = -1;
}

void ctd_sched_restore(void)
{
	const struct conf_general *g = &ctd.conf->general;

	set_scheduler(g->sched_policy, g->sched_priority);
}

static void scheduler_setup(const struct conf_general *g)
{
	if (set_scheduler(g->sched_policy, g->sched_priority) < 0)
		log_warn("scheduler configuration failed: %s",
			 err_str(errno));
	else
		realtime = g->sched_priority > 0;
}

/* The process systemd started names its successor (MAINPID) before it
 * exits; the child waits for that, so its READY=1 cannot come first. */
static int daemonize(void)
{
	int p[2], fd;
	char c;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid > 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "MAINPID=%d", (int)pid);
		ctd_notify(buf);
		_exit(0);
	}
	close(p[1]);
	while (read(p[0], &c, 1) < 0 && errno == EINTR)
		;
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		log_warn("can't change directory to /: %s", err_str(errno));
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	log_console(false);
	return 0;
}

/* A turn ended: its CPU time is what the thread used since the last one
 * ended (a thread asleep in epoll_pwait uses none). */
static void turn_end(uint64_t *last)
{
	uint64_t now = timer_cpu_ns(), d = now - *last;

	*last = now;
	ctd.turns.n++;
	if (d > ctd.turns.worst_ns)
		ctd.turns.worst_ns = d;
	if (d > CTD_TURN_LONG_NS)
		ctd.turns.over++;
}

/* A real-time daemon busy without a break (a kernel dump read in steps,
 * a bulk send: work is always ready) holds its CPU until the kernel's
 * share for normal tasks (since Linux 6.12 the fair server, 50 ms a
 * second) takes it away in one block, and -s waits those 50 ms.  A sleep
 * of BREAK_NS after every BUSY_NS without one hands that share out in
 * small pieces instead. */
#define BUSY_NS		(10 * 1000 * 1000)
#define BREAK_NS	(1000 * 1000)

static void take_break(uint64_t before_wait, uint64_t *busy_from)
{
	const struct timespec pause = { 0, BREAK_NS };
	uint64_t now = timer_now_ns();

	/* the wait slept: that was a break */
	if (now - before_wait >= BREAK_NS / 4 || !realtime) {
		*busy_from = now;
		return;
	}
	if (now - *busy_from < BUSY_NS)
		return;
	nanosleep(&pause, NULL);
	*busy_from = timer_now_ns();
}

/* Until asked to stop; with startup, only until the start-up dump of the
 * kernel table (read in steps, the control socket served) is in. */
static void loop(const sigset_t *wait_mask, bool startup)
{
	struct epoll_event ev[EPOLL_BATCH];
	/* the thread's clock starts again in a daemonized child */
	uint64_t last = timer_cpu_ns(), busy_from = timer_now_ns();

	while (!ctd.quit && (!startup || evsrc_busy())) {
		uint64_t t = timer_now_ns();
		int i, n;

		n = 0;
		if (ctd.mode->before_wait) {
			n = epoll_pwait(ctd.epfd, ev, EPOLL_BATCH, 0,
					wait_mask);
			if (n == 0)
				ctd.mode->before_wait();
		}
		if (n == 0)
			n = epoll_pwait(ctd.epfd, ev, EPOLL_BATCH,
					timer_next_ms(), wait_mask);
		take_break(t, &busy_from);
		turn_s = (uint32_t)(timer_now_ms() / 1000);
		if (n < 0) {
			if (errno != EINTR)
				ctd.rt.select_fail++;
			n = 0;
		}
		for (i = 0; i < n && !ctd.quit; i++) {
			struct ctd_fd *f = ev[i].data.ptr;

			f->fn(f, ev[i].events);
		}
		if (ctd.chld) {
			ctd.chld = 0;
			reap();
		}
		if (ctd.hup) {
			ctd.hup = 0;
			log_reopen();
			log_notice("log files reopened (SIGHUP)");
		}
		timer_run();
		if (ctd.mode->end_turn)
			ctd.mode->end_turn();
		turn_end(&last);
	}
	turn_s = 0;
}

int ctd_run(const struct conf *conf, bool daemon_mode)
{
	const struct conf_general *g = &conf->general;
	sigset_t wait_mask;
	int r;

	memset(&ctd, 0, sizeof(ctd));
	ctd.conf = conf;
	ctd.console = !daemon_mode;
	ctd.start = time(NULL);
	umask(0177);
	ctd.mode = conf->mode == CONF_MODE_SYNC ? &ctd_sync_mode :
					       &ctd_stats_mode;
	r = log_open(g->logfile, g->syslog_facility, true);
	if (r < 0) {
		log_err("can't open logfile `%s': %s", g->logfile,
			err_str(-r));
		return 1;
	}
	log_console(!daemon_mode);
	if (conf->mode_defaulted)
		log_notice("No running mode specified. Defaulting to "
			   "statistics mode.");
	if (lock_take(g) < 0) {
		log_close();
		return 1;
	}
	r = 1;
	if (signals_setup(&wait_mask) < 0)
		goto out_lock;
	scheduler_setup(g);
	ctd.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctd.epfd < 0) {
		log_err("can't create the event loop: %s", err_str(errno));
		goto out_lock;
	}
	/* the sync mode keeps its own caches */
	if (ctd.mode == &ctd_stats_mode)
		ctd.cache = cache_create(ctd.mode->name, g->hashsize,
					 g->hashlimit);
	if (ctd.mode == &ctd_stats_mode && !ctd.cache) {
		log_err("can't create the cache: %s", err_str(errno));
		goto out_epoll;
	}
	if (ctd.mode->init() < 0)
		goto out_cache;
	r = ctl_server_init(g->unix_path);
	if (r < 0) {
		log_err("can't open unix socket `%s': %s", g->unix_path,
			err_str(-r));
		r = 1;
		goto out_mode;
	}
	if (r == 1)
		log_warn("no UNIX { Path } configured: no control socket, "
			 "the daemon cannot be commanded");
	r = 1;
	if (evsrc_init() < 0)
		goto out_ctl;
	loop(&wait_mask, true);
	if (ctd.quit)
		goto stop;
	log_notice("initialization completed");
	if (daemon_mode) {
		if (daemonize() < 0)
			goto out_ev;
		log_notice("-- starting in daemon mode --");
	} else {
		log_notice("-- starting in console mode --");
	}
	lock_write_pid();
	ctd_notify("READY=1");
	watchdog_setup();
	loop(&wait_mask, false);
stop:
	log_notice("---- shutdown received ----");
	ctd_notify("STOPPING=1");
	r = 0;
out_ev:
	evsrc_fini();
out_ctl:
	ctl_server_fini();
out_mode:
	ctd.mode->fini();
out_cache:
	cache_destroy(ctd.cache);
	ctd.cache = NULL;
out_epoll:
	close(ctd.epfd);
out_lock:
	lock_release(g->lockfile);
	log_close();
	return r;
}
