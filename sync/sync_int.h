/* What the files of the sync core share (sync.c: events, receive, the
 * end of a loop turn; sync_ext.c: the external cache; sync_ctl.c: the
 * control requests).  Not for modes: they see sync/mode.h only. */
#ifndef CTBOX_SYNC_SYNC_INT_H
#define CTBOX_SYNC_SYNC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "config/conf.h"
#include "sync/daemon.h"
#include "sync/mode.h"
#include "sync/timer.h"
#include "sync/wheel.h"
#include "sync/wire.h"

struct chans;
struct scache;
struct nl;
struct out;

enum {
	SC_INT_CT,
	SC_INT_EXP,
	SC_EXT_CT,
	SC_EXT_EXP,
	SC_NCACHES
};
#define SC_F_INT	(1u << SC_INT_CT | 1u << SC_INT_EXP)
#define SC_F_EXT	(1u << SC_EXT_CT | 1u << SC_EXT_EXP)

/* "internal bypass" / "external inject" counters */
struct sync_bypass {
	uint32_t new_, upd, del;
};
struct sync_inject {
	uint32_t add_ok, add_fail, upd_ok, upd_fail, del_ok, del_fail;
};

struct sync_core {
	const struct conf_sync *cs;
	const struct sync_mode *m;
	bool mode_up;
	bool kernel_bulk;	/* the dump entry is a bulk send's */
	bool purging;		/* a purging dump is being read */
	bool sweep;		/* its sweep goes on, sweep_cur */
	uint64_t sweep_cur;
	uint32_t gen;		/* of the last purging dump */
	bool startup_resync;
	struct scache *cache[SC_NCACHES];	/* NULL when disabled */
	struct chans *chans;
	struct ctd_fd chan_fd[CONF_MAX_CHANNELS];
	struct ctd_fd link_fd;
	struct wheel wheel;
	struct timer wake;	/* wakes the loop for the wheel and steps */
	struct sync_counters cnt;
	struct wire_opts wopts;
	uint32_t seq;		/* of the next message sent */
	uint32_t last_seq;
	bool seq_set;
	int bulk;		/* 0 none, 1 ct, 2 exp */
	uint64_t bulk_cur;
	unsigned int flushing;	/* 1 << SC_* being flushed */
	int flush_client;	/* -f's connection, closed at the end */
	struct sync_bypass bypass;
	struct sync_inject inject;
	struct nl *inj;		/* DisableExternalCache */
	/* buffers last: sync_init() zeroes what comes before msg */
	uint8_t msg[WIRE_MSG_MAX];
	uint8_t rx[WIRE_RECV_MAX];
};

extern struct sync_core sc;

void sync_fini_core(void);
/* which: SC_F_*; client: a connection answered at the end, or -1 */
void sync_flush_cache(unsigned int which, int client);

/* sync_ext.c */
int ext_init(void);
void ext_fini(void);
void ext_apply_ct(uint8_t type, const struct ct *ct);
void ext_apply_exp(uint8_t type, const struct exp *e);
/* DisableExternalCache: the messages applied since the last call go to
 * the kernel now (at the end of each datagram). */
void ext_inject_end(void);
void ext_forget(struct sobj *o);
/* ALARM's external cache: " [expires in Ns]" (-1: no timer) */
long ext_expires_in(struct sobj *o);

/* sync_ctl.c */
bool sync_request(int code, struct out *o, int fd);
void sync_commit_step(void);
bool sync_commit_busy(void);
void sync_commit_fini(void);

#endif
