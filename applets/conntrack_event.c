/* conntrack -E and -E expect: print events as 1.4.7 does, without losing
 * them.
 *
 * What differs from 1.4.7 (on purpose):
 *  - the receive buffer is large by default (SO_RCVBUFFORCE), and -b sets
 *    the buffer of the event socket (1.4.7 sets an unused socket's);
 *  - the part of the filter the kernel can check runs there, as a BPF
 *    socket filter (netlink/bpf.c); everything is re-checked here;
 *  - no syscall per event: output is flushed per received batch (per
 *    event on a terminal), and the sender's program name
 *    ([USERSPACE] progname=) is looked up in /proc only with -o
 *    userspace, once per portid; the portid is always printed;
 *  - lost events are counted (SO_MEMINFO drops) and reported at exit;
 *  - --reliable: NETLINK_BROADCAST_ERROR + NETLINK_NO_ENOBUFS. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "conntrack_common.h"
#include "lib/err.h"
#include "lib/out.h"
#include "netlink/bpf.h"
#include "netlink/ct.h"
#include "netlink/exp.h"
#include "netlink/nl.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif
#define MEMINFO_DROPS	8	/* SK_MEMINFO_DROPS */
#define MEMINFO_VARS	9
#ifndef NETLINK_BROADCAST_ERROR
#define NETLINK_BROADCAST_ERROR 4
#endif
#ifndef NETLINK_NO_ENOBUFS
#define NETLINK_NO_ENOBUFS 5
#endif

/* Legacy group bits (nfnetlink_compat.h), as 1.4.7 binds them. */
#define GRP_CT_ALL	0x07u
#define GRP_EXP_ALL	0x38u

/* 1.4.7 leaves rmem_default (~208 KiB): a 200k burst loses most of it.
 * The kernel doubles this and charges only what is queued. */
#define EVENT_RCVBUF_DEFAULT	(32u << 20)
/* Look for a pending SIGINT/SIGTERM at least this often while the socket
 * never runs dry. */
#define SIGCHECK_EVERY	64

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* Sender names, once per portid: /proc is scanned only on a miss. */
#define PROG_CACHE	32

struct prog_cache {
	uint32_t portid[PROG_CACHE];
	bool known[PROG_CACHE];
	char name[PROG_CACHE][32];
	unsigned int next;
};

struct ev_ctx {
	struct ct_cmd *cmd;
	bool expect;
	struct ct_print_opts po;
	unsigned long shown;
	unsigned long bad;	/* messages we could not parse */
	bool xml_open;
	bool tty;
	struct prog_cache pc;
};

/* A row of /proc/net/netlink: sk Eth Pid Groups Rmem Wmem Dump Locks
 * Drops Inode, sk and Groups in hex.  By hand, not sscanf(): that one
 * call brought in libc's whole scanf and float parser. */
#define NL_COLS 10
static bool nl_row(const char *line, unsigned long col[NL_COLS])
{
	for (int i = 0; i < NL_COLS; i++) {
		char *end;

		col[i] = strtoul(line, &end, i == 0 || i == 3 ? 16 : 10);
		if (end == line)
			return false;
		line = end;
	}
	return true;
}

/* The inode of the netfilter netlink socket bound to portid. */
static unsigned long nl_inode(uint32_t portid)
{
	char line[256];
	unsigned long inode = 0;
	FILE *f = fopen("/proc/net/netlink", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long col[NL_COLS];

		if (!nl_row(line, col))
			continue;
		if (col[1] == NETLINK_NETFILTER && col[2] == portid) {
			inode = col[9];
			break;
		}
	}
	fclose(f);
	return inode;
}

static bool pid_has_socket(const char *pid, const char *want)
{
	char path[600], link[64];
	struct dirent *d;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd/%s", pid, d->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		found = strcmp(link, want) == 0;
	}
	closedir(dir);
	return found;
}

static bool comm_of(const char *pid, char *name, size_t size)
{
	char path[320];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, name, size - 1);
	close(fd);
	if (n <= 0)
		return false;
	name[n] = '\0';
	name[strcspn(name, "\n")] = '\0';
	return true;
}

static bool find_prog(uint32_t portid, char *name, size_t size)
{
	unsigned long inode = nl_inode(portid);
	char want[40];
	struct dirent *d;
	bool found = false;
	DIR *proc;

	if (!inode)
		return false;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	proc = opendir("/proc");
	if (!proc)
		return false;
	while (!found && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		if (pid_has_socket(d->d_name, want))
			found = comm_of(d->d_name, name, size);
	}
	closedir(proc);
	return found;
}

