/* Scenario builder (see scen.h). */
#include "scen.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void scen_init(struct scen *s)
{
	memset(s, 0, sizeof *s);
	static unsigned seq;
	snprintf(s->dir, sizeof s->dir, "/tmp/rwscen-%d-%u", (int)getpid(), seq++);
	mkdir(s->dir, 0755);
}

static void rm_rf(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd)) {
		/* leaving a temp dir behind is harmless */
	}
}

void scen_free(struct scen *s)
{
	for (int i = 0; i < s->nev; i++)
		free(s->ev[i]);
	free(s->ev);
	for (int i = 0; i < s->ncoll; i++) {
		obuf_release(&s->coll[i].rib);
		obuf_release(&s->coll[i].upd);
	}
	rm_rf(s->dir);
}

int scen_collector(struct scen *s, const char *name)
{
	struct scen_coll *c = &s->coll[s->ncoll];
	snprintf(c->name, sizeof c->name, "%s", name);
	char d[256];
	snprintf(d, sizeof d, "%s/%s", s->dir, name);
	mkdir(d, 0755);
	return s->ncoll++;
}

int scen_peer(struct scen *s, int coll, const char *addr, uint32_t asn)
{
	struct scen_peer *p = &s->peer[s->npeer];
	p->coll = coll;
	parse_addr(addr, &p->addr);
	p->asn = asn;
	return s->npeer++;
}

static void file_name(char *b, size_t n, const struct scen *s, int coll, const char *kind, uint32_t ts)
{
	time_t t = ts;
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y%m%d.%H%M", &tm);
	snprintf(b, n, "%s/%s/%s.%s", s->dir, s->coll[coll].name, kind, when);
}

static void write_file(const char *path, const struct obuf *b)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	fwrite(obuf_data(b), 1, b->len, f);
	fclose(f);
}

static unsigned parse_path(const char *s, uint32_t *path, unsigned max, uint32_t *set, unsigned *setlen)
{
	unsigned n = 0;
	*setlen = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (*s == '{') {
			s++;
			while (*s && *s != '}') {
				set[(*setlen)++] = (uint32_t)strtoul(s, (char **)&s, 10);
				if (*s == ',')
					s++;
			}
			if (*s)
				s++;
			continue;
		}
		if (!*s)
			break;
		if (n < max)
			path[n++] = (uint32_t)strtoul(s, (char **)&s, 10);
		else
			strtoul(s, (char **)&s, 10);
	}
	return n;
}

static void close_rib(struct scen *s, int coll)
{
	struct scen_coll *c = &s->coll[coll];
	if (!c->rib_open)
		return;
	/* peer index: every peer of the collector */
	struct mrt_peer mp[32];
	int map[32], np = 0;
	for (int i = 0; i < s->npeer; i++) {
		map[i] = -1;
		if (s->peer[i].coll != coll)
			continue;
		memset(&mp[np], 0, sizeof mp[np]);
		mp[np].addr = s->peer[i].addr;
		mp[np].asn = s->peer[i].asn;
		mp[np].as4 = true;
		map[i] = np++;
	}
	mrt_write_peer_index(&c->rib, c->rib_ts, 1, c->name, mp, (unsigned)np);
	/* one record per prefix, entries of every peer */
	bool done[256] = {0};
	uint32_t seq = 0;
	for (int i = 0; i < s->nent; i++) {
		if (done[i])
			continue;
		struct bgp_wattrs wa[32];
		struct mrt_rib_entry re[32];
		unsigned n = 0;
		for (int j = i; j < s->nent; j++) {
			if (done[j] || memcmp(&s->ent[j].p, &s->ent[i].p, sizeof s->ent[i].p))
				continue;
			done[j] = true;
			struct scen_ent *e = &s->ent[j];
			memset(&wa[n], 0, sizeof wa[n]);
			wa[n].path = e->path;
			wa[n].path_len = e->len;
			wa[n].set = e->setlen ? e->set : NULL;
			wa[n].set_len = e->setlen;
			wa[n].nexthop = s->peer[e->peer].addr;
			if (e->p.af != wa[n].nexthop.af) {
				parse_addr(e->p.af == RW_AF_INET6 ? "2001:db8::1" : "192.0.2.1", &wa[n].nexthop);
			}
			re[n] = (struct mrt_rib_entry){.peer_index = (uint16_t)map[e->peer], .orig_time = c->rib_ts,
						       .attrs = &wa[n]};
			n++;
		}
		mrt_write_rib(&c->rib, c->rib_ts, seq++, &s->ent[i].p, re, n, false);
	}
	char path[256];
	file_name(path, sizeof path, s, coll, "rib", c->rib_ts);
	write_file(path, &c->rib);
	c->rib.len = 0;
	c->rib_open = false;
	s->nent = 0;
}

