/* The channel set of the Sync section: up to four channels of one kind,
 * one of them active, and failover on link state as 1.4.7 does it
 * (multichannel.c and the interface handler of sync-mode.c):
 *  - the active channel is the Default one, else the first;
 *  - everything is sent on the active channel only, every channel is
 *    read all the time, and a valid message received on a channel makes
 *    it the active one (chans_set_current(), called by the receiver
 *    once it has checked the message), so a node follows its peer;
 *  - when the active channel's interface is not both IFF_UP and
 *    IFF_RUNNING, the channels are scanned in configuration order,
 *    skipping the active one, and the first whose interface has IFF_UP or
 *    IFF_RUNNING becomes active ("device `X' becomes dedicated link");
 *    with none, the active one stays ("no dedicated links available!").
 * Link state comes from an rtnetlink watcher (netlink/link.c).
 *
 * Sync messages are packed into datagrams as 1.4.7 packs them: appended
 * while the datagram stays strictly below the channel's MTU room, sent
 * when the next one would not fit.  A datagram not yet full goes when the
 * daemon is about to wait (chans_flush()) or once it has waited through
 * one busy loop turn (chans_flush_aged()): under a stream of events the
 * next turn fills it, and the sender (whose CPU also carries the
 * datagram's delivery on a local link) sends a fifth fewer datagrams. */
#ifndef CTBOX_SYNC_CHANNELS_H
#define CTBOX_SYNC_CHANNELS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "sync/channel.h"

struct chans;
struct out;

/* The active channel changed (to >= 0) or none could take over (to -1):
 * the daemon logs 1.4.7's message. */
typedef void (*chans_switch_cb)(void *data, int from, int to);

/* Open every channel of s and the link watcher.  NULL with errno; when a
 * channel could not be opened, *failed (if not NULL) is its index, else
 * -1. */
struct chans *chans_open(const struct conf_sync *s, chans_switch_cb cb,
			 void *data, int *failed);
void chans_close(struct chans *set);

unsigned int chans_count(const struct chans *set);
struct chan *chans_get(const struct chans *set, unsigned int i);
int chans_current(const struct chans *set);
void chans_set_current(struct chans *set, unsigned int i);
/* IFF_* flags last seen for channel i's interface. */
unsigned int chans_ifflags(const struct chans *set, unsigned int i);

/* The link watcher's fd for the loop (EPOLLIN), and its handler: reads
 * the changes and fails over when the active link went down. */
int chans_link_fd(const struct chans *set);
int chans_link_process(struct chans *set);

/* Append one sync message to the active channel's datagram; -EAGAIN when
 * the channel cannot take a datagram now (nothing taken). */
int chans_put(struct chans *set, const void *msg, size_t len);
/* Send the datagram being filled, if any: 0, -EAGAIN or -errno. */
int chans_flush(struct chans *set);
/* The end of a loop turn: the same, but only for a datagram that was
 * already being filled at the end of the previous turn. */
int chans_flush_aged(struct chans *set);
/* One datagram, as it is, on the active channel. */
int chans_send(struct chans *set, const void *buf, size_t len);

/* "-s" channel block (the active channel), "-s link" (every channel). */
void chans_print_stats(const struct chans *set, struct out *o);
void chans_print_link(const struct chans *set, struct out *o);

#endif