static const char *progname(struct prog_cache *pc, uint32_t portid)
{
	unsigned int i, slot;

	for (i = 0; i < PROG_CACHE; i++)
		if (pc->known[i] && pc->portid[i] == portid)
			return pc->name[i][0] ? pc->name[i] : NULL;
	slot = pc->next++ % PROG_CACHE;
	pc->portid[slot] = portid;
	pc->name[slot][0] = '\0';
	/* a sender already gone is not retried for every event */
	pc->known[slot] = true;
	if (!find_prog(portid, pc->name[slot], sizeof(pc->name[slot])))
		pc->name[slot][0] = '\0';
	return pc->name[slot][0] ? pc->name[slot] : NULL;
}

static void open_xml(struct ev_ctx *c)
{
	if (c->xml_open || !(c->po.flags & CT_OF_XML) ||
	    (c->po.flags & (CT_OF_SAVE | CT_OF_JSON)))
		return;
	ct_print_xml_header(out_stdout, c->expect ? "expect" : "conntrack");
	c->xml_open = true;
}

static int on_ct_event(const struct nlmsghdr *nlh, void *data)
{
	static const char *const save_prefix[] = {
		[CT_EV_NONE] = "-A", [CT_EV_NEW] = "-A",
		[CT_EV_UPDATE] = "-U", [CT_EV_DESTROY] = "-D",
	};
	struct ev_ctx *c = data;
	struct ct_cmd *cmd = c->cmd;
	enum ct_event ev = ct_nl_event(nlh);
	struct ct ct;

	if (ev == CT_EV_NONE || ct_nl_parse(nlh, &ct) < 0) {
		c->bad++;
		return 0;
	}
	if (cmd->family && ct.family != cmd->family)
		return 0;
	if (!ct_filter_match(&cmd->filter, &ct))
		return 0;
	open_xml(c);
	c->po.ev = ev;
	c->po.save_prefix = save_prefix[ev];
	c->po.portid = nlh->nlmsg_pid;
	c->po.progname = NULL;
	if (c->po.portid && (c->po.flags & CT_OF_USERSPACE))
		c->po.progname = progname(&c->pc, c->po.portid);
	if ((c->po.flags & CT_OF_SAVE) && !ct_save_supported(&ct)) {
		out_flush(out_stdout);
		say_err("WARNING: unsupported l3proto %u, skipping.", ct_l3(&ct));
	}
	ct_print(out_stdout, &ct, &c->po);
	c->shown++;
	if (c->tty)
		out_flush(out_stdout);
	return 0;
}

static int on_exp_event(const struct nlmsghdr *nlh, void *data)
{
	struct ev_ctx *c = data;
	enum ct_event ev = exp_nl_event(nlh);
	struct exp e;

	if (ev == CT_EV_NONE || exp_nl_parse(nlh, &e) < 0) {
		c->bad++;
		return 0;
	}
	open_xml(c);
	c->po.ev = ev;
	if (c->po.flags & CT_OF_JSON)
		exp_print_json(out_stdout, &e, &c->po);
	else if (c->po.flags & CT_OF_XML)
		exp_print_xml(out_stdout, &e, &c->po);
	else
		exp_print_text(out_stdout, &e, &c->po);
	c->shown++;
	if (c->tty)
		out_flush(out_stdout);
	return 0;
}

static uint32_t socket_drops(struct nl *nl, bool *ok)
{
	uint32_t mi[MEMINFO_VARS];
	socklen_t len = sizeof(mi);

	memset(mi, 0, sizeof(mi));
	*ok = getsockopt(nl_fd(nl), SOL_SOCKET, SO_MEMINFO, mi, &len) == 0 &&
	      len > MEMINFO_DROPS * sizeof(uint32_t);
	return *ok ? mi[MEMINFO_DROPS] : 0;
}

static void set_buffer(struct nl *nl, const struct ct_cmd *cmd)
{
	size_t got = 0;

	if (cmd->options & (1u << OPT_BUFFERSIZE)) {
		nl_set_rcvbuf(nl, cmd->bufsize, true, &got);
		out_flush(out_stdout);
		say_err("NOTICE: Netlink socket buffer size has been set to "
			"%zu bytes.", got);
		return;
	}
	nl_set_rcvbuf(nl, EVENT_RCVBUF_DEFAULT, true, NULL);
}

/* Let the kernel drop what it can prove we do not want.  A filter the
 * kernel refuses costs nothing but speed: user space checks anyway. */
