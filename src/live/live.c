/*
 * live.c: the collector's event loop (see live.h): the BGP listener, one
 * struct conn per TCP connection, the per-second tick, signals.
 *
 * Lifetimes: struct live lives for live_run; a conn from accept until its
 * connection is closed and its last bytes (a NOTIFICATION) are flushed;
 * the engine, decoder and record buffer belong to struct live and are
 * reused for every record.
 */
#include "live_int.h"
#include "../bgp/bgp_sess.h"
#include "../engine/engine.h"

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
	uint32_t rib_peer;         /* see struct live_src */
	bool closing;              /* flushing its last bytes */
	struct conn *next, **pprev;
};


uint64_t live_mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- engine */

static void on_det(void *arg, const struct det_event *e)
{
	struct live *lv = arg;
	det_group_add(&lv->g, e);
	if (lv->cfg->event)
		lv->cfg->event(lv->cfg->arg, e);
}

/* Hand the events the last evaluation determined to the caller. */
static void emit(struct live *lv)
{
	if (!lv->g.n)
		return;
	det_group_finish(&lv->g, &lv->eng->rib);
	if (lv->cfg->events)
		lv->cfg->events(lv->cfg->arg, &lv->g, &lv->eng->rib);
	det_group_release(&lv->g);
	det_group_init(&lv->g);
}

static void clock_to(struct live *lv, uint32_t sec)
{
	bool moved = lv->eng->have_sec && sec > lv->eng->sec;
	engine_time(lv->eng, sec);
	emit(lv);
	if (moved && lv->cfg->second)
		lv->cfg->second(lv->cfg->arg, sec, false);
}

/* The Adj-RIB-In follows what the engine is given (RIB dumps only). */
static void ribin_elem(struct live *lv, const struct bgp_elem *el)
{
	const struct live_src *s = lv->cur_src;
	if (*s->rib_peer == UINT32_MAX)
		*s->rib_peer = live_rib_peer(lv->ribin, s->coll, &s->peer, s->peer_asn, s->bgp_id);
	uint32_t peer = *s->rib_peer;
	switch (el->type) {
	case BGP_ELEM_ANNOUNCE:
		if (lv->cur_blob == UINT32_MAX || lv->cur_gen != el->attrs_gen) {
			if (lv->cur_blob != UINT32_MAX)
				live_rib_unused(lv->ribin, lv->cur_blob);
			lv->cur_blob = live_rib_attrs(lv->ribin, lv->cur_msg, lv->cur_len, el->attrs, s->as4);
			lv->cur_gen = el->attrs_gen;
		}
		live_rib_announce(lv->ribin, peer, &el->pfx, lv->cur_blob);
		break;
	case BGP_ELEM_WITHDRAW:
		live_rib_withdraw(lv->ribin, peer, &el->pfx);
		break;
	case BGP_ELEM_STATE:
		if (el->new_state != BGP_ESTABLISHED)
			live_rib_peer_down(lv->ribin, peer);
		break;
	default:
		break;
	}
}

static int on_elem(void *arg, const struct bgp_elem *el)
{
	struct live *lv = arg;
	engine_elem(lv->eng, lv->coll, el);
	if (lv->ribin)
		ribin_elem(lv, el);
	return 0;
}

/* A message (or a state change) of a source as the BGP4MP_ET record a
 * collector archives; then the same record through the engine. Returns
 * the NOTIFICATION due when the UPDATE cannot be parsed (RFC 7606 session
 * reset), as code << 8 | subcode, else 0. */
