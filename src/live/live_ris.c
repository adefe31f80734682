/*
 * live_ris.c: the RIS Live client (RIPE's WebSocket JSON stream) as a
 * source of live/ (see live.h). libwebsockets runs on a thread of its own,
 * so the socket is read as fast as the server sends (RIS Live closes a
 * consumer that falls behind) whatever the engine is doing; each message is
 * decoded there (ris/, pure) into the records a RIS collector archives,
 * which go to the event loop in batches through a live_chan (live_chan.c:
 * a bounded queue and a wake-up pipe): when the loop falls behind, the
 * queue fills, the thread waits, and TCP pushes back on the server. The
 * loop hands every record to the record hook with its collector (the
 * message's host).
 *
 * Reconnection: after an error or a close, again after a back-off that
 * doubles from 1 s to ris_backoff_max (reset by a message received).
 * A connection silent for ris_timeout seconds (no message, no pong to our
 * {"type":"ping"} sent at half of it) is closed and made again: a stalled
 * server. Each of these is logged once, as it happens, and counted.
 *
 * Bad input: a message that cannot be decoded (not JSON, a missing or
 * wrong field, a binary frame, longer than RIS_MAX_MSG) is logged with the
 * URL, its number in the run and its byte offset in its connection's
 * stream, counted, and skipped; a ris_error is logged and counted.
 *
 * Threads: the client thread owns the lws context, the decoder and the
 * batch being filled; the loop thread owns the host table and everything
 * else of struct live. They share the live_chan and the counters (atomic).
 */
#include "live_int.h"
#include "../ris/ris.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RIS_BATCH_BYTES (256u << 10) /* a batch is handed over at this size */
#define RIS_QUEUE 64                 /* batches waiting for the loop */
#define RIS_FLUSH_US 5000            /* or this long after its first record */

/* A record in a batch: this header, the host's name, the record. */
struct ris_ent {
	uint32_t len;     /* bytes of the record */
	uint32_t epoch;   /* the connection it came on (1, 2, ...) */
	uint32_t ts;
	uint32_t peer_asn;
	uint8_t hostlen;
	struct rw_addr peer;
};

struct ris_batch {
	struct obuf b;    /* ris_ent, host, record; ... */
	uint32_t n;
};

struct live_ris {
	struct live *lv;               /* the loop's (loop thread only) */
	const struct live_cfg *cfg;    /* borrowed */
	char url[1024];                /* as given, for messages */
	char uri[1024];                /* cut up by lws_parse_uri */
	const char *prot, *ads, *path;
	int port;
	bool tls;
	pthread_t th;
	bool started;
	struct live_chan ch;           /* full batches to the loop */
	atomic_bool stop;
	/* the loop thread's: collectors by host */
	char **hosts;
	uint32_t *ids;
	uint32_t *epochs;              /* per host: the connection of its last record */
	uint32_t capepochs;
	uint32_t nhosts, caphosts, capids;
	/* the client thread's */
	struct lws_context *ctx;
	struct lws *wsi;               /* the connection, or NULL */
	struct ris_dec dec;
	struct obuf msg;               /* the message being received */
	bool too_long;                 /* the message went past RIS_MAX_MSG */
	struct obuf scratch;           /* records of one message */
	struct obuf tx;                /* LWS_PRE bytes, then what to send */
	bool want_sub, want_ping;
	struct ris_batch *batch;       /* being filled */
	lws_sorted_usec_list_t sul_flush, sul_watch, sul_retry;
	uint64_t conn_bytes;           /* stream offset of the connection */
	uint32_t epoch;                /* connections established so far */
	uint64_t last_rx_ms;           /* last frame of the connection */
	bool ping_sent, connected, ever_connected;
	unsigned backoff;              /* s before the next attempt */
	/* counts (both threads read; the client thread writes) */
	atomic_uint_fast64_t msgs, records, bad, errors, skipped, connects, drops;
};

static uint64_t now_ms(void)
{
	return live__mono_ms();
}

/* ---------------------------------------------------------------- client thread */

static void hand_batch(struct live_ris *r)
{
	struct ris_batch *b = r->batch;
	if (!b || !b->n)
		return;
	r->batch = NULL;
	if (live__chan_put(&r->ch, b)) { /* closed: shutting down */
		obuf_release(&b->b);
		free(b);
	}
}

