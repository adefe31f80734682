/*
 * The BMP station (RFC 7854, RFC 9069): routers connect, and each peer a
 * router monitors becomes a source of records of collector = the router
 * (its address), announced to the caller by the collector hook when the
 * router first connects (the collect pipeline gives it its own archive
 * directory, ARCHIVE/<router address>/, so that `routewatch events` over
 * the archive names the same collectors the live run did).
 *
 * Which view feeds the engine, per monitored peer: post-policy Adj-RIB-In
 * once the router has sent any for that peer, else pre-policy (FRR sends
 * pre-policy withdrawals only, without soft-reconfiguration inbound, so a
 * peer's pre-policy view can be incomplete while its post-policy one is
 * not). Adj-RIB-Out (RFC 8671) is not a view of what the peer announced:
 * skipped. Loc-RIB (RFC 9069) is the router's own choice among its peers'
 * routes: used only from routers that send no Adj-RIB-In, so a route is
 * not counted twice. Skipped messages are counted, never archived, so the
 * archive replays exactly what the engine saw.
 *
 * Peer Up is the session coming up (a state change OpenConfirm ->
 * Established in the archive), Peer Down and the router's disconnection
 * take the peer down (Established -> Idle).
 *
 * Lifetimes: a bmp_router per TCP connection; a bmp_site per router
 * address for the whole run (its collector id survives reconnections);
 * bmp_peer per monitored peer, owned by its router.
 */
#include "live_int.h"
#include "../bgp/bgp.h"
#include "../bmp/bmp.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

struct bmp_site {
	char name[RW_ADDR_STRLEN];
	uint32_t coll;               /* the caller's id of this collector */
	struct bmp_site *next;
};

struct bmp_peer {
	uint8_t type;                /* enum bmp_peer_type */
	uint8_t dist[8];
	struct rw_addr addr, local;
	uint32_t asn;
	bool up, as4, addpath4, addpath6, post_seen;
	uint32_t bgp_id;
	char name[2 * RW_ADDR_STRLEN + 8];
	struct bmp_peer *next;
};

struct bmp_router {
	struct live *lv;
	struct bufferevent *bev;     /* owned */
	struct bmp_site *site;       /* borrowed from lv->sites */
	struct rw_addr addr;
	struct bmp_peer *peers;      /* owned */
	bool adj_in_seen;            /* some Adj-RIB-In arrived (see above) */
	bool initiated;              /* its Initiation message arrived */
	uint64_t since_ms;           /* connected at (monotonic) */
	char sysname[64];
	uint64_t msgs, skipped, stats, bad;
	struct bmp_router *next, **pprev;
};

static struct bmp_site *site_get(struct live *lv, const struct rw_addr *a)
{
	char name[RW_ADDR_STRLEN];
	fmt_addr(name, a);
	for (struct bmp_site *s = lv->sites; s; s = s->next)
		if (!strcmp(s->name, name))
			return s;
	uint32_t coll = lv->hooks->collector(lv->hooks->arg, name, false);
	if (coll == UINT32_MAX)
		return NULL;
	struct bmp_site *s = rw_calloc(1, sizeof *s);
	memcpy(s->name, name, sizeof name);
	s->coll = coll;
	s->next = lv->sites;
	lv->sites = s;
	return s;
}

static void src_of(const struct bmp_router *r, struct bmp_peer *p, struct live_src *s)
{
	*s = (struct live_src){
		.coll = r->site->coll,
		.peer = p->addr,
		.local = p->local,
		.peer_asn = p->asn,
		.local_asn = r->lv->cfg->asn,
		.as4 = p->as4,
		.addpath4 = p->addpath4,
		.addpath6 = p->addpath6,
		.bgp_id = p->bgp_id,
		.name = p->name,
	};
}

static void peer_state(struct bmp_router *r, struct bmp_peer *p, bool up)
{
	if (p->up == up)
		return;
	p->up = up;
	struct live_src s;
	src_of(r, p, &s);
	if (up && r->lv->hooks->peer_up)
		r->lv->hooks->peer_up(r->lv->hooks->arg, &s);
	live__record(r->lv, &s, NULL, 0, up ? BGP_OPENCONFIRM : BGP_ESTABLISHED, up ? BGP_ESTABLISHED : BGP_IDLE);
}