int live_record(struct live *lv, const struct live_src *src, const uint8_t *msg, size_t len, uint16_t old_state,
		uint16_t new_state)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct mrt_bgp4mp_hdr h = {
		.ts = (uint32_t)now.tv_sec,
		.usec = (uint32_t)(now.tv_nsec / 1000),
		.et = true,
		.as4 = src->as4,
		.addpath = src->addpath,
		.peer_asn = src->peer_asn,
		.local_asn = src->local_asn,
		.peer = src->peer,
		.local = src->local,
	};
	lv->rec.len = 0;
	int rc = msg ? mrt_write_bgp_msg(&lv->rec, &h, msg, len) : mrt_write_state(&lv->rec, &h, old_state, new_state);
	if (rc) {
		rw_log(RW_LOG_ERROR, "out of memory making a record of %s", src->name);
		return 0;
	}
	if (src->arch)
		live_arch_put(src->arch, h.ts, lv->rec.p, lv->rec.len);
	clock_to(lv, h.ts);
	struct mrt_rec r = {0};
	mrt_hdr_decode(lv->rec.p, &r.h);
	r.h.usec = h.usec;
	r.body = lv->rec.p + MRT_HDR_LEN + 4;
	r.len = lv->rec.len - MRT_HDR_LEN - 4;
	r.idx = lv->msgs;
	struct mrt_result res;
	memset(&res, 0, sizeof res);
	lv->coll = src->coll;
	lv->cur_src = src;
	lv->cur_msg = msg;
	lv->cur_len = len;
	lv->cur_blob = UINT32_MAX;
	mrt_decode(&lv->dec, &r, on_elem, lv, &res);
	if (lv->cur_blob != UINT32_MAX)
		live_rib_unused(lv->ribin, lv->cur_blob);
	lv->cur_blob = UINT32_MAX;
	if (res.worst == BGP_ACT_RESET) {
		rw_log(RW_LOG_WARN, "%s AS%u: UPDATE cannot be parsed (%s)", src->name, src->peer_asn,
		       res.attr_msg ? res.attr_msg : res.what ? res.what : "NLRI");
		/* UPDATE Message Error: Invalid Network Field for NLRI,
		 * Malformed Attribute List otherwise */
		bool nlri = res.attr == 0 || res.attr == BGP_ATTR_MP_REACH || res.attr == BGP_ATTR_MP_UNREACH;
		return 3 << 8 | (nlri ? 10 : 1);
	}
	if (res.n_taw || res.n_discard)
		rw_log(RW_LOG_INFO, "%s: malformed attribute (%s): %s", src->name, res.attr_msg ? res.attr_msg : "?",
		       bgp_action_name((enum bgp_action)res.worst));
	return 0;
}

/* A BGP session's peer as a source of records. */
static int record(struct conn *c, const uint8_t *msg, size_t len, uint16_t old_state, uint16_t new_state)
{
	struct live *lv = c->lv;
	struct live_src src = {
		.coll = lv->bgp_coll,
		.arch = lv->arch,
		.peer = c->peer,
		.local = c->local,
		.peer_asn = c->sess.peer.asn,
		.local_asn = lv->cfg->asn,
		.as4 = c->sess.as4,
		/* RFC 8050 has one ADD-PATH flag per record: a peer that sends
		 * path ids in one family only would need two (not seen yet) */
		.addpath = c->sess.addpath4 || c->sess.addpath6,
		.bgp_id = c->sess.peer.bgp_id,
		.rib_peer = &c->rib_peer,
		.name = c->name,
	};
	return live_record(lv, &src, msg, len, old_state, new_state); /* logs a reset */
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
	rw_log(c->up ? RW_LOG_WARN : RW_LOG_INFO, "peer %s AS%u: session ended: %s", c->name, c->sess.peer.asn,
	       why);
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
	rw_log(RW_LOG_INFO, "peer %s AS%u: established (hold %us%s%s)", c->name, c->sess.peer.asn, c->sess.hold,
	       c->sess.as4 ? ", 4-byte AS" : ", 2-byte AS",
	       c->sess.addpath4 || c->sess.addpath6 ? ", ADD-PATH" : "");
	record(c, NULL, 0, BGP_OPENCONFIRM, BGP_ESTABLISHED);
}