static void on_flush(lws_sorted_usec_list_t *sul)
{
	struct live_ris *r = (struct live_ris *)((char *)sul - offsetof(struct live_ris, sul_flush));
	hand_batch(r);
}

static void add_records(struct live_ris *r, const struct ris_msg *m, const uint8_t *p, size_t n)
{
	size_t hl = strlen(m->host);
	while (n >= MRT_HDR_LEN) {
		size_t rl = MRT_HDR_LEN + rd32(p + 8);
		if (rl > n)
			break; /* cannot be: the writer made them */
		if (!r->batch) {
			r->batch = rw_calloc(1, sizeof *r->batch);
			lws_sul_schedule(r->ctx, 0, &r->sul_flush, on_flush, RIS_FLUSH_US);
		}
		struct ris_ent e = {.len = (uint32_t)rl, .epoch = r->epoch, .ts = m->ts, .peer_asn = m->peer_asn, .hostlen = (uint8_t)hl,
				    .peer = m->peer};
		obuf_write(&r->batch->b, &e, sizeof e);
		obuf_write(&r->batch->b, m->host, hl);
		obuf_write(&r->batch->b, p, rl);
		r->batch->n++;
		atomic_fetch_add(&r->records, 1);
		p += rl;
		n -= rl;
	}
	if (r->batch && r->batch->b.len >= RIS_BATCH_BYTES)
		hand_batch(r);
}

/* A whole message of the stream. */
static void on_message(struct live_ris *r, const char *js, size_t n, bool binary)
{
	uint64_t no = atomic_fetch_add(&r->msgs, 1) + 1;
	uint64_t off = r->conn_bytes;
	r->conn_bytes += n;
	char err[256];
	struct ris_msg m;
	int rc;
	if (binary) {
		snprintf(err, sizeof err, "a binary frame (RIS Live sends text)");
		rc = RW_EMALFORMED;
	} else if (r->too_long) {
		snprintf(err, sizeof err, "longer than %u bytes", RIS_MAX_MSG);
		rc = RW_ELIMIT;
	} else {
		obuf_reset(&r->scratch);
		rc = ris_decode(&r->dec, js, n, &r->scratch, &m, err, sizeof err);
	}
	if (rc) {
		atomic_fetch_add(&r->bad, 1);
		rw_log(RW_LOG_WARN, "%s: message %llu (byte %llu of the connection): %s: skipped", r->url,
		       (unsigned long long)no, (unsigned long long)off, err);
		return;
	}
	r->backoff = 1; /* the server works */
	switch (m.kind) {
	case RIS_RECORDS: add_records(r, &m, obuf_data(&r->scratch), r->scratch.len); break;
	case RIS_ERROR:
		atomic_fetch_add(&r->errors, 1);
		rw_log(RW_LOG_WARN, "%s: ris_error (message %llu): %s", r->url, (unsigned long long)no, m.text);
		break;
	default: atomic_fetch_add(&r->skipped, 1); break;
	}
}

static void connect_now(struct live_ris *r);

static void on_retry(lws_sorted_usec_list_t *sul)
{
	struct live_ris *r = (struct live_ris *)((char *)sul - offsetof(struct live_ris, sul_retry));
	connect_now(r);
}

/* The connection is gone (or never came): try again after the back-off. */
static void lost(struct live_ris *r, const char *why)
{
	bool was = r->connected;
	r->connected = false;
	r->wsi = NULL;
	if (atomic_load(&r->stop))
		return;
	hand_batch(r);
	atomic_fetch_add(&r->drops, 1);
	rw_log(RW_LOG_WARN, "%s: %s%s; connecting again in %u s", r->url, was ? "disconnected: " : "cannot connect: ",
	       why, r->backoff);
	lws_sul_schedule(r->ctx, 0, &r->sul_retry, on_retry, (lws_usec_t)r->backoff * LWS_US_PER_SEC);
	unsigned max = r->cfg->ris_backoff_max ? r->cfg->ris_backoff_max : 60;
	r->backoff = r->backoff * 2 > max ? max : r->backoff * 2;
}

