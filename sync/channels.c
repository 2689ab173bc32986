/* The channel set and its failover (see channels.h). */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "netlink/link.h"
#include "sync/channels.h"

struct chans {
	unsigned int n;
	int cur;
	struct chan *c[CONF_MAX_CHANNELS];
	unsigned int flags[CONF_MAX_CHANNELS];
	struct link_watch *lw;
	chans_switch_cb cb;
	void *cb_data;
	unsigned char *pack;		/* the datagram being filled */
	size_t packlen;
	bool pack_aged;			/* it outlived a turn's end */
};

struct chans *chans_open(const struct conf_sync *s, chans_switch_cb cb,
			 void *data, int *failed)
{
	struct chans *set;
	unsigned int i;
	int e;

	if (failed)
		*failed = -1;
	if (!s->nchannels || s->nchannels > CONF_MAX_CHANNELS) {
		errno = EINVAL;
		return NULL;
	}
	set = calloc(1, sizeof(*set));
	if (!set)
		return NULL;
	set->cb = cb;
	set->cb_data = data;
	set->pack = malloc(CHAN_RECV_MAX);
	if (!set->pack)
		goto fail;
	for (i = 0; i < s->nchannels; i++) {
		set->c[i] = chan_open(&s->channel[i], s->error_queue_length);
		if (!set->c[i]) {
			if (failed)
				*failed = (int)i;
			goto fail;
		}
		set->n++;
		set->flags[i] = chan_if_flags(chan_ifname(set->c[i]));
	}
	set->cur = s->default_channel < set->n ? (int)s->default_channel : 0;
	set->lw = link_watch_open();
	if (!set->lw)
		goto fail;
	return set;
fail:
	e = errno;
	chans_close(set);
	errno = e;
	return NULL;
}

void chans_close(struct chans *set)
{
	unsigned int i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		chan_close(set->c[i]);
	link_watch_close(set->lw);
	free(set->pack);
	free(set);
}

unsigned int chans_count(const struct chans *set)
{
	return set->n;
}

struct chan *chans_get(const struct chans *set, unsigned int i)
{
	return i < set->n ? set->c[i] : NULL;
}

int chans_current(const struct chans *set)
{
	return set->cur;
}

unsigned int chans_ifflags(const struct chans *set, unsigned int i)
{
	return i < set->n ? set->flags[i] : 0;
}

void chans_set_current(struct chans *set, unsigned int i)
{
	int from = set->cur;

	if (i >= set->n || (int)i == from)
		return;
	set->cur = (int)i;
	if (set->cb)
		set->cb(set->cb_data, from, (int)i);
}

int chans_link_fd(const struct chans *set)
{
	return link_watch_fd(set->lw);
}

static void on_link(void *data, int ifindex, unsigned int flags, bool gone)
{
	struct chans *set = data;
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (chan_ifindex(set->c[i]) == ifindex)
			set->flags[i] = gone ? 0 : flags;
}

static bool usable(unsigned int flags)
{
	return (flags & IFF_UP) && (flags & IFF_RUNNING);
}

/* 1.4.7's candidate rule: IFF_UP or IFF_RUNNING is enough, so a link
 * that is up without carrier may take over. */
static void fail_over(struct chans *set)
{
	int cur_if = chan_ifindex(set->c[set->cur]);
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		if (chan_ifindex(set->c[i]) == cur_if)
			continue;
		if (set->flags[i] & (IFF_UP | IFF_RUNNING)) {
			chans_set_current(set, i);
			return;
		}
	}
	if (set->cb)
		set->cb(set->cb_data, set->cur, -1);
}

int chans_link_process(struct chans *set)
{
	unsigned int i;
	int r = link_watch_read(set->lw, on_link, set);

	if (r == -ENOBUFS) {
		/* changes were lost: ask for the flags themselves */
		for (i = 0; i < set->n; i++)
			set->flags[i] = chan_if_flags(chan_ifname(set->c[i]));
		r = 0;
	}
	if (!usable(set->flags[set->cur]))
		fail_over(set);
	return r;
}

int chans_send(struct chans *set, const void *buf, size_t len)
{
	return chan_send(set->c[set->cur], buf, len);
}

int chans_flush(struct chans *set)
{
	int r;

	if (!set->packlen)
		return 0;
	r = chans_send(set, set->pack, set->packlen);
	if (r == -EAGAIN)
		return r;
	/* sent, or refused for good (counted by the channel) */
	set->packlen = 0;
	set->pack_aged = false;
	return r;
}

int chans_flush_aged(struct chans *set)
{
	if (!set->packlen)
		return 0;
	if (!set->pack_aged) {
		set->pack_aged = true;
		return 0;
	}
	return chans_flush(set);
}

int chans_put(struct chans *set, const void *msg, size_t len)
{
	size_t room = chan_mtu(set->c[set->cur]);
	int r;

	if (len > CHAN_RECV_MAX)
		return -EMSGSIZE;
	if (set->packlen && set->packlen + len >= room) {
		r = chans_flush(set);
		if (r == -EAGAIN)
			return r;
	}
	memcpy(set->pack + set->packlen, msg, len);
	set->packlen += len;
	/* a message that fills the room alone leaves at once */
	if (set->packlen >= room)
		chans_flush(set);
	return 0;
}

void chans_print_stats(const struct chans *set, struct out *o)
{
	chan_print_stats(set->c[set->cur], o);
}

void chans_print_link(const struct chans *set, struct out *o)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		chan_print_link(set->c[i], o, set->flags[i],
				(int)i == set->cur);
}