static void close_upd(struct scen *s, int coll)
{
	struct scen_coll *c = &s->coll[coll];
	if (!c->upd_open)
		return;
	char path[256];
	file_name(path, sizeof path, s, coll, "updates", c->upd_ts);
	write_file(path, &c->upd);
	c->upd.len = 0;
	c->upd_open = false;
}

void scen_rib(struct scen *s, int coll, uint32_t ts)
{
	close_rib(s, coll);
	s->coll[coll].rib_open = true;
	s->coll[coll].rib_ts = ts;
}

void scen_route(struct scen *s, int peer, const char *prefix, const char *path)
{
	struct scen_ent *e = &s->ent[s->nent++];
	memset(e, 0, sizeof *e);
	e->peer = peer;
	parse_prefix(prefix, &e->p);
	e->len = parse_path(path, e->path, 16, e->set, &e->setlen);
}

void scen_updates(struct scen *s, int coll, uint32_t ts)
{
	close_upd(s, coll);
	s->coll[coll].upd_open = true;
	s->coll[coll].upd_ts = ts;
}

static struct mrt_bgp4mp_hdr hdr(const struct scen *s, int peer, uint32_t ts)
{
	const struct scen_peer *p = &s->peer[peer];
	struct mrt_bgp4mp_hdr h = {.ts = ts, .as4 = !p->as2, .peer_asn = p->asn, .local_asn = 6447,
				   .peer = p->addr, .local = p->addr};
	h.local.b[p->addr.af == RW_AF_INET6 ? 15 : 3] ^= 0xff;
	return h;
}

void scen_announce(struct scen *s, int peer, uint32_t ts, const char *prefix, const char *path)
{
	struct scen_coll *c = &s->coll[s->peer[peer].coll];
	uint32_t p[16], set[4];
	unsigned setlen;
	struct bgp_wattrs a = {0};
	a.path = p;
	a.path_len = parse_path(path, p, 16, set, &setlen);
	a.set = setlen ? set : NULL;
	a.set_len = setlen;
	struct rw_prefix pf;
	parse_prefix(prefix, &pf);
	if (pf.af == RW_AF_INET6)
		parse_addr("2001:db8::1", &a.nexthop);
	else
		parse_addr("192.0.2.1", &a.nexthop);
	struct mrt_bgp4mp_hdr h = hdr(s, peer, ts);
	mrt_write_update(&c->upd, &h, &a, &pf, 1, NULL, 0);
}

void scen_withdraw(struct scen *s, int peer, uint32_t ts, const char *prefix)
{
	struct scen_coll *c = &s->coll[s->peer[peer].coll];
	struct rw_prefix pf;
	parse_prefix(prefix, &pf);
	struct mrt_bgp4mp_hdr h = hdr(s, peer, ts);
	mrt_write_update(&c->upd, &h, NULL, NULL, 0, &pf, 1);
}

