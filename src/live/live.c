/*
 * live.c: the sources' event loop (see live.h): the BGP listener, one
 * struct conn per TCP connection, the record every message becomes, the
 * per-second tick, signals.
 *
 * Lifetimes: struct live from live_open to live_close; a conn from accept
 * until its connection is closed and its last bytes (a NOTIFICATION) are
 * flushed; the scratch buffers of struct live are reused for every
 * record, and the record handed to the hook lives only for that call.
 */
#include "live_int.h"
#include "../bgp/bgp_sess.h"
#include "../mrt/mrt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct conn {
	struct live *lv;
	struct bufferevent *bev;   /* owned, closes the socket */
	struct bgp_sess sess;
	struct rw_addr peer, local;
	char name[RW_ADDR_STRLEN];
	bool up;                   /* Established, recorded as such */
	bool closing;              /* flushing its last bytes */
	bool peer_cfg;             /* from a --peer address (logged at info) */
	bool displaced;            /* to close: a newer connection of the peer
				      sent an OPEN first (collision()) */
	struct conn *next, **pprev;
};


uint64_t live__mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- records */

/* One record of a message (or a state change) to the record hook. */
static int hand(struct live *lv, const struct live_src *src, const struct mrt_bgp4mp_hdr *h, const uint8_t *msg,
		size_t len, uint16_t old_state, uint16_t new_state)
{
	obuf_reset(&lv->rec);
	if (msg)
		mrt_write_bgp_msg(&lv->rec, h, msg, len);
	else
		mrt_write_state(&lv->rec, h, old_state, new_state);
	return lv->hooks->record(lv->hooks->arg, src, h->ts, obuf_data(&lv->rec), lv->rec.len);
}

/* RFC 8050 marks ADD-PATH per record, RFC 7911 negotiates it per family:
 * an UPDATE of one family is archived with that family's flag, and one
 * that carries both families when only one of them has path ids is split
 * into one UPDATE per family, each archived with its own flag. */
int live__record(struct live *lv, const struct live_src *src, const uint8_t *msg, size_t len, uint16_t old_state,
		 uint16_t new_state)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct mrt_bgp4mp_hdr h = {
		.ts = (uint32_t)now.tv_sec,
		.usec = (uint32_t)(now.tv_nsec / 1000),
		.et = true,
		.as4 = src->as4,
		.peer_asn = src->peer_asn,
		.local_asn = src->local_asn,
		.peer = src->peer,
		.local = src->local,
	};
	if (!msg)
		return hand(lv, src, &h, NULL, 0, old_state, new_state);
	unsigned fam = bgp_update_families(msg, len);
	if (fam == (BGP_FAM_V4 | BGP_FAM_V6) && src->addpath4 != src->addpath6) {
		obuf_reset(&lv->split[0]);
		obuf_reset(&lv->split[1]);
		if (!bgp_update_split(msg, len, &lv->split[0], &lv->split[1])) {
			h.addpath = src->addpath4;
			int r4 = hand(lv, src, &h, obuf_data(&lv->split[0]), lv->split[0].len, 0, 0);
			h.addpath = src->addpath6;
			int r6 = hand(lv, src, &h, obuf_data(&lv->split[1]), lv->split[1].len, 0, 0);
			return r4 ? r4 : r6;
		}
	}
	h.addpath = fam == BGP_FAM_V6 ? src->addpath6 : src->addpath4;
	return hand(lv, src, &h, msg, len, 0, 0);
}

/* A BGP session's peer as a source of records. */
static void src_of(const struct conn *c, struct live_src *src)
{
	struct live *lv = c->lv;
	*src = (struct live_src){
		.coll = lv->bgp_coll,
		.peer = c->peer,
		.local = c->local,
		.peer_asn = c->sess.peer.asn,
		.local_asn = lv->cfg->asn,
		.as4 = c->sess.as4,
		.addpath4 = c->sess.addpath4,
		.addpath6 = c->sess.addpath6,
		.bgp_id = c->sess.peer.bgp_id,
		.name = c->name,
	};
}

static int record(struct conn *c, const uint8_t *msg, size_t len, uint16_t old_state, uint16_t new_state)
{
	struct live_src src;
	src_of(c, &src);
	return live__record(c->lv, &src, msg, len, old_state, new_state);
}

