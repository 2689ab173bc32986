/* sync/mode_ftfw: FT-FW plugged into stand-ins for the sync core's
 * services (sync/mode.h): references, sends with the core's sequence
 * numbers, the idle timer, RESYNC, counters and -s rsqueue in 1.4.7's
 * layout. */
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "lib/out.h"
#include "sync/ctl.h"
#include "sync/ftfw_proto.h"
#include "sync/mode.h"
#include "sync/mode_ftfw.h"
#include "t.h"

/* ---- the core, faked ------------------------------------------------ */
struct sobj {
	int refs;
	int id;
	struct ftfw_node ext;
};

static struct conf_sync conf;
static struct sync_counters counters;
static uint32_t next_seq = 1795527419u;
static uint64_t now_ms;
static int bulks, eagain, kicks;
static unsigned long nsent;
static uint64_t timer_in = ~0ull;
static struct sync_timer *armed;
static char sent[4096];
static size_t sent_len;

void *sobj_ext(struct sobj *o) { return &o->ext; }
struct sobj *sobj_of_ext(void *ext)
{
	return (struct sobj *)((char *)ext - offsetof(struct sobj, ext));
}
void sobj_get(struct sobj *o) { o->refs++; }
void sobj_put(struct sobj *o) { o->refs--; }
const struct conf_sync *sync_conf(void) { return &conf; }
uint64_t sync_now_ms(void) { return now_ms; }
struct sync_counters *sync_counters(void) { return &counters; }
void sync_bulk_start(void) { bulks++; }
void sync_core_kick(void) { kicks++; }
bool sync_bulk_busy(void) { return false; }
void sync_timer_add(struct sync_timer *t, uint64_t ms)
{
	armed = t;
	timer_in = ms;
}
void sync_timer_del(struct sync_timer *t)
{
	(void)t;
	armed = NULL;
}

static void log_sent(const char *fmt, unsigned int a, unsigned int b,
		     unsigned int c, unsigned int d)
{
	nsent++;
	if (sent_len + 64 > sizeof(sent))
		return;		/* counted only */
	sent_len += (size_t)snprintf(sent + sent_len, sizeof(sent) - sent_len,
				     fmt, a, b, c, d);
}

int sync_send_obj(struct sobj *o, uint8_t flags, uint32_t *seq)
{
	if (eagain)
		return -EAGAIN;
	log_sent("obj%u f%u s%u%.0u;", (unsigned int)o->id, flags, next_seq, 0);
	*seq = next_seq++;
	return 0;
}

int sync_send_ctl(uint8_t flags, uint32_t from, uint32_t to, uint32_t *seq)
{
	if (eagain)
		return -EAGAIN;
	log_sent("ctl f%u s%u %u-%u;", flags, next_seq, from, to);
	*seq = next_seq++;
	return 0;
}

static enum sync_rx rx(uint8_t flags, uint32_t seq, uint32_t from,
		       uint32_t to)
{
	struct wire_msg m = { .version = 1, .type = WIRE_T_CTL,
			      .flags = flags, .seq = seq, .from = from,
			      .to = to, .len = 16 };

	return sync_mode_ftfw.rx(&m, 0);
}

static const char *rsqueue(void)
{
	static char buf[OUT_BUF_SIZE];
	struct out o;

	out_init(&o, -1, buf, sizeof(buf));
	CHECK(sync_mode_ftfw.on_request(CTL_STATS_RSQUEUE, &o),
	      "-s rsqueue answered by the mode");
	buf[o.len] = 0;
	return buf;
}

