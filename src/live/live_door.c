/*
 * The doors of the collector (see live_int.h): for each listening port,
 * who may come in, how many at once, what a refusal logs, and what an
 * accept error does.
 *
 * - Admission: an address must be allowed (the port's allow list); it may
 *   hold at most max_per_addr connections, and the port at most max_total.
 *   An address named exactly in the allow list (--peer, --bmp-router) is
 *   reserved: the total cap does not apply to it, so strangers filling the
 *   port cannot keep a configured peer out.
 * - Refusals are logged once per address and minute, and at most
 *   LOG_PER_MINUTE addresses a minute; the others are counted and summed
 *   up in one line when the minute ends (a flood of connections, from one
 *   address or thousands, must not become a flood of log lines).
 * - An accept error (no descriptors left: EMFILE, ENFILE; no memory) pauses
 *   the listener and retries after a back-off (0.1 s doubling to 5 s)
 *   instead of spinning on a socket that stays readable; it is logged once
 *   per minute with its count. The first accept that works resets it.
 *
 * Memory: two maps per door keyed by the address's hash (a 64-bit keyed
 * hash: two addresses sharing one is as likely as guessing the key). The
 * refusal map is emptied every minute, so it holds at most the addresses
 * refused within a minute.
 */
#include "live_int.h"

#include <errno.h>
#include <stdio.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define LOG_EVERY_S 60
#define LOG_PER_MINUTE 10

static uint64_t addr_key(const struct rw_addr *a)
{
	uint8_t k[17];
	k[0] = a->af;
	memcpy(k + 1, a->b, 16);
	return rw_hash(k, sizeof k);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct live_door *d = arg;
	if (d->lis)
		evconnlistener_enable(d->lis);
}

static void on_accept_error(struct evconnlistener *lis, void *arg)
{
	struct live *lv = arg; /* libevent hands over the listener's own argument */
	struct live_door *d = lis == lv->bmp_lis ? &lv->bmp_door : &lv->bgp_door;
	int err = EVUTIL_SOCKET_ERROR();
	d->accept_errors++;
	d->backoff_ms = d->backoff_ms ? RW_MIN(d->backoff_ms * 2, BACKOFF_MAX_MS) : BACKOFF_MIN_MS;
	uint64_t now = live__mono_ms() / 1000;
	if (!d->err_logged || now - d->err_logged >= LOG_EVERY_S) {
		rw_log(RW_LOG_ERROR, "%s: accepting a connection failed: %s (failure %llu; logged once a minute); "
				     "the port pauses, trying again within %u ms",
		       d->what, evutil_socket_error_to_string(err), (unsigned long long)d->accept_errors,
		       d->backoff_ms);
		d->err_logged = now;
	}
	evconnlistener_disable(lis);
	struct timeval tv = {(time_t)(d->backoff_ms / 1000), (suseconds_t)(d->backoff_ms % 1000) * 1000};
	event_add(d->resume, &tv);
}

int live__door_open(struct live_door *d, struct live *lv, struct evconnlistener *lis, const char *what,
		    unsigned max_total, unsigned max_per_addr)
{
	memset(d, 0, sizeof *d);
	d->lv = lv;
	d->lis = lis;
	d->what = what;
	d->max_total = max_total ? max_total : LIVE_MAX_CONNS;
	d->max_per_addr = max_per_addr ? max_per_addr : LIVE_MAX_PER_ADDR;
	u64map_init(&d->per_addr, RW_MEM_LIVE);
	u64map_init(&d->logged, RW_MEM_LIVE);
	d->resume = evtimer_new(lv->base, on_resume, d);
	if (!d->resume)
		return RW_ENOMEM;
	evconnlistener_set_error_cb(lis, on_accept_error);
	return 0;
}

void live__door_close(struct live_door *d)
{
	if (d->resume)
		event_free(d->resume);
	u64map_release(&d->per_addr);
	u64map_release(&d->logged);
	memset(d, 0, sizeof *d);
}

/* A refusal: logged once per address per minute, else counted. */
static void refuse(struct live_door *d, const struct rw_addr *a, uint64_t key, const char *why)
{
	d->refused++;
	uint32_t *seen = u64map_get(&d->logged, key);
	if (seen || d->logged.n >= LOG_PER_MINUTE) {
		d->refused_quiet++;
		return;
	}
	*u64map_put(&d->logged, key) = 1;
	char name[RW_ADDR_STRLEN];
	fmt_addr(name, a);
	rw_log(RW_LOG_WARN, "%s: connection from %s refused: %s (refusals are logged once a minute per address, "
			    "%u addresses a minute)",
	       d->what, name, why, LOG_PER_MINUTE);
}

bool live__door_admit(struct live_door *d, const struct rw_addr *a, bool allowed, bool reserved, const char *deny)
{
	d->backoff_ms = 0; /* accept works again */
	uint64_t key = addr_key(a);
	if (!allowed) {
		refuse(d, a, key, deny);
		return false;
	}
	uint32_t *n = u64map_get(&d->per_addr, key);
	if (n && *n >= d->max_per_addr) {
		char why[96];
		snprintf(why, sizeof why, "%u connections from it already (--max-per-address)", *n);
		refuse(d, a, key, why);
		return false;
	}
	if (!reserved && d->open >= d->max_total) {
		char why[96];
		snprintf(why, sizeof why, "%u connections open, the limit (--max-connections)", d->open);
		refuse(d, a, key, why);
		return false;
	}
	(*u64map_put(&d->per_addr, key))++;
	d->open++;
	return true;
}

void live__door_leave(struct live_door *d, const struct rw_addr *a)
{
	uint64_t key = addr_key(a);
	uint32_t *n = u64map_get(&d->per_addr, key);
	if (!n)
		return;
	if (--*n == 0)
		u64map_del(&d->per_addr, key);
	d->open--;
}

void live__door_tick(struct live_door *d, uint64_t now_s)
{
	if (!d->minute)
		d->minute = now_s;
	if (now_s - d->minute < LOG_EVERY_S)
		return;
	if (d->refused_quiet)
		rw_log(RW_LOG_WARN, "%s: %llu more connections refused in the last minute", d->what,
		       (unsigned long long)d->refused_quiet);
	d->refused_quiet = 0;
	d->minute = now_s;
	u64map_release(&d->logged); /* a flood's worth of addresses: freed */
}