void scen_state(struct scen *s, int peer, uint32_t ts, uint16_t old_state, uint16_t new_state)
{
	struct scen_coll *c = &s->coll[s->peer[peer].coll];
	struct mrt_bgp4mp_hdr h = hdr(s, peer, ts);
	mrt_write_state(&c->upd, &h, old_state, new_state);
}

static void on_event(void *arg, const struct det_event *e)
{
	det_group_add(arg, e);
}

struct rec_has {
	const struct rw_prefix *p;
	bool found;
};

static int rec_elem(void *arg, const struct bgp_elem *el)
{
	struct rec_has *h = arg;
	struct rw_prefix q = el->pfx;
	q.path_id = 0;
	if (el->type == BGP_ELEM_ANNOUNCE && !rw_prefix_cmp(&q, h->p))
		h->found = true;
	return 0;
}

/* Does the proof's record (header and body) announce p? */
static bool rec_announces(const struct det_proof *pf, const struct rw_prefix *p)
{
	struct mrt_rec rec;
	memset(&rec, 0, sizeof rec);
	mrt_hdr_decode(pf->rec, &rec.h);
	rec.body = pf->rec + MRT_HDR_LEN;
	rec.len = pf->len - MRT_HDR_LEN;
	struct mrt_dec d;
	mrt_dec_init(&d);
	struct rec_has h = {p, false};
	struct mrt_result res;
	memset(&res, 0, sizeof res);
	mrt_decode(&d, &rec, rec_elem, &h, &res);
	mrt_dec_release(&d);
	return h.found;
}

