/* live/ internals shared by its files: struct live (live.c's event loop
 * state), the record path every source uses (live__record) and the BMP
 * station (live_bmp.c). */
#ifndef RW_LIVE_INT_H
#define RW_LIVE_INT_H

#include "live.h"

#include <event2/listener.h>

struct bmp_site;
struct bmp_router;
struct conn;
struct event_base;
struct event;
struct sockaddr;

struct live {
	const struct live_cfg *cfg;     /* borrowed */
	const struct live_hooks *hooks; /* borrowed */
	struct event_base *base;
	struct evconnlistener *lis;
	struct evconnlistener *bmp_lis;
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
/* Shutdown: close every router (not recorded as peers going down). */
void live__bmp_close(struct live *lv);

#endif
