/* live/ internals shared by its files: struct live (live.c's event loop
 * state), the record path every source uses (live__record) and the BMP
 * station (live_bmp.c). */
#ifndef RW_LIVE_INT_H
#define RW_LIVE_INT_H

#include "live.h"

#include <event2/listener.h>
#include <stdatomic.h>

struct bmp_site;
struct live_ris;
struct live_follow;
struct bmp_router;
struct conn;
struct event_base;
struct event;
struct sockaddr;

/* The defaults of --max-connections and --max-per-address (per port). */
#define LIVE_MAX_CONNS 256
#define LIVE_MAX_PER_ADDR 2

/* A listening port's admission (live_door.c). */
struct live_door {
	struct live *lv;
	struct evconnlistener *lis; /* borrowed */
	const char *what;           /* "BGP", "BMP": for messages */
	unsigned max_total, max_per_addr;
	unsigned open;              /* connections admitted and not yet left */
	struct u64map per_addr;     /* address hash -> connections open */
	struct u64map logged;       /* address hash -> refused this minute */
	uint64_t refused, refused_quiet, accept_errors;
	uint64_t minute, err_logged; /* monotonic seconds */
	unsigned backoff_ms;
	struct event *resume;       /* owned: re-enables the listener */
};

int live__door_open(struct live_door *d, struct live *lv, struct evconnlistener *lis, const char *what,
		    unsigned max_total, unsigned max_per_addr);
void live__door_close(struct live_door *d);
/* May a's connection in? allowed: by the port's allow list (deny: the
 * reason when not); reserved: a configured peer or router, exempt from
 * the total cap. false: refused (logged or counted), close it. */
bool live__door_admit(struct live_door *d, const struct rw_addr *a, bool allowed, bool reserved, const char *deny);
/* An admitted connection from a is gone. */
void live__door_leave(struct live_door *d, const struct rw_addr *a);
/* Once a second: the minute's refusal summary. */
void live__door_tick(struct live_door *d, uint64_t now_s);

struct live {
	const struct live_cfg *cfg;     /* borrowed */
	const struct live_hooks *hooks; /* borrowed */
	struct event_base *base;
	struct evconnlistener *lis;
	struct evconnlistener *bmp_lis;
	struct live_door bgp_door, bmp_door;
	struct bmp_site *sites;     /* BMP routers ever seen (their collectors) */
	struct bmp_router *routers; /* BMP connections */
	struct event *tick;
	struct event *sig[4];
	uint32_t bgp_coll;          /* the BGP sessions' collector */
	char coll_name[RW_ADDR_STRLEN];
	struct obuf rec;            /* scratch: the record being made */
	struct obuf split[2];       /* scratch: an UPDATE split by family */
	struct obuf tx;             /* scratch: what a session wants sent */
	struct conn *conns;
	struct live_ris *ris;       /* RIS Live (live_ris.c), or NULL */
	struct live_follow *follow; /* --follow (live_follow.c), or NULL */
	uint32_t router_id;
	struct live_counts n;       /* msgs, updates, resets */
	int rc;
};

/* A BGP message (whole) of a source, or (msg NULL) a state change old ->
 * new, made into the record(s) a collector archives and handed to the
 * record hook; the NOTIFICATION due, BGP_NOTIFY(code, sub), or 0. */
int live__record(struct live *lv, const struct live_src *src, const uint8_t *msg, size_t len, uint16_t old_state,
		 uint16_t new_state);
bool live__to_addr(const struct sockaddr *sa, struct rw_addr *a);
/* Listen on --OPT's "ADDR:PORT" (port given: the default); the bound
 * address into *addr when not NULL. NULL, logged, on failure. */
struct evconnlistener *live__listen(struct live *lv, const char *opt, const char *spec, uint16_t port,
				    evconnlistener_cb cb, struct rw_addr *addr);
uint64_t live__mono_ms(void);

/* live_bmp.c: the BMP station */
int live__bmp_listen(struct live *lv, const char *spec);
void live__bmp_count(const struct live *lv, unsigned *routers, unsigned *peers_up);
/* Once a second: routers that sent no Initiation in time are closed. */
void live__bmp_tick(struct live *lv, uint64_t now_ms);

/* A source's thread hands items to the loop (live_chan.c): put pushes
 * (waits while the queue is full; RW_EINVAL once stopped), the loop calls
 * take(arg, item) for each, in order. stop: puts fail from now on (a
 * waiting one lets go); close: what is left is taken, all freed. */
struct live_chan {
	struct rw_queue q;
	bool init;
	int wake[2];
	atomic_int pending;
	struct event *ev;
	void (*take)(void *arg, void *item);
	void *arg;
};
int live__chan_open(struct live_chan *ch, struct live *lv, uint32_t cap, void (*take)(void *arg, void *item),
		    void *arg);
int live__chan_put(struct live_chan *ch, void *item);
void live__chan_stop(struct live_chan *ch);
void live__chan_close(struct live_chan *ch);

/* live_ris.c: the RIS Live client. open: 0, or RW_EINVAL (a bad URL) /
 * RW_EIO, logged; close: the thread stopped, what it handed over applied,
 * everything freed (also after a failed open). */
int live__ris_open(struct live *lv);
void live__ris_counts(const struct live *lv, struct live_counts *n);
void live__ris_close(struct live *lv);

/* live_follow.c: mirrors followed (open: 0 or RW_EINVAL/RW_EIO, logged). */
int live__follow_open(struct live *lv);
void live__follow_close(struct live *lv);

/* Shutdown: close every router (not recorded as peers going down). */
void live__bmp_close(struct live *lv);

#endif