/* ---------------------------------------------------------------- sessions */

static void send_tx(struct live *lv, struct conn *c)
{
	if (lv->tx.len && c->bev)
		bufferevent_write(c->bev, lv->tx.buf, lv->tx.len);
	lv->tx.len = 0;
}

static void conn_free(struct conn *c)
{
	if (c->next)
		c->next->pprev = c->pprev;
	*c->pprev = c->next;
	live__door_leave(&c->lv->bgp_door, &c->peer);
	bgp_sess_release(&c->sess);
	if (c->bev)
		bufferevent_free(c->bev);
	free(c);
}

static void on_drained(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_free(arg);
}

static void on_closing_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	(void)what;
	conn_free(arg);
}

/* The session is over: a peer that was up goes down in the archive and
 * the engine (its routes are withdrawn); the socket closes once what we
 * still send (a NOTIFICATION) is out, or after 2 s. record: false only at
 * shutdown, which is not the peer's doing. */
static void conn_end(struct conn *c, const char *why, bool rec)
{
	struct live *lv = c->lv;
	if (c->closing)
		return;
	if (c->up)
		rw_log(RW_LOG_WARN, "peer %s AS%u: session ended: %s", c->name, c->sess.peer.asn, why);
	else /* never Established: a peer's failed attempt, or anyone's connect */
		rw_log(c->peer_cfg ? RW_LOG_INFO : RW_LOG_DEBUG, "connection from %s closed before a session: %s",
		       c->name, why);
	if (c->up && rec)
		record(c, NULL, 0, BGP_ESTABLISHED, BGP_IDLE);
	c->up = false;
	c->closing = true;
	send_tx(lv, c);
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		conn_free(c);
		return;
	}
	struct timeval two = {2, 0};
	bufferevent_set_timeouts(c->bev, NULL, &two);
	bufferevent_setcb(c->bev, NULL, on_drained, on_closing_event, c);
}

static void ensure_up(struct conn *c)
{
	if (c->up || c->sess.state != BGP_ESTABLISHED)
		return;
	c->up = true;
	rw_log(RW_LOG_INFO, "peer %s AS%u: established (hold %us%s%s%s)", c->name, c->sess.peer.asn, c->sess.hold,
	       c->sess.as4 ? ", 4-byte AS" : ", 2-byte AS", c->sess.addpath4 ? ", ADD-PATH IPv4" : "",
	       c->sess.addpath6 ? ", ADD-PATH IPv6" : "");
	struct live_src src;
	src_of(c, &src);
	if (c->lv->hooks->peer_up)
		c->lv->hooks->peer_up(c->lv->hooks->arg, &src);
	record(c, NULL, 0, BGP_OPENCONFIRM, BGP_ESTABLISHED);
}

/* RFC 4271 §6.8, once c's OPEN is in: with another connection of the
 * same peer Established, c is refused (the Established session and its
 * routes stay: a stray or hostile connect from the peer's address changes
 * nothing); another one still opening is the stale one (the peer started
 * over), closed after this read. Both connections come from the peer
 * (we never connect out), so the identifiers decide nothing here. */
static int collision(struct conn *c)
{
	for (struct conn *o = c->lv->conns; o; o = o->next)
		if (o != c && !o->closing && rw_addr_eq(&o->peer, &c->peer) && o->sess.state == BGP_ESTABLISHED) {
			rw_log(RW_LOG_WARN, "peer %s: a second connection sent an OPEN; refused, the Established "
					    "session is kept (RFC 4271 §6.8)",
			       c->name);
			return BGP_NOTIFY(BGP_ERR_CEASE, BGP_CEASE_COLLISION);
		}
	for (struct conn *o = c->lv->conns; o; o = o->next)
		if (o != c && !o->closing && rw_addr_eq(&o->peer, &c->peer))
			o->displaced = true;
	return 0;
}