static struct bmp_peer *peer_get(struct bmp_router *r, const struct bmp_peer_hdr *h)
{
	for (struct bmp_peer *p = r->peers; p; p = p->next)
		if (p->type == h->type && !memcmp(p->dist, h->dist, 8) && p->addr.af == h->addr.af &&
		    !memcmp(p->addr.b, h->addr.b, 16))
			return p;
	struct bmp_peer *p = rw_calloc(1, sizeof *p);
	p->type = h->type;
	memcpy(p->dist, h->dist, 8);
	p->addr = h->addr;
	p->asn = h->asn;
	p->bgp_id = h->bgp_id;
	p->as4 = !h->as2;
	/* the local address must be of the peer's family in BGP4MP */
	p->local.af = h->addr.af;
	p->local = r->addr.af == h->addr.af ? r->addr : p->local;
	char a[RW_ADDR_STRLEN];
	fmt_addr(a, &h->addr);
	snprintf(p->name, sizeof p->name, "%s peer %s", r->site->name, a);
	p->next = r->peers;
	r->peers = p;
	return p;
}

/* ADD-PATH on a monitored session, per family: the peer sends path ids
 * where the router's OPEN (sent) offers to receive them and the peer's
 * (received) offers to send. */
static bool addpath_of(const uint8_t *sent, size_t sl, const uint8_t *recv, size_t rl, uint16_t afi)
{
	struct bgp_open so, ro;
	if (sl < BGP_HDR_LEN || rl < BGP_HDR_LEN || bgp_open_decode(sent + BGP_HDR_LEN, sl - BGP_HDR_LEN, &so) ||
	    bgp_open_decode(recv + BGP_HDR_LEN, rl - BGP_HDR_LEN, &ro))
		return false;
	for (unsigned i = 0; i < so.n_addpath; i++)
		if (so.addpath[i].afi == afi && so.addpath[i].safi == BGP_SAFI_UNICAST &&
		    (so.addpath[i].mode & BGP_ADDPATH_RECEIVE))
			return bgp_open_addpath_tx(&ro, afi, BGP_SAFI_UNICAST);
	return false;
}