int main(void)
{
	static struct sobj obj[3];
	const struct sync_mode *m = &sync_mode_ftfw;
	unsigned int cur, max;
	uint64_t enospc;
	struct out o;
	char b[16];
	int i;

	conf.resend_queue_size = 2;
	conf.ack_window_size = 300;
	CHECK(m->ext_size >= sizeof(struct ftfw_node) && m->init() == 0,
	      "init; the extension area holds the node");
	CHECK(armed && timer_in == FTFW_ALIVE_MS, "the 1 s idle timer is armed");
	for (i = 0; i < 3; i++)
		obj[i].id = i;		/* zeroed ext = an unqueued node */
	m->on_local(&obj[0], SYNC_EV_NEW);
	m->on_local(&obj[1], SYNC_EV_NEW);
	m->on_local(&obj[1], SYNC_EV_UPD);	/* coalesces */
	CHECK(obj[0].refs == 1 && obj[1].refs == 1,
	      "a queued object holds one reference");
	now_ms = 10;
	m->flush();
	CHECK_STR(sent, "obj0 f32 s1795527419;obj1 f32 s1795527420;",
		  "sent with HELLO and the core's seqs, one message per object");
	CHECK_STR(rsqueue(), "resent queue (len=2)\nobject -> seq:1795527419\n"
		  "object -> seq:1795527420\n", "-s rsqueue: two objects");
	/* the peer's HELLO_BACK; its ACK(…19, …19) releases obj0 */
	CHECK(rx(WIRE_F_ACK | WIRE_F_HELLO_BACK | WIRE_F_HELLO, 500,
		 1795527419u, 1795527419u) == SYNC_RX_CTL,
	      "ACK|HELLO|HELLO_BACK: a control message");
	CHECK(obj[0].refs == 0 && obj[1].refs == 0,
	      "the peer's HELLO empties the whole rsqueue: both released");
	sent_len = 0;
	sent[0] = 0;
	now_ms = 1010;
	armed->fn(armed);		/* the idle timer */
	m->flush();
	CHECK_STR(sent, "ctl f72 s1795527421 500-500;",
		  "timer: ACK(500,500) with HELLO_BACK, no more HELLO");
	CHECK_STR(rsqueue(), "resent queue (len=1)\n"
		  "control -> seq:1795527421 flags:72\n",
		  "-s rsqueue: 'control -> seq:… flags:…' (flags as sent)");
	CHECK(mode_ftfw_qnodes() == 1 && m->txq_len() == 0,
	      "-s queue: one allocated node (the ACK), txqueue empty");
	/* overflow: ResendQueueSize 2 */
	m->on_local(&obj[0], SYNC_EV_UPD);
	m->on_local(&obj[1], SYNC_EV_UPD);
	m->on_local(&obj[2], SYNC_EV_DEL);
	m->flush();
	mode_ftfw_rsqueue_stats(&cur, &max, &enospc);
	CHECK(cur == 2 && max == 2 && enospc == 2 && obj[0].refs == 0 &&
	      obj[1].refs == 1 && obj[2].refs == 1,
	      "ResendQueueSize 2: the ACK and obj0 dropped, counted twice");
	/* a gap from the peer: counters move in the core's */
	CHECK(rx(WIRE_F_ALIVE, 505, 0, 0) == SYNC_RX_CTL &&
	      counters.rcv_lost == 505 - 500 + 1,
	      "a gap counts 'Packets lost' (1.4.7's formula) in the core");
	CHECK(rx(WIRE_F_ALIVE, 503, 0, 0) == SYNC_RX_DROP &&
	      counters.rcv_before == 1, "an old seq: dropped, 'Packets before'");
	/* RESYNC from the peer starts a bulk send */
	CHECK(rx(WIRE_F_RESYNC, 506, 0, 0) == SYNC_RX_CTL && bulks == 1,
	      "RESYNC: bulk send started");
	m->on_bulk(&obj[0]);
	CHECK(obj[0].refs == 1, "a bulk object is queued (and held)");
	/* -EAGAIN keeps everything queued */
	eagain = 1;
	sent_len = 0;
	sent[0] = 0;
	m->request_resync();
	m->flush();
	CHECK(sent[0] == 0 && obj[0].refs == 1, "EAGAIN: nothing sent, kept");
	eagain = 0;
	m->flush();
	CHECK(strstr(sent, "ctl f4 s") && strstr(sent, " 501-504;") &&
	      strstr(sent, "obj0 f0") && strstr(sent, "ctl f2 s"),
	      "then: NACK(501..504), obj0, RESYNC (%s)", sent);
	/* a whole queue to send goes over several turns */
	{
		static struct sobj many[3000];
		unsigned long before;

		for (i = 0; i < 3000; i++) {
			many[i].id = 100 + i;
			m->on_bulk(&many[i]);
		}
		before = nsent;
		kicks = 0;
		m->flush();
		CHECK(nsent - before == 2048 && kicks == 1,
		      "3000 queued: one turn sends 2048 and asks for another "
		      "(%lu sent, %d kicks)", nsent - before, kicks);
		m->flush();
		/* 3001: the RESYNC asked above was never answered here, and
		 * the mode asks for it again (see the resync tests) */
		CHECK((nsent - before == 3000 || nsent - before == 3001) &&
		      kicks == 1 && m->txq_len() == 0,
		      "the next turn sends the other 952 (%lu sent)",
		      nsent - before);
	}
	CHECK(!m->on_request(CTL_STATS_NETWORK, (out_init(&o, -1, b,
							   sizeof(b)), &o)),
	      "other requests are the core's");
	m->fini();
	for (i = 0; i < 3; i++)
		CHECK_EQ(obj[i].refs, 0, "fini released obj%d", i);
	T_DONE();
}