static int on_msg(void *arg, uint8_t type, const uint8_t *msg, size_t len)
{
	struct conn *c = arg;
	struct live *lv = c->lv;
	lv->msgs++;
	if (type != BGP_MSG_UPDATE)
		return 0; /* ROUTE-REFRESH: we announce nothing; NOTIFICATION: sess ends it */
	lv->updates++;
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
		int rc = bgp_sess_input(&c->sess, v.iov_base, v.iov_len, live_mono_ms(), &lv->tx, on_msg, c);
		evbuffer_drain(in, v.iov_len);
		if (rc < 0) {
			lv->resets += c->sess.notif_sent;
			conn_end(c, c->sess.why, true);
			return;
		}
		ensure_up(c);
		send_tx(lv, c);
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

bool live_to_addr(const struct sockaddr *sa, struct rw_addr *a)
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

static bool in_prefix(const struct rw_addr *a, const struct rw_prefix *p)
{
	if (a->af != p->af)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(a->b, p->b, full))
		return false;
	return !rest || ((a->b[full] ^ p->b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* May this address connect? *asn: the ASN it must have (0: any). */
static bool allowed(const struct live_cfg *cfg, const struct rw_addr *a, uint32_t *asn)
{
	*asn = 0;
	for (size_t i = 0; i < cfg->npeers; i++)
		if (cfg->peers[i].addr.af == a->af && !memcmp(cfg->peers[i].addr.b, a->b, 16)) {
			*asn = cfg->peers[i].asn;
			return true;
		}
	for (size_t i = 0; i < cfg->naccept; i++)
		if (in_prefix(a, &cfg->accept[i]))
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
	if (!live_to_addr(sa, &peer) || getsockname(fd, (struct sockaddr *)&ss, &sl) ||
	    !live_to_addr((struct sockaddr *)&ss, &local)) {
		evutil_closesocket(fd);
		return;
	}
	fmt_addr(name, &peer);
	if (!allowed(lv->cfg, &peer, &asn)) {
		rw_log(RW_LOG_WARN, "connection from %s refused: not a configured peer (--peer, --accept)", name);
		evutil_closesocket(fd);
		return;
	}
	/* a new connection from a peer means its old one is dead */
	for (struct conn *o = lv->conns; o; o = o->next)
		if (!o->closing && o->peer.af == peer.af && !memcmp(o->peer.b, peer.b, 16)) {
			bgp_sess_cease(&o->sess, 7, &lv->tx); /* connection collision resolution */
			conn_end(o, "the peer connected again", true);
			break;
		}
	struct conn *c = calloc(1, sizeof *c);
	if (!c) {
		evutil_closesocket(fd);
		return;
	}
	c->lv = lv;
	c->rib_peer = UINT32_MAX;
	c->peer = peer;
	c->local = local.af == peer.af ? local : peer;
	memcpy(c->name, name, sizeof name);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	evutil_make_socket_nonblocking(fd);
	c->bev = bufferevent_socket_new(lv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		evutil_closesocket(fd);
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
	};
	bgp_sess_init(&c->sess, &sc);
	bufferevent_setcb(c->bev, on_read, NULL, on_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	bgp_sess_start(&c->sess, live_mono_ms(), &lv->tx);
	send_tx(lv, c);
	rw_log(RW_LOG_INFO, "connection from %s", name);
}

/* ---------------------------------------------------------------- daemon */

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, res = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_s(void)
{
	return (double)live_mono_ms() / 1000.0;
}

static void status(struct live *lv)
{
	unsigned up = 0, all = 0;
	for (struct conn *c = lv->conns; c; c = c->next) {
		all += !c->closing;
		up += c->up;
	}
	double t = now_s(), dt = t - lv->last_t;
	double rate = dt > 0 ? (double)(lv->msgs - lv->last_msgs) / dt : 0;
	lv->last_t = t;
	lv->last_msgs = lv->msgs;
	char bmp[96] = "";
	if (lv->bmp_lis) {
		unsigned nr, np;
		live_bmp_count(lv, &nr, &np);
		snprintf(bmp, sizeof bmp, ", BMP %u routers %u peers up", nr, np);
	}
	char ribin[96] = "";
	if (lv->ribin) {
		uint64_t rr, rb;
		live_rib_stats(lv->ribin, &rr, &rb);
		snprintf(ribin, sizeof ribin, ", Adj-RIB-In %llu routes %.1f MB", (unsigned long long)rr,
			 (double)rb / 1e6);
	}
	char arch[160] = "";
	if (lv->arch) {
		struct live_arch_stats as;
		live_arch_stats(lv->arch, &as);
		snprintf(arch, sizeof arch, ", archive %llu files %llu records %s%llu bytes waiting",
			 (unsigned long long)as.files, (unsigned long long)as.records,
			 as.failing ? "FAILING, " : "", (unsigned long long)as.kept_bytes);
	}
	/* asked for: printed whatever the log level */
	fprintf(stderr,
	       "routewatch: status: %u/%u peers established%s, %u prefixes, %llu routes, %llu messages (%.0f/s), %llu updates, %llu events%s%s, RSS %.1f MB",
	       up, all, bmp, lv->eng->rib.npfx, (unsigned long long)lv->eng->rib.route_count,
	       (unsigned long long)lv->msgs, rate, (unsigned long long)lv->updates,
	       (unsigned long long)lv->eng->det.events, arch, ribin, (double)rss_kb() / 1024.0);
	fputc('\n', stderr);
}

void live_dump_coll(struct live *lv, uint32_t coll, struct live_arch *a, uint32_t ts, const char *name)
{
	struct mrt_buf b = {0};
	uint64_t n = 0;
	double t0 = now_s();
	if (live_rib_dump(lv->ribin, coll, ts, lv->router_id, "", &b, &n)) {
		rw_log(RW_LOG_ERROR, "RIB dump of %s: out of memory", name);
	} else {
		size_t len = b.len;
		live_arch_put_buf(a, ts, &b);
		live_arch_cut(a);
		rw_log(RW_LOG_INFO, "RIB dump of %s: %llu routes, %zu bytes in %.2f s (written by the writer thread)",
		       name, (unsigned long long)n, len, now_s() - t0);
	}
	mrt_buf_release(&b);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct live *lv = arg;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	clock_to(lv, (uint32_t)now.tv_sec);
	uint64_t ms = live_mono_ms();
	for (struct conn *c = lv->conns, *nx; c; c = nx) {
		nx = c->next;
		if (c->closing)
			continue;
		long r = bgp_sess_tick(&c->sess, ms, &lv->tx);
		send_tx(lv, c);
		if (r < 0)
			conn_end(c, c->sess.why, true);
	}
	if (lv->arch)
		live_arch_tick(lv->arch, (uint32_t)now.tv_sec);
	live_bmp_tick(lv, (uint32_t)now.tv_sec);
	/* RIB dumps at the start of their period: the state is the end of
	 * the second before (just evaluated) */
	uint32_t t = (uint32_t)now.tv_sec;
	if (lv->ribin && t >= lv->next_dump) {
		if (lv->rib_arch)
			live_dump_coll(lv, lv->bgp_coll, lv->rib_arch, t, lv->coll_name);
		live_bmp_dump(lv, t);
		lv->next_dump = t - t % lv->cfg->rib_every + lv->cfg->rib_every;
	}
	if (lv->rib_arch)
		live_arch_tick(lv->rib_arch, t);
	if (lv->cfg->tick)
		lv->cfg->tick(lv->cfg->arg);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct live *lv = arg;
	if (sig == SIGUSR1) {
		status(lv);
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

struct evconnlistener *live_listen(struct live *lv, const char *opt, const char *spec, uint16_t port,
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
	struct evconnlistener *l = evconnlistener_new_bind(lv->base, cb, lv, LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_FREE,
							    64, (struct sockaddr *)&ss, sl);
	if (!l)
		rw_log(RW_LOG_ERROR, "cannot listen on %s: %s", spec, strerror(errno));
	else if (addr)
		live_to_addr((struct sockaddr *)&ss, addr);
	return l;
}

static int listen_on(struct live *lv, const char *spec)
{
	struct rw_addr a;
	if (!(lv->lis = live_listen(lv, "bgp", spec, 179, on_accept, &a)))
		return RW_EIO;
	fmt_addr(lv->coll_name, &a);
	if (!lv->router_id)
		lv->router_id = a.af == RW_AF_INET && rd32(a.b) ? rd32(a.b) : 1;
	return 0;
}

int live_run(const struct live_cfg *cfg)
{
	struct live *lv = calloc(1, sizeof *lv);
	if (!lv)
		return RW_ENOMEM;
	lv->cfg = cfg;
	lv->router_id = cfg->router_id;
	int rc = 0;
	signal(SIGPIPE, SIG_IGN);
	lv->base = event_base_new();
	lv->eng = malloc(sizeof *lv->eng);
	if (!lv->base || !lv->eng || obuf_init_mem(&lv->tx, 4096)) {
		rc = RW_ENOMEM;
		goto out;
	}
	engine_init(lv->eng, cfg->min_peers ? cfg->min_peers : 2, on_det, lv);
	det_group_init(&lv->g);
	if (cfg->attach && (rc = cfg->attach(cfg->arg, lv->eng))) {
		mrt_dec_init(&lv->dec);
		goto out_engine;
	}
	mrt_dec_init(&lv->dec);
	lv->dec.skip_path = true;
	if (cfg->bgp_listen && (rc = listen_on(lv, cfg->bgp_listen)))
		goto out_engine;
	if (cfg->bmp_listen && (rc = live_bmp_listen(lv, cfg->bmp_listen)))
		goto out_engine;
	lv->bgp_coll = rib_collector(&lv->eng->rib, cfg->collector ? cfg->collector : lv->coll_name);
	if (cfg->archive && ((rc = live_writer_start(&lv->writer)) ||
			     (rc = live_arch_open(&lv->arch, lv->writer, cfg->archive, "updates", cfg->comp,
						  cfg->rotate))))
		goto out_engine;
	if (cfg->archive && cfg->rib_every) {
		if ((rc = live_rib_init(&lv->ribin)))
			goto out_engine;
		if (cfg->bgp_listen &&
		    (rc = live_arch_open(&lv->rib_arch, lv->writer, cfg->archive, "rib", cfg->comp, cfg->rib_every)))
			goto out_engine;
		uint32_t t = (uint32_t)time(NULL);
		lv->next_dump = t - t % cfg->rib_every + cfg->rib_every;
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
	lv->last_t = now_s();
	char bgp[300] = "";
	if (cfg->bgp_listen)
		snprintf(bgp, sizeof bgp, " BGP on %s (collector %s)", cfg->bgp_listen,
			 cfg->collector ? cfg->collector : lv->coll_name);
	rw_log(RW_LOG_INFO, "collecting as AS%u:%s%s%s%s%s", cfg->asn, bgp,
	       cfg->bmp_listen ? " BMP on " : "", cfg->bmp_listen ? cfg->bmp_listen : "",
	       cfg->archive ? ", archive in " : "", cfg->archive ? cfg->archive : "");
	event_base_dispatch(lv->base);

	/* Shutdown: Cease to every peer (not recorded as the peers' doing:
	 * the collector stopping is not a network going down), the last
	 * second evaluated, every archive file finished. */
	for (struct conn *c = lv->conns, *nx; c; c = nx) {
		nx = c->next;
		if (!c->closing) {
			bgp_sess_cease(&c->sess, 2, &lv->tx);
			send_tx(lv, c);
			bufferevent_flush(c->bev, EV_WRITE, BEV_FLUSH);
			evutil_socket_t fd = bufferevent_getfd(c->bev);
			struct evbuffer *o = bufferevent_get_output(c->bev);
			if (fd >= 0 && evbuffer_get_length(o))
				evbuffer_write(o, fd); /* best effort, non-blocking */
		}
		conn_free(c);
	}
	live_bmp_close(lv);
	engine_flush(lv->eng);
	emit(lv);
	if (cfg->second && lv->eng->have_sec)
		cfg->second(cfg->arg, lv->eng->sec + 1, true);
	status(lv);
	live_arch_close(lv->arch);
	live_arch_close(lv->rib_arch);
	lv->arch = lv->rib_arch = NULL;
	if (live_writer_stop(lv->writer)) /* every file written, or named as lost */
		rc = RW_EIO;
	lv->writer = NULL;
	if (lv->rc)
		rc = lv->rc;
out_engine:
	live_bmp_close(lv);
	live_writer_stop(lv->writer);
	live_rib_free(lv->ribin);
	for (struct conn *c = lv->conns, *nx; c; c = nx) {
		nx = c->next;
		conn_free(c);
	}
	for (int i = 0; i < 4; i++)
		if (lv->sig[i])
			event_free(lv->sig[i]);
	if (lv->tick)
		event_free(lv->tick);
	if (lv->lis)
		evconnlistener_free(lv->lis);
	mrt_dec_release(&lv->dec);
	mrt_buf_release(&lv->rec);
	det_group_release(&lv->g);
	engine_release(lv->eng);
out:
	obuf_release(&lv->tx);
	free(lv->eng);
	if (lv->base)
		event_base_free(lv->base);
	free(lv);
	return rc;
}