static void on_message(struct bmp_router *r, const uint8_t *p, uint32_t len)
{
	struct bmp_msg m;
	int rc = bmp_decode(p, len, &m);
	r->msgs++;
	if (rc) {
		r->bad++;
		rw_log(RW_LOG_WARN, "BMP %s: %s message %llu malformed (%u bytes): skipped", r->site->name,
		       bmp_type_name(p[5]), (unsigned long long)r->msgs, len);
		return;
	}
	switch (m.type) {
	case BMP_INITIATION:
	case BMP_TERMINATION: {
		const uint8_t *t = m.body, *v;
		size_t n = m.body_len;
		uint16_t ty, l;
		char info[256] = "";
		while (bmp_tlv_next(&t, &n, &ty, &v, &l) == 1) {
			if (m.type == BMP_INITIATION && ty == BMP_INFO_SYSNAME)
				snprintf(r->sysname, sizeof r->sysname, "%.*s", (int)l, (const char *)v);
			if ((m.type == BMP_INITIATION && ty <= BMP_INFO_SYSNAME) ||
			    (m.type == BMP_TERMINATION && ty == BMP_TERM_STRING))
				snprintf(info + strlen(info), sizeof info - strlen(info), " %.*s", (int)RW_MIN(l, 80),
					 (const char *)v);
			if (m.type == BMP_TERMINATION && ty == BMP_TERM_REASON && l >= 2)
				snprintf(info + strlen(info), sizeof info - strlen(info), " (reason %u)", rd16(v));
		}
		rw_log(RW_LOG_INFO, "BMP %s: %s:%s", r->site->name, bmp_type_name(m.type), info);
		r->initiated |= m.type == BMP_INITIATION;
		return;
	}
	case BMP_STATS:
		r->stats++;
		return;
	case BMP_ROUTE_MIRRORING:
		r->skipped++;
		return;
	case BMP_PEER_UP: {
		struct bmp_peer *pe = peer_get(r, &m.peer);
		if (!pe)
			return;
		pe->asn = m.peer.asn;
		pe->as4 = !m.peer.as2;
		if (m.local.af == pe->addr.af)
			pe->local = m.local;
		pe->addpath4 = addpath_of(m.sent_open, m.sent_open_len, m.recv_open, m.recv_open_len, BGP_AFI_IPV4);
		pe->addpath6 = addpath_of(m.sent_open, m.sent_open_len, m.recv_open, m.recv_open_len, BGP_AFI_IPV6);
		rw_log(RW_LOG_INFO, "BMP %s: up, AS%u%s", pe->name, pe->asn,
		       m.peer.type == BMP_PEER_LOCRIB ? " (Loc-RIB)" : "");
		peer_state(r, pe, true);
		return;
	}
	case BMP_PEER_DOWN: {
		struct bmp_peer *pe = peer_get(r, &m.peer);
		if (!pe)
			return;
		rw_log(RW_LOG_INFO, "BMP %s: down, %s", pe->name, bmp_down_reason(m.reason));
		peer_state(r, pe, false);
		return;
	}
	case BMP_ROUTE_MONITORING: {
		const struct bmp_peer_hdr *h = &m.peer;
		if (h->adj_out || (h->type == BMP_PEER_LOCRIB && r->adj_in_seen)) {
			r->skipped++;
			return;
		}
		struct bmp_peer *pe = peer_get(r, h);
		if (!pe)
			return;
		if (h->type != BMP_PEER_LOCRIB)
			r->adj_in_seen = true;
		if (h->post_policy)
			pe->post_seen = true;
		else if (pe->post_seen) {
			r->skipped++;
			return;
		}
		if (!pe->up) /* monitoring without a Peer Up first */
			peer_state(r, pe, true);
		size_t bl = bmp_bgp_len(m.body, m.body_len);
		if (m.body[BGP_MARKER_LEN + 2] != BGP_MSG_UPDATE) {
			r->skipped++;
			return;
		}
		struct live_src s;
		src_of(r, pe, &s);
		r->lv->n.msgs++;
		r->lv->n.updates++;
		live__record(r->lv, &s, m.body, bl, 0, 0);
		return;
	}
	default:
		r->skipped++;
		return;
	}
}