static void connect_now(struct live_ris *r)
{
	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof ci);
	ci.context = r->ctx;
	ci.address = r->ads;
	ci.port = r->port;
	ci.path = r->path;
	ci.host = r->ads;
	ci.origin = r->ads;
	ci.ssl_connection = r->tls ? LCCSCF_USE_SSL : 0;
	ci.local_protocol_name = "ris-live";
	ci.pwsi = &r->wsi;
	ci.userdata = r;
	if (!lws_client_connect_via_info(&ci))
		lost(r, "the connection could not be started");
}

/* Once a second: a silent connection is pinged, then dropped. */
static void on_watch(lws_sorted_usec_list_t *sul)
{
	struct live_ris *r = (struct live_ris *)((char *)sul - offsetof(struct live_ris, sul_watch));
	unsigned to = r->cfg->ris_timeout ? r->cfg->ris_timeout : 60;
	if (r->connected && r->wsi) {
		uint64_t quiet = now_ms() - r->last_rx_ms;
		if (quiet >= (uint64_t)to * 1000) {
			rw_log(RW_LOG_WARN, "%s: nothing received for %u s (the server stalls)", r->url, to);
			lws_set_timeout(r->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		} else if (quiet >= (uint64_t)to * 500 && !r->ping_sent) {
			r->want_ping = true;
			r->ping_sent = true;
			lws_callback_on_writable(r->wsi);
		}
	}
	lws_sul_schedule(r->ctx, 0, &r->sul_watch, on_watch, LWS_US_PER_SEC);
}

static void send_text(struct live_ris *r, struct lws *wsi, const char *s, size_t n)
{
	obuf_reset(&r->tx);
	char *p = obuf_room(&r->tx, LWS_PRE + n);
	memcpy(p + LWS_PRE, s, n);
	if (lws_write(wsi, (unsigned char *)p + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n)
		rw_log(RW_LOG_WARN, "%s: could not send %.40s", r->url, s);
}

static int on_lws(struct lws *wsi, enum lws_callback_reasons why, void *user, void *in, size_t len)
{
	(void)user;
	struct lws_context *ctx = lws_get_context(wsi);
	struct live_ris *r = ctx ? lws_context_user(ctx) : NULL;
	if (!r)
		return 0;
	switch (why) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		r->connected = true;
		r->conn_bytes = 0;
		r->epoch++;
		r->last_rx_ms = now_ms();
		r->ping_sent = false;
		atomic_fetch_add(&r->connects, 1);
		rw_log(r->ever_connected ? RW_LOG_WARN : RW_LOG_INFO, "%s: %s", r->url,
		       r->ever_connected ? "connected again (RIS Live has no replay: what was sent meanwhile is missed)"
					 : "connected");
		r->ever_connected = true;
		r->want_sub = true;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		struct obuf s = {0};
		if (r->want_sub) {
			r->want_sub = false;
			ris_subscribe_json(&s, &r->cfg->ris_sub);
			send_text(r, wsi, (const char *)obuf_data(&s), s.len);
		} else if (r->want_ping) {
			r->want_ping = false;
			send_text(r, wsi, "{\"type\":\"ping\"}", 15);
		}
		obuf_release(&s);
		if (r->want_ping)
			lws_callback_on_writable(wsi);
		break;
	}
	case LWS_CALLBACK_CLIENT_RECEIVE: {
		r->last_rx_ms = now_ms();
		r->ping_sent = false;
		if (lws_is_first_fragment(wsi)) {
			obuf_reset(&r->msg);
			r->too_long = false;
		}
		if (!r->too_long) {
			if (r->msg.len + len > RIS_MAX_MSG) {
				r->too_long = true;
				r->conn_bytes += r->msg.len;
				obuf_reset(&r->msg);
			} else {
				obuf_write(&r->msg, in, len);
			}
		} else {
			r->conn_bytes += len;
		}
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			on_message(r, (const char *)obuf_data(&r->msg), r->msg.len, lws_frame_is_binary(wsi));
			obuf_reset(&r->msg);
			if (r->msg.cap > (1u << 16)) { /* a long one does not keep its buffer */
				obuf_release(&r->msg);
				memset(&r->msg, 0, sizeof r->msg);
			}
			r->too_long = false;
		}
		break;
	}
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		r->last_rx_ms = now_ms();
		r->ping_sent = false;
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2)
			rw_log(RW_LOG_WARN, "%s: the server closes (code %u%s%.*s)", r->url,
			       (unsigned)((const uint8_t *)in)[0] << 8 | ((const uint8_t *)in)[1], len > 2 ? ": " : "",
			       (int)(len > 2 ? (len - 2 > 120 ? 120 : len - 2) : 0), (const char *)in + 2);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		char why_s[160];
		snprintf(why_s, sizeof why_s, "%.*s", in ? (int)(len && len < 150 ? len : 150) : 0,
			 in ? (const char *)in : "");
		if (!in || !*why_s)
			snprintf(why_s, sizeof why_s, "connection error");
		lost(r, why_s);
		break;
	}
	case LWS_CALLBACK_CLIENT_CLOSED: lost(r, "closed"); break;
	default: break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{"ris-live", on_lws, 0, 1 << 16, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void lws_to_rw(int level, const char *line)
{
	(void)level;
	rw_log(RW_LOG_DEBUG, "libwebsockets: %.*s", (int)strcspn(line, "\n"), line);
}

static void *client_main(void *arg)
{
	struct live_ris *r = arg;
	while (!atomic_load(&r->stop)) {
		if (lws_service(r->ctx, 0) < 0)
			break;
	}
	hand_batch(r);
	return NULL;
}

/* ---------------------------------------------------------------- loop thread */

/* The index of host h in r->hosts (added, with its collector id, when new). */
static uint32_t host_idx(struct live_ris *r, const char *h, size_t n)
{
	for (uint32_t i = 0; i < r->nhosts; i++)
		if (strlen(r->hosts[i]) == n && !memcmp(r->hosts[i], h, n))
			return i;
	char *name = rw_malloc(n + 1);
	memcpy(name, h, n);
	name[n] = 0;
	rw_vec_grow(&r->hosts, &r->caphosts, (size_t)r->nhosts + 1, sizeof *r->hosts, UINT32_MAX, RW_MEM_LIVE);
	rw_vec_grow(&r->ids, &r->capids, (size_t)r->nhosts + 1, sizeof *r->ids, UINT32_MAX, RW_MEM_LIVE);
	rw_vec_grow(&r->epochs, &r->capepochs, (size_t)r->nhosts + 1, sizeof *r->epochs, UINT32_MAX, RW_MEM_LIVE);
	r->hosts[r->nhosts] = name;
	r->ids[r->nhosts] = r->lv->hooks->collector(r->lv->hooks->arg, name, false);
	r->epochs[r->nhosts] = 0;
	rw_log(RW_LOG_INFO, "%s: collector %s", r->url, name);
	return r->nhosts++;
}

static void run_batch(struct live_ris *r, struct ris_batch *b)
{
	const uint8_t *p = obuf_data(&b->b);
	size_t off = 0;
	for (uint32_t i = 0; i < b->n; i++) {
		struct ris_ent e;
		memcpy(&e, p + off, sizeof e);
		off += sizeof e;
		const char *host = (const char *)p + off;
		off += e.hostlen;
		uint32_t h = host_idx(r, host, e.hostlen);
		if (r->ids[h] != UINT32_MAX) {
			/* the first record of a host on a new connection: what
			 * it sent while we were away is lost */
			struct live_src src = {.coll = r->ids[h], .peer = e.peer, .local = {.af = e.peer.af},
					       .peer_asn = e.peer_asn, .local_asn = RIS_LOCAL_ASN, .as4 = true,
					       .name = r->hosts[h], .gap_before = r->epochs[h] && r->epochs[h] != e.epoch};
			r->epochs[h] = e.epoch;
			r->lv->hooks->record(r->lv->hooks->arg, &src, e.ts, p + off, e.len);
		}
		off += e.len;
	}
	r->lv->n.msgs += b->n;
	r->lv->n.updates += b->n;
}

/* A batch the client thread handed over: applied, freed. */
static void take(void *arg, void *item)
{
	struct ris_batch *b = item;
	run_batch(arg, b);
	obuf_release(&b->b);
	free(b);
}

int live__ris_open(struct live *lv)
{
	const struct live_cfg *cfg = lv->cfg;
	struct live_ris *r = rw_calloc(1, sizeof *r);
	lv->ris = r;
	r->lv = lv;
	r->cfg = cfg;
	r->backoff = 1;
	snprintf(r->url, sizeof r->url, "%s", cfg->ris_url);
	snprintf(r->uri, sizeof r->uri, "%s", cfg->ris_url);
	const char *p = NULL;
	if (strlen(cfg->ris_url) >= sizeof r->uri || lws_parse_uri(r->uri, &r->prot, &r->ads, &r->port, &p) ||
	    (strcmp(r->prot, "ws") && strcmp(r->prot, "wss")) || !*r->ads) {
		rw_log(RW_LOG_ERROR, "--ris-live wants ws://HOST[:PORT]/PATH or wss://..., not '%s'", cfg->ris_url);
		return RW_EINVAL;
	}
	r->tls = !strcmp(r->prot, "wss");
	if (!strchr(cfg->ris_url + strlen(r->prot) + 3, ':'))
		r->port = r->tls ? 443 : 80;
	/* lws_parse_uri leaves the path without its '/' */
	size_t pl = strlen(p);
	char *path = rw_malloc(pl + 2);
	path[0] = '/';
	memcpy(path + 1, p, pl + 1);
	r->path = path;
	if (live__chan_open(&r->ch, lv, RIS_QUEUE, take, r))
		return RW_EIO;
	ris_dec_init(&r->dec);
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_to_rw);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = r;
	info.options = r->tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
	info.gid = -1;
	info.uid = -1;
	r->ctx = lws_create_context(&info);
	if (!r->ctx) {
		rw_log(RW_LOG_ERROR, "%s: cannot make the WebSocket client", r->url);
		return RW_EIO;
	}
	connect_now(r);
	lws_sul_schedule(r->ctx, 0, &r->sul_watch, on_watch, LWS_US_PER_SEC);
	if (pthread_create(&r->th, NULL, client_main, r)) {
		rw_log(RW_LOG_ERROR, "cannot start the RIS Live thread");
		return RW_EIO;
	}
	r->started = true;
	rw_log(RW_LOG_INFO, "RIS Live: %s", r->url);
	return 0;
}