static void set_bpf(struct nl *nl, const struct ct_cmd *cmd)
{
	struct ct_bpf_spec *spec = malloc(sizeof(*spec));
	struct ct_bpf_prog *prog = malloc(sizeof(*prog));

	if (spec && prog) {
		ct_bpf_from_filter(spec, &cmd->filter, cmd->family);
		if (!ct_bpf_is_empty(spec) && ct_bpf_compile(spec, prog) == 0)
			ct_bpf_attach(nl_fd(nl), prog);
	}
	free(spec);
	free(prog);
}

static void signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	/* blocked except while waiting in ppoll: no signal slips in
	 * between the check of got_signal and the wait */
	sigprocmask(SIG_BLOCK, &block, wait_mask);
	sigdelset(wait_mask, SIGINT);
	sigdelset(wait_mask, SIGTERM);
}

static bool signal_pending(void)
{
	sigset_t pend;

	if (got_signal)
		return true;
	if (sigpending(&pend) == 0 &&
	    (sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1)) {
		sigset_t one;
		int sig;

		sigemptyset(&one);
		sigaddset(&one, SIGINT);
		sigaddset(&one, SIGTERM);
		if (sigwait(&one, &sig) == 0)
			got_signal = sig;
	}
	return got_signal != 0;
}

static void enobufs_warning(void)
{
	out_flush(out_stdout);
	say_err("WARNING: We have hit ENOBUFS! We are losing events.\n"
		"This message means that the current netlink socket buffer "
		"size is too small.\n"
		"Please, check --buffer-size in conntrack(8) manpage.");
}

int ct_cmd_event(struct ct_cmd *cmd)
{
	struct ev_ctx c;
	struct nl *nl;
	struct pollfd pfd;
	sigset_t wait_mask;
	unsigned long overruns = 0, batches = 0;
	uint32_t drops0, drops;
	bool drops_ok;
	unsigned int groups;
	nl_msg_cb cb;

	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.expect = cmd->cmd == CMD_EXP_EVENT;
	ct_print_opts_init(&c.po, cmd);
	c.po.now_ns = 0;	/* the clock at print time, per event */
	c.tty = isatty(STDOUT_FILENO);
	if (c.expect) {
		groups = GRP_EXP_ALL;
		cb = on_exp_event;
	} else {
		groups = cmd->event_mask & GRP_CT_ALL;
		if (!groups)
			groups = GRP_CT_ALL;
		cb = on_ct_event;
	}
	signals(&wait_mask);
	nl = ct_open_nl(groups);
	set_buffer(nl, cmd);
	if (cmd->reliable) {
		nl_set_sockopt(nl, NETLINK_BROADCAST_ERROR, 1);
		nl_set_sockopt(nl, NETLINK_NO_ENOBUFS, 1);
	}
	if (!c.expect)
		set_bpf(nl, cmd);
	fcntl(nl_fd(nl), F_SETFL, fcntl(nl_fd(nl), F_GETFL) | O_NONBLOCK);
	drops0 = socket_drops(nl, &drops_ok);
	pfd.fd = nl_fd(nl);
	pfd.events = POLLIN;
	while (!got_signal) {
		int r = nl_recv_events(nl, cb, &c);

		if (r >= 0) {
			if (++batches % SIGCHECK_EVERY == 0 && signal_pending())
				break;
			continue;
		}
		if (r == -EAGAIN || r == -EWOULDBLOCK) {
			out_flush(out_stdout);
			if (signal_pending())
				break;
			ppoll(&pfd, 1, NULL, &wait_mask);
			continue;
		}
		if (r == -EINTR)
			continue;
		if (r == -ENOBUFS) {
			overruns++;
			enobufs_warning();
			continue;
		}
		out_flush(out_stdout);
		ct_exit_error(OTHER_PROBLEM, "failed to received netlink event: %s",
			      err_str(-r));
	}
	if (c.xml_open)
		ct_print_xml_footer(out_stdout, c.expect ? "expect" : "conntrack");
	out_flush(out_stdout);
	warn_msg("%lu %s events have been shown.", c.shown,
		 c.expect ? "expectation" : "flow");
	drops = socket_drops(nl, &drops_ok) - drops0;
	if (drops_ok && drops)
		warn_msg("WARNING: %u events were lost (%lu socket buffer "
			 "overruns).", drops, overruns);
	else if (overruns)
		warn_msg("WARNING: events were lost in %lu socket buffer "
			 "overruns (the kernel does not say how many).",
			 overruns);
	nl_close(nl);
	return 0;
}
