/*
 * live_chan.c: how a source's own thread hands items to the event loop
 * (live_int.h, struct live_chan): a bounded rw_queue, and a pipe whose
 * byte wakes the loop. `pending` says a byte is in the pipe, so a busy
 * thread writes one per wake-up, not one per item: the loop clears it
 * before it drains the queue, so an item pushed meanwhile is either
 * drained or wakes it again. Used by live_ris.c and live_follow.c.
 */
#include "live_int.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct live_chan *ch = arg;
	char buf[64];
	while (read(fd, buf, sizeof buf) > 0)
		;
	atomic_store(&ch->pending, 0);
	void *item;
	while ((item = rw_queue_try_pop(&ch->q)))
		ch->take(ch->arg, item);
}

int live__chan_open(struct live_chan *ch, struct live *lv, uint32_t cap, void (*take)(void *arg, void *item),
		    void *arg)
{
	memset(ch, 0, sizeof *ch);
	ch->wake[0] = ch->wake[1] = -1;
	ch->take = take;
	ch->arg = arg;
	rw_queue_init(&ch->q, cap, RW_MEM_LIVE);
	ch->init = true;
	if (pipe2(ch->wake, O_NONBLOCK | O_CLOEXEC)) {
		rw_log(RW_LOG_ERROR, "pipe: %s", strerror(errno));
		return RW_EIO;
	}
	ch->ev = event_new(lv->base, ch->wake[0], EV_READ | EV_PERSIST, on_wake, ch);
	if (!ch->ev || event_add(ch->ev, NULL))
		return RW_EIO;
	return 0;
}

int live__chan_put(struct live_chan *ch, void *item)
{
	if (rw_queue_push(&ch->q, item))
		return RW_EINVAL; /* closed: shutting down */
	if (!atomic_exchange(&ch->pending, 1)) {
		char c = 1;
		ssize_t w = write(ch->wake[1], &c, 1);
		(void)w; /* a full pipe has a byte in it already */
	}
	return 0;
}

void live__chan_stop(struct live_chan *ch)
{
	if (ch->init)
		rw_queue_close(&ch->q);
}

void live__chan_close(struct live_chan *ch)
{
	if (!ch->init)
		return;
	void *item;
	while ((item = rw_queue_try_pop(&ch->q)))
		ch->take(ch->arg, item);
	if (ch->ev)
		event_free(ch->ev);
	for (int i = 0; i < 2; i++)
		if (ch->wake[i] >= 0)
			close(ch->wake[i]);
	rw_queue_release(&ch->q);
	ch->init = false;
}