void live__ris_counts(const struct live *lv, struct live_counts *n)
{
	const struct live_ris *r = lv->ris;
	if (!r)
		return;
	n->ris_msgs = atomic_load(&r->msgs);
	n->ris_bad = atomic_load(&r->bad);
	n->ris_errors = atomic_load(&r->errors);
	n->ris_connects = atomic_load(&r->connects);
	n->ris_drops = atomic_load(&r->drops);
	n->ris_connected = r->connected;
}

void live__ris_close(struct live *lv)
{
	struct live_ris *r = lv->ris;
	if (!r)
		return;
	if (r->started) {
		atomic_store(&r->stop, true);
		live__chan_stop(&r->ch); /* a thread waiting to push lets go */
		lws_cancel_service(r->ctx);
		pthread_join(r->th, NULL);
	}
	/* what the thread handed over and the loop did not take: applied,
	 * as the records received before the stop they are */
	live__chan_close(&r->ch);
	if (r->ctx)
		lws_context_destroy(r->ctx);
	if (r->batch) {
		obuf_release(&r->batch->b);
		free(r->batch);
	}
	struct live_counts n = {0};
	live__ris_counts(lv, &n);
	rw_log(RW_LOG_INFO, "%s: %llu messages, %llu records, %llu malformed, %llu ris_error, %llu connections, %llu lost",
	       r->url, (unsigned long long)n.ris_msgs, (unsigned long long)atomic_load(&r->records),
	       (unsigned long long)n.ris_bad, (unsigned long long)n.ris_errors, (unsigned long long)n.ris_connects,
	       (unsigned long long)n.ris_drops);
	ris_dec_release(&r->dec);
	obuf_release(&r->msg);
	obuf_release(&r->scratch);
	obuf_release(&r->tx);
	for (uint32_t i = 0; i < r->nhosts; i++)
		free(r->hosts[i]);
	rw_vec_free(&r->hosts, &r->caphosts, sizeof *r->hosts, RW_MEM_LIVE);
	rw_vec_free(&r->ids, &r->capids, sizeof *r->ids, RW_MEM_LIVE);
	rw_vec_free(&r->epochs, &r->capepochs, sizeof *r->epochs, RW_MEM_LIVE);
	free((char *)r->path);
	free(r);
	lv->ris = NULL;
}
