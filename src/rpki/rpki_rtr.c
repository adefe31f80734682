/*
 * The RTR client (RFC 8210) through RTRlib's manager (see rpki.h). RTRlib
 * runs the session on its own threads and keeps its own prefix table; its
 * update callback, called for every record added or removed, queues the
 * change here under a mutex. The owner's thread takes the queue and
 * applies it to its struct rpki: validation never sees a table changing
 * under it, and the engine learns exactly which VRPs changed.
 */
#include "rpki.h"

#include <rtrlib/rtrlib.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define VEC(p, cap, need) rw_vec_grow(&(p), &(cap), (need), sizeof *(p), UINT32_MAX - 1, RW_MEM_RPKI)

struct rpki_rtr {
	struct tr_socket tr;
	struct tr_tcp_config tcp;
	struct rtr_socket rtr;
	struct rtr_socket *socks[1];
	struct rtr_mgr_group group;
	struct rtr_mgr_config *mgr;
	char *host, *port;        /* owned: the transport points at them */
	pthread_mutex_t mu;       /* guards q */
	struct rpki_change *q;     /* owned: changes not yet taken */
	uint32_t nq, capq;
	atomic_bool pending;
	atomic_int status;        /* enum rtr_mgr_status, last reported */
};

/* RTRlib's callback has no argument: the one client of the process. */
static struct rpki_rtr *the_client;

static void on_update(struct pfx_table *t, const struct pfx_record rec, const bool added)
{
	(void)t;
	struct rpki_rtr *c = the_client;
	if (!c)
		return;
	struct rpki_change ch = {.add = added};
	ch.x.asn = rec.asn;
	ch.x.len = rec.min_len;
	ch.x.maxlen = rec.max_len;
	if (rec.prefix.ver == LRTR_IPV4) {
		ch.x.af = RW_AF_INET;
		wr32(ch.x.b, rec.prefix.u.addr4.addr);
	} else {
		ch.x.af = RW_AF_INET6;
		for (int i = 0; i < 4; i++)
			wr32(ch.x.b + 4 * i, rec.prefix.u.addr6.addr[i]);
	}
	pthread_mutex_lock(&c->mu);
	if (VEC(c->q, c->capq, (size_t)c->nq + 1))
		rw_oom(sizeof ch);
	ch.seq = c->nq;
	c->q[c->nq++] = ch;
	pthread_mutex_unlock(&c->mu);
	atomic_store(&c->pending, true);
}

static void on_status(const struct rtr_mgr_group *g, enum rtr_mgr_status st, const struct rtr_socket *s, void *arg)
{
	(void)g;
	(void)s;
	struct rpki_rtr *c = arg;
	int old = atomic_exchange(&c->status, (int)st);
	if (old != (int)st)
		rw_log(st == RTR_MGR_ERROR ? RW_LOG_WARN : RW_LOG_INFO, "rtr %s:%s: %s", c->host, c->port,
		       rtr_mgr_status_to_str(st));
}

struct rpki_rtr *rpki_rtr_start(const char *host, const char *port, char *err, size_t esz)
{
	if (the_client) {
		snprintf(err, esz, "one RTR server per process");
		return NULL;
	}
	struct rpki_rtr *c = rw_calloc(1, sizeof *c);
	c->host = rw_strdup(host);
	c->port = rw_strdup(port);
	pthread_mutex_init(&c->mu, NULL);
	atomic_init(&c->status, RTR_MGR_CLOSED);
	c->tcp = (struct tr_tcp_config){.host = c->host, .port = c->port, .connect_timeout = 5};
	if (tr_tcp_init(&c->tcp, &c->tr) != TR_SUCCESS) {
		snprintf(err, esz, "rtr %s:%s: cannot make the TCP transport", host, port);
		goto fail;
	}
	c->rtr.tr_socket = &c->tr;
	c->socks[0] = &c->rtr;
	c->group = (struct rtr_mgr_group){.sockets = c->socks, .sockets_len = 1, .preference = 1};
	the_client = c;
	/* refresh every 30 s besides the server's notifies; RTRlib's
	 * smallest expiry (600 s); retry a lost server every 5 s */
	if (rtr_mgr_init(&c->mgr, &c->group, 1, 30, 600, 5, on_update, NULL, on_status, c) != RTR_SUCCESS) {
		snprintf(err, esz, "rtr %s:%s: RTRlib refused the configuration", host, port);
		the_client = NULL;
		c->tr.free_fp(&c->tr);
		goto fail;
	}
	if (rtr_mgr_start(c->mgr) != RTR_SUCCESS) {
		snprintf(err, esz, "rtr %s:%s: cannot start the RTR session", host, port);
		rtr_mgr_free(c->mgr);
		the_client = NULL;
		goto fail;
	}
	return c;
fail:
	pthread_mutex_destroy(&c->mu);
	free(c->host);
	free(c->port);
	free(c);
	return NULL;
}

void rpki_rtr_stop(struct rpki_rtr *c)
{
	if (!c)
		return;
	rtr_mgr_stop(c->mgr);
	rtr_mgr_free(c->mgr); /* frees the transport too */
	the_client = NULL;
	rw_vec_free(&c->q, &c->capq, sizeof *c->q, RW_MEM_RPKI);
	pthread_mutex_destroy(&c->mu);
	free(c->host);
	free(c->port);
	free(c);
}

int rpki_rtr_wait(struct rpki_rtr *c, unsigned timeout_ms)
{
	for (unsigned waited = 0; !rtr_mgr_conf_in_sync(c->mgr); waited += 20) {
		if (waited >= timeout_ms)
			return RW_ELIMIT;
		nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
	}
	return 0;
}

bool rpki_rtr_pending(struct rpki_rtr *c)
{
	return atomic_load(&c->pending);
}

uint32_t rpki_rtr_take(struct rpki_rtr *c, struct rpki *v, struct rpki_vrp **changed, uint32_t *nchanged,
		       uint32_t *capchanged)
{
	pthread_mutex_lock(&c->mu);
	struct rpki_change *q = c->q;
	uint32_t n = c->nq, cap = c->capq;
	c->q = NULL;
	c->nq = c->capq = 0;
	atomic_store(&c->pending, false);
	pthread_mutex_unlock(&c->mu);
	uint32_t before = nchanged ? *nchanged : 0;
	rpki_update(v, q, n, changed, nchanged, capchanged);
	rw_vec_free(&q, &cap, sizeof *q, RW_MEM_RPKI);
	return nchanged ? *nchanged - before : n;
}