void scen_run(struct scen *s, unsigned min_peers)
{
	for (int i = 0; i < s->ncoll; i++) {
		close_rib(s, i);
		close_upd(s, i);
	}
	struct det_group g;
	det_group_init(&g);
	struct engine *e = malloc(sizeof *e);
	engine_init(e, min_peers, on_event, &g);
	if (s->proofs)
		engine_keep_proofs(e);
	struct feed_stats st = {0};
	struct archive_opts ao = {0};
	struct feed_inputs inputs;
	char *paths[1] = {s->dir};
	int lvl = rw_log_level;
	rw_log_level = RW_LOG_ERROR - 1; /* damaged-file tests are noisy on purpose */
	feed_inputs(paths, 1, NULL, NULL, &inputs, &st);
	struct feed_input *in = inputs.v;
	size_t n = inputs.n;
	if (s->split) {
		size_t k = 0;
		while (k < n && in[k].first_ts < s->split)
			k++;
		struct feed_inputs head = {in, (uint32_t)k, 0};
		s->status = archive_run(e, &head, &ao, &st);
		struct obuf o;
		obuf_init_mem(&o, 1 << 12);
		int rc = engine_save(e, &o);
		engine_release(e);
		engine_init(e, min_peers, on_event, &g);
		if (s->proofs)
			engine_keep_proofs(e);
		if (!rc)
			rc = engine_load(e, (const uint8_t *)o.buf, o.len, s->snap_err, sizeof s->snap_err);
		else
			snprintf(s->snap_err, sizeof s->snap_err, "save: %s", rw_strerror(rc));
		if (!rc && rib_check(&e->rib, s->snap_err, sizeof s->snap_err))
			rc = -1;
		obuf_release(&o);
		struct feed_inputs tail = {in + k, (uint32_t)(n - k), 0};
		if (rc)
			s->status = -1;
		else
			s->status |= archive_run(e, &tail, &ao, &st);
	} else {
		s->status = archive_run(e, &inputs, &ao, &st);
	}
	rw_log_level = lvl;
	det_group_finish(&g, &e->rib);
	s->ev = calloc(g.n + 1, sizeof *s->ev);
	for (uint32_t i = 0; i < g.n; i++) {
		const struct det_gevent *ge = &g.ev[i];
		if (ge->type >= DET_ORIGIN_GAINED && !s->origins)
			continue; /* docs/events.md §10 only where a scenario asks */
		char b[2048];
		size_t k = 0;
		k += (size_t)snprintf(b + k, sizeof b - k, "%s %ld ", det_type_name((enum det_type)ge->type),
				      (long)ge->time - (long)SCEN_T0);
		if (ge->has_origin)
			k += (size_t)snprintf(b + k, sizeof b - k, "%u", ge->origin);
		else
			k += (size_t)snprintf(b + k, sizeof b - k, "null");
		if (ge->type == DET_UPSTREAM_GAINED || ge->type == DET_UPSTREAM_LOST)
			k += (size_t)snprintf(b + k, sizeof b - k, " %u", ge->upstream);
		for (uint32_t j = 0; j < ge->npfx; j++) {
			char pb[RW_PREFIX_STRLEN];
			fmt_prefix(pb, &e->rib.pfx[ge->pfx[j]].p);
			k += (size_t)snprintf(b + k, sizeof b - k, "%c%s", j ? ',' : ' ', pb);
		}
		if (ge->type == DET_UPSTREAM_GAINED && ge->flag)
			k += (size_t)snprintf(b + k, sizeof b - k, " new");
		if (ge->type == DET_UPSTREAM_LOST && ge->flag)
			k += (size_t)snprintf(b + k, sizeof b - k, " last");
		if (ge->type == DET_ORIGIN_GAINED && ge->flag)
			k += (size_t)snprintf(b + k, sizeof b - k, " new");
		if (ge->type == DET_MORE_SPECIFIC) {
			char pb[RW_PREFIX_STRLEN];
			fmt_prefix(pb, &e->rib.pfx[ge->upstream].p);
			k += (size_t)snprintf(b + k, sizeof b - k, " in %s", pb);
		}
		if (ge->type == DET_ORIGIN_GAINED || ge->type == DET_ORIGIN_LOST || ge->type == DET_MORE_SPECIFIC) {
			/* other_origins / remaining_origins / covering_origins */
			k += (size_t)snprintf(b + k, sizeof b - k, " [");
			for (uint32_t j = 0; j < ge->norigins; j++)
				k += (size_t)snprintf(b + k, sizeof b - k, "%s%u", j ? "," : "", ge->origins[j]);
			k += (size_t)snprintf(b + k, sizeof b - k, "]");
		}
		if (ge->type == DET_COLLECTOR_GAP)
			k += (size_t)snprintf(b + k, sizeof b - k, " %s to %ld", e->rib.coll[ge->upstream].name,
					      (long)ge->determined - (long)SCEN_T0);
		if (ge->since)
			k += (size_t)snprintf(b + k, sizeof b - k, " since %ld", (long)ge->since - (long)SCEN_T0);
		if (s->proofs && ge->has_proof) {
			const struct det_proof *pf = &ge->proof;
			if (pf->peer != RIB_NONE)
				k += (size_t)snprintf(b + k, sizeof b - k, " by %u", e->rib.peer[pf->peer].asn);
			if (pf->rec)
				k += (size_t)snprintf(b + k, sizeof b - k, " %s",
						      ge->npfx && rec_announces(pf, &e->rib.pfx[ge->pfx[0]].p) ? "rec+"
												       : "rec");
			else
				k += (size_t)snprintf(b + k, sizeof b - k, " cause %s", pf->cause ? pf->cause : "?");
		}
		s->ev[s->nev++] = strdup(b);
	}
	feed_inputs_free(&inputs);
	det_group_release(&g);
	engine_release(e);
	free(e);
}

bool scen_has(const struct scen *s, const char *ev)
{
	for (int i = 0; i < s->nev; i++)
		if (!strcmp(s->ev[i], ev))
			return true;
	return false;
}

const char *scen_dump(const struct scen *s)
{
	static char buf[8192];
	size_t k = 0;
	buf[0] = 0;
	for (int i = 0; i < s->nev && k < sizeof buf - 256; i++)
		k += (size_t)snprintf(buf + k, sizeof buf - k, "\n    %s", s->ev[i]);
	return s->nev ? buf : " (no events)";
}