static int on_msg(void *arg, uint8_t type, const uint8_t *msg, size_t len)
{
	struct conn *c = arg;
	struct live *lv = c->lv;
	lv->n.msgs++;
	if (type == BGP_MSG_OPEN)
		return collision(c);
	if (type != BGP_MSG_UPDATE)
		return 0; /* ROUTE-REFRESH: we announce nothing; NOTIFICATION: sess ends it */
	lv->n.updates++;
	ensure_up(c);
	return record(c, msg, len, 0, 0);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct live *lv = c->lv;
	struct evbuffer *in = bufferevent_get_input(bev);
	while (evbuffer_get_length(in)) {
		struct evbuffer_iovec v;
		if (evbuffer_peek(in, -1, NULL, &v, 1) < 1)
			break;
		int rc = bgp_sess_input(&c->sess, v.iov_base, v.iov_len, live__mono_ms(), &lv->tx, on_msg, c);
		evbuffer_drain(in, v.iov_len);
		if (rc < 0) {
			lv->n.resets += c->sess.notif_sent;
			conn_end(c, c->sess.why, true);
			break;
		}
		ensure_up(c);
		send_tx(lv, c);
	}
	/* connections c's OPEN displaced (lv->tx is empty here) */
	for (struct conn *o = lv->conns, *nx; o; o = nx) {
		nx = o->next;
		if (o->displaced && !o->closing) {
			bgp_sess_cease(&o->sess, BGP_CEASE_COLLISION, &lv->tx);
			conn_end(o, "a newer connection of the peer sent its OPEN (RFC 4271 §6.8)", true);
		}
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	struct conn *c = arg;
	char why[128];
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof why, "connection closed by the peer%s",
			 c->sess.rxlen ? " in the middle of a message" : "");
	else
		snprintf(why, sizeof why, "connection error: %s",
			 evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	conn_end(c, why, true);
}

bool live__to_addr(const struct sockaddr *sa, struct rw_addr *a)
{
	memset(a, 0, sizeof *a);
	if (sa->sa_family == AF_INET) {
		a->af = RW_AF_INET;
		memcpy(a->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const uint8_t *b = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
		static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(b, mapped, 12)) {
			a->af = RW_AF_INET;
			memcpy(a->b, b + 12, 4);
		} else {
			a->af = RW_AF_INET6;
			memcpy(a->b, b, 16);
		}
		return true;
	}
	return false;
}

/* May this address open a BGP session? *asn: the ASN it must have (0:
 * any); *peer: it is a --peer (reserved at the door). */
static bool allowed(const struct live_cfg *cfg, const struct rw_addr *a, uint32_t *asn, bool *peer)
{
	*asn = 0;
	*peer = false;
	for (size_t i = 0; i < cfg->npeers; i++)
		if (rw_addr_eq(&cfg->peers[i].addr, a)) {
			*asn = cfg->peers[i].asn;
			*peer = true;
			return true;
		}
	for (size_t i = 0; i < cfg->naccept; i++)
		if (rw_prefix_has(&cfg->accept[i], a))
			return true;
	return !cfg->npeers && !cfg->naccept;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int slen, void *arg)
{
	(void)l;
	(void)slen;
	struct live *lv = arg;
	struct rw_addr peer, local;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char name[RW_ADDR_STRLEN];
	uint32_t asn;
	if (!live__to_addr(sa, &peer) || getsockname(fd, (struct sockaddr *)&ss, &sl) ||
	    !live__to_addr((struct sockaddr *)&ss, &local)) {
		evutil_closesocket(fd);
		return;
	}
	fmt_addr(name, &peer);
	bool reserved, ok = allowed(lv->cfg, &peer, &asn, &reserved);
	if (!live__door_admit(&lv->bgp_door, &peer, ok, reserved, "not a configured peer (--peer, --accept)")) {
		evutil_closesocket(fd);
		return;
	}
	/* A second connection from a peer leaves the first alone until it
	 * has sent an OPEN: then RFC 4271 §6.8 decides (collision()). */
	struct conn *c = rw_calloc(1, sizeof *c);
	c->lv = lv;
	c->peer = peer;
	c->local = local.af == peer.af ? local : peer;
	memcpy(c->name, name, sizeof name);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evutil_make_socket_nonblocking(fd);
	c->bev = bufferevent_socket_new(lv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		evutil_closesocket(fd);
		live__door_leave(&lv->bgp_door, &peer);
		free(c);
		return;
	}
	bufferevent_set_max_single_read(c->bev, 1 << 20);
	c->next = lv->conns;
	if (c->next)
		c->next->pprev = &c->next;
	c->pprev = &lv->conns;
	lv->conns = c;
	struct bgp_sess_cfg sc = {
		.local_asn = lv->cfg->asn,
		.router_id = lv->router_id,
		.hold_time = lv->cfg->hold_time ? lv->cfg->hold_time : 90,
		.peer_asn = asn,
		.no_addpath = lv->cfg->no_addpath,
		.open_timeout = lv->cfg->open_timeout,
	};
	bgp_sess_init(&c->sess, &sc);
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	bgp_sess_start(&c->sess, live__mono_ms(), &lv->tx);
	send_tx(lv, c);
	c->peer_cfg = reserved;
	/* anyone in an --accept range may connect: a connect is not news
	 * unless it is a configured peer's (established sessions are) */
	rw_log(reserved ? RW_LOG_INFO : RW_LOG_DEBUG, "connection from %s", name);
}

/* ---------------------------------------------------------------- daemon */

void live_counts(const struct live *lv, struct live_counts *n)
{
	*n = lv->n;
	n->sessions = n->established = 0;
	for (const struct conn *c = lv->conns; c; c = c->next) {
		n->sessions += !c->closing;
		n->established += c->up;
	}
	live__bmp_count(lv, &n->bmp_routers, &n->bmp_peers_up);
	live__ris_counts(lv, n);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct live *lv = arg;
	uint64_t ms = live__mono_ms();
	for (struct conn *c = lv->conns, *nx; c; c = nx) {
		nx = c->next;
		if (c->closing)
			continue;
		long r = bgp_sess_tick(&c->sess, ms, &lv->tx);
		send_tx(lv, c);
		if (r < 0)
			conn_end(c, c->sess.why, true);
	}
	live__bmp_tick(lv, ms);
	if (lv->lis)
		live__door_tick(&lv->bgp_door, ms / 1000);
	if (lv->bmp_lis)
		live__door_tick(&lv->bmp_door, ms / 1000);
	if (lv->hooks->tick)
		lv->hooks->tick(lv->hooks->arg, (uint32_t)time(NULL));
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct live *lv = arg;
	if (sig == SIGUSR1) {
		struct live_counts n;
		live_counts(lv, &n);
		if (lv->hooks->status)
			lv->hooks->status(lv->hooks->arg, &n);
		return;
	}
	if (sig == SIGHUP) {
		if (lv->cfg->log_path) {
			if (!freopen(lv->cfg->log_path, "a", stderr))
				lv->rc = RW_EIO;
			else
				setvbuf(stderr, NULL, _IOLBF, 0); /* a line at a time, as before */
		}
		rw_log(RW_LOG_INFO, "SIGHUP: log reopened");
		return;
	}
	rw_log(RW_LOG_WARN, "%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopexit(lv->base, NULL);
}

struct evconnlistener *live__listen(struct live *lv, const char *opt, const char *spec, uint16_t port,
				    evconnlistener_cb cb, struct rw_addr *addr)
{
	struct sockaddr_storage ss;
	int sl = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if (evutil_parse_sockaddr_port(spec, (struct sockaddr *)&ss, &sl)) {
		rw_log(RW_LOG_ERROR, "--%s wants ADDR:PORT like 127.0.0.1:%u or [::1]:%u, not '%s'", opt, port, port,
		       spec);
		return NULL;
	}
	if (((struct sockaddr_in *)&ss)->sin_port == 0) /* same place in sockaddr_in6 */
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
	/* close-on-exec: the listening socket and (libevent passes it on to
	 * accept4) every accepted one */
	unsigned fl = LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC;
	/* a deep backlog: under a flood, connects the kernel completed but we
	 * have not accepted yet must not be dropped for real peers */
	struct evconnlistener *l = evconnlistener_new_bind(lv->base, cb, lv, fl, 1024, (struct sockaddr *)&ss, sl);
	if (!l)
		rw_log(RW_LOG_ERROR, "cannot listen on %s: %s", spec, strerror(errno));
	else if (addr)
		live__to_addr((struct sockaddr *)&ss, addr);
	return l;
}

static int listen_on(struct live *lv, const char *spec)
{
	struct rw_addr a;
	if (!(lv->lis = live__listen(lv, "bgp", spec, 179, on_accept, &a)))
		return RW_EIO;
	if (live__door_open(&lv->bgp_door, lv, lv->lis, "BGP", lv->cfg->max_conns, lv->cfg->max_per_addr))
		return RW_ENOMEM;
	fmt_addr(lv->coll_name, &a);
	if (!lv->router_id)
		lv->router_id = a.af == RW_AF_INET && rd32(a.b) ? rd32(a.b) : 1;
	return 0;
}

struct live *live_open(const struct live_cfg *cfg, const struct live_hooks *hooks)
{
	struct live *lv = rw_calloc(1, sizeof *lv);
	lv->cfg = cfg;
	lv->hooks = hooks;
	lv->router_id = cfg->router_id;
	signal(SIGPIPE, SIG_IGN);
	lv->base = event_base_new();
	if (!lv->base) {
		rw_log(RW_LOG_ERROR, "cannot make the event loop");
		live_close(lv);
		return NULL;
	}
	if ((cfg->bgp_listen && listen_on(lv, cfg->bgp_listen)) ||
	    (cfg->bmp_listen && live__bmp_listen(lv, cfg->bmp_listen))) {
		live_close(lv);
		return NULL;
	}
	if (!lv->router_id)
		lv->router_id = 1;
	if ((cfg->ris_url && live__ris_open(lv)) || (cfg->nfollow && live__follow_open(lv))) {
		live_close(lv);
		return NULL;
	}
	if (cfg->bgp_listen) {
		lv->bgp_coll = hooks->collector(hooks->arg, cfg->collector ? cfg->collector : lv->coll_name, true);
		if (lv->bgp_coll == UINT32_MAX) {
			live_close(lv);
			return NULL;
		}
	}
	static const int sigs[4] = {SIGTERM, SIGINT, SIGHUP, SIGUSR1};
	for (int i = 0; i < 4; i++) {
		lv->sig[i] = evsignal_new(lv->base, sigs[i], on_signal, lv);
		if (lv->sig[i])
			event_add(lv->sig[i], NULL);
	}
	lv->tick = event_new(lv->base, -1, EV_PERSIST, on_tick, lv);
	struct timeval one = {1, 0};
	event_add(lv->tick, &one);
	return lv;
}

uint32_t live_router_id(const struct live *lv)
{
	return lv->router_id;
}

struct event_base *live_base(struct live *lv)
{
	return lv->base;
}

int live_run(struct live *lv)
{
	const struct live_cfg *cfg = lv->cfg;
	char bgp[300] = "";
	if (cfg->bgp_listen)
		snprintf(bgp, sizeof bgp, " BGP on %s (collector %s)", cfg->bgp_listen,
			 cfg->collector ? cfg->collector : lv->coll_name);
	if (cfg->bgp_listen || cfg->bmp_listen)
		rw_log(RW_LOG_INFO, "collecting as AS%u:%s%s%s", cfg->asn, bgp, cfg->bmp_listen ? " BMP on " : "",
		       cfg->bmp_listen ? cfg->bmp_listen : "");
	event_base_dispatch(lv->base);
	return lv->rc;
}

void live_close(struct live *lv)
{
	if (!lv)
		return;
	live__ris_close(lv);
	live__follow_close(lv);
	/* Cease to every peer, not recorded as the peers' doing: the
	 * collector stopping is not a network going down. */
	for (struct conn *c = lv->conns, *nx; c; c = nx) {
		nx = c->next;
		if (!c->closing && c->bev) {
			bgp_sess_cease(&c->sess, BGP_CEASE_ADMIN_SHUTDOWN, &lv->tx);
			send_tx(lv, c);
			bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
			evutil_socket_t fd = bufferevent_getfd(c->bev);
			struct evbuffer *o = bufferevent_get_output(c->bev);
			if (fd >= 0 && evbuffer_get_length(o))
				evbuffer_write(o, fd); /* best effort, non-blocking */
		}
		conn_free(c);
	}
	live__bmp_close(lv);
	for (int i = 0; i < 4; i++)
		if (lv->sig[i])
			event_free(lv->sig[i]);
	if (lv->tick)
		event_free(lv->tick);
	if (lv->lis)
		evconnlistener_free(lv->lis);
	live__door_close(&lv->bgp_door);
	obuf_release(&lv->rec);
	obuf_release(&lv->split[0]);
	obuf_release(&lv->split[1]);
	obuf_release(&lv->tx);
	if (lv->base)
		event_base_free(lv->base);
	free(lv);
}