/* The router is gone (or we stop: rec false): its peers go down. */
static void router_free(struct bmp_router *r, bool rec)
{
	for (struct bmp_peer *p = r->peers, *nx; p; p = nx) {
		nx = p->next;
		if (rec)
			peer_state(r, p, false);
		free(p);
	}
	if (r->next)
		r->next->pprev = r->pprev;
	*r->pprev = r->next;
	live__door_leave(&r->lv->bmp_door, &r->addr);
	if (r->bev)
		bufferevent_free(r->bev);
	free(r);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct bmp_router *r = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	for (;;) {
		size_t have = evbuffer_get_length(in);
		uint8_t hdr[BMP_COMMON_LEN];
		if (have < BMP_COMMON_LEN)
			return;
		evbuffer_copyout(in, hdr, sizeof hdr);
		uint32_t len;
		if (bmp_frame(hdr, sizeof hdr, &len)) {
			rw_log(RW_LOG_WARN, "BMP %s: not a BMP v3 header after %llu messages (version %u, length %u): connection closed",
			       r->site->name, (unsigned long long)r->msgs, hdr[0], rd32(hdr + 1));
			router_free(r, true);
			return;
		}
		if (have < len)
			return;
		const uint8_t *p = evbuffer_pullup(in, len);
		if (!p) {
			router_free(r, true);
			return;
		}
		on_message(r, p, len);
		evbuffer_drain(in, len);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	struct bmp_router *r = arg;
	size_t left = evbuffer_get_length(bufferevent_get_input(r->bev));
	rw_log(RW_LOG_WARN, "BMP %s: %s after %llu messages%s; its peers are down", r->site->name,
	       (what & BEV_EVENT_EOF) ? "the router closed the connection" : "connection error",
	       (unsigned long long)r->msgs, left ? " (in the middle of a message)" : "");
	router_free(r, true);
}

/* May this router connect? Only when allowed: BMP has no authentication
 * of its own. *router: named by --bmp-router (reserved at the door). */
static bool allowed(const struct live_cfg *cfg, const struct rw_addr *a, bool *router)
{
	*router = false;
	for (size_t i = 0; i < cfg->nbmp_routers; i++)
		if (rw_addr_eq(&cfg->bmp_routers[i], a))
			return *router = true;
	for (size_t i = 0; i < cfg->nbmp_accept; i++)
		if (rw_prefix_has(&cfg->bmp_accept[i], a))
			return true;
	return false;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int slen, void *arg)
{
	(void)l;
	(void)slen;
	struct live *lv = arg;
	struct rw_addr a;
	if (!live__to_addr(sa, &a)) {
		evutil_closesocket(fd);
		return;
	}
	bool reserved, ok = allowed(lv->cfg, &a, &reserved);
	if (!live__door_admit(&lv->bmp_door, &a, ok, reserved, "not an allowed router (--bmp-router, --bmp-accept)")) {
		evutil_closesocket(fd);
		return;
	}
	struct bmp_site *site = site_get(lv, &a);
	if (!site) {
		live__door_leave(&lv->bmp_door, &a);
		evutil_closesocket(fd);
		return;
	}
	struct bmp_router *r = rw_calloc(1, sizeof *r);
	evutil_make_socket_nonblocking(fd);
	r->bev = bufferevent_socket_new(lv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!r->bev) {
		free(r);
		live__door_leave(&lv->bmp_door, &a);
		evutil_closesocket(fd);
		return;
	}
	r->since_ms = live__mono_ms();
	bufferevent_set_max_single_read(r->bev, 1 << 20);
	r->lv = lv;
	r->site = site;
	r->addr = a;
	r->next = lv->routers;
	if (r->next)
		r->next->pprev = &r->next;
	r->pprev = &lv->routers;
	lv->routers = r;
	bufferevent_setcb(r->bev, on_read, NULL, on_event, r);
	bufferevent_enable(r->bev, EV_READ);
	rw_log(RW_LOG_INFO, "BMP: router %s connected", site->name);
}

int live__bmp_listen(struct live *lv, const char *spec)
{
	const struct live_cfg *cfg = lv->cfg;
	if (!cfg->nbmp_routers && !cfg->nbmp_accept) {
		rw_log(RW_LOG_ERROR, "--bmp needs --bmp-router ADDR or --bmp-accept PREFIX: BMP has no "
				     "authentication, so whoever reaches the port could forge routes and events");
		return RW_EINVAL;
	}
	lv->bmp_lis = live__listen(lv, "bmp", spec, 11019, on_accept, NULL);
	if (!lv->bmp_lis)
		return RW_EIO;
	return live__door_open(&lv->bmp_door, lv, lv->bmp_lis, "BMP", cfg->max_conns, cfg->max_per_addr);
}

void live__bmp_tick(struct live *lv, uint64_t now_ms)
{
	uint64_t limit = (uint64_t)(lv->cfg->open_timeout ? lv->cfg->open_timeout : 10) * 1000;
	for (struct bmp_router *r = lv->routers, *nx; r; r = nx) {
		nx = r->next;
		if (!r->initiated && now_ms - r->since_ms >= limit) {
			/* RFC 7854 §4.3: the Initiation message comes first */
			rw_log(RW_LOG_WARN, "BMP %s: no Initiation message within %llu s: connection closed",
			       r->site->name, (unsigned long long)(limit / 1000));
			router_free(r, true);
		}
	}
}

void live__bmp_count(const struct live *lv, unsigned *routers, unsigned *peers_up)
{
	*routers = *peers_up = 0;
	for (const struct bmp_router *r = lv->routers; r; r = r->next) {
		++*routers;
		for (const struct bmp_peer *p = r->peers; p; p = p->next)
			*peers_up += p->up;
	}
}

void live__bmp_close(struct live *lv)
{
	while (lv->routers)
		router_free(lv->routers, false);
	for (struct bmp_site *s = lv->sites, *nx; s; s = nx) {
		nx = s->next;
		free(s);
	}
	lv->sites = NULL;
	if (lv->bmp_lis)
		evconnlistener_free(lv->bmp_lis);
	lv->bmp_lis = NULL;
	live__door_close(&lv->bmp_door);
}
