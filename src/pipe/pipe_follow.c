/*
 * pipe_follow.c: files of followed mirrors (live/live_follow.c) through
 * the engine, in time order across collectors, with the gap rules of
 * docs/events.md §9. The path archive replay takes: feed_inputs names each
 * file's collector and finds the update files its collector's cadence
 * expects and that are missing (missing_before), archive_run merges the
 * records of the files applied together by time, applies RIB dumps whole
 * and reports a collector_gap where files are missing.
 *
 * Which files go now: every collector has sent files up to some time,
 * the time of its latest file (its last period may still be written) or
 * of the first hole in its files (an expected file that has not come).
 * The files before the earliest of those times go through the engine
 * together; the rest wait. A hole older than `late` seconds (wall clock)
 * is a missing file: it no longer holds back its collector, and when the
 * file after it goes through, the gap is reported. A collector that sent
 * nothing for `late` seconds holds back no one. When every collector is
 * quiet, everything that waits goes. A file that lands after the engine
 * passed its time is not applied: it is logged and counted (what it
 * holds is in the gap that was reported).
 *
 * Applied files stay in the list (the last FOLLOW_KEEP of each collector)
 * so the cadence of the names is known.
 */
#include "pipe_int.h"

#define FOLLOW_KEEP 16

static const char *base_name(const char *p)
{
	const char *b = strrchr(p, '/');
	return b ? b + 1 : p;
}

static void covered(struct pipe *p, uint32_t coll)
{
	for (uint32_t i = 0; i < p->nfl_cov; i++)
		if (p->fl_cov[i] == coll)
			return;
	rw_vec_grow(&p->fl_cov, &p->capfl_cov, (size_t)p->nfl_cov + 1, sizeof *p->fl_cov, UINT32_MAX, RW_MEM_LIVE);
	p->fl_cov[p->nfl_cov++] = coll;
}

bool pipe__follow_covers(const struct pipe *p, uint32_t coll, uint32_t ts)
{
	if (!p->fl_have_upto || ts >= p->fl_upto)
		return false;
	for (uint32_t i = 0; i < p->nfl_cov; i++)
		if (p->fl_cov[i] == coll)
			return true;
	return false;
}

/* --ris-live with --follow: the stream waits (its records held) until
 * the mirrors' files reach its first record; then what the files hold is
 * theirs, the stream goes on alone and the mirrors are no longer read. */
static void boot_check(struct pipe *p)
{
	if (!p->boot || !p->nheld || !p->fl_have_upto || p->fl_upto <= p->boot_first)
		return;
	char tb[32];
	fmt_time_rfc3339(tb, p->fl_upto);
	rw_log(RW_LOG_WARN, "bootstrap done: the mirrors' files up to %s applied (%llu files); the stream from then on "
			    "(%llu messages waited)", tb, (unsigned long long)p->fl_files, (unsigned long long)p->nheld);
	p->boot = false;
	p->boot_over = true;
	for (uint32_t i = 0; i < p->nfl; i++)
		p->fl[i].applied = true; /* files after the cut: the stream has them */
	if (!p->frozen)
		pipe__thaw(p);
}

void pipe__on_file(void *arg, const char *path)
{
	struct pipe *p = arg;
	if (p->boot_over) {
		rw_log(RW_LOG_DEBUG, "%s: the stream goes on alone: not applied", path);
		return;
	}
	uint32_t ts;
	bool rib;
	if (!feed_name_time(base_name(path), &ts, &rib)) {
		rw_log(RW_LOG_WARN, "%s: no time in its name: not followed", path);
		return;
	}
	for (uint32_t i = 0; i < p->nfl; i++)
		if (!strcmp(p->fl[i].path, path))
			return; /* the same file again */
	if (p->fl_have_upto && ts < p->fl_upto) {
		char tb[32];
		fmt_time_rfc3339(tb, p->fl_upto);
		p->fl_late++;
		rw_log(RW_LOG_WARN, "%s: came after the stream passed its time (now at %s): not applied", path, tb);
		return;
	}
	rw_vec_grow(&p->fl, &p->capfl, (size_t)p->nfl + 1, sizeof *p->fl, UINT32_MAX, RW_MEM_LIVE);
	p->fl[p->nfl++] = (struct pfile){.path = rw_strdup(path), .ts = ts, .rib = rib, .landed = pipe__mono_s()};
	p->fl_landed = pipe__mono_s();
	pipe__follow_run(p, false);
}

static void on_second(void *arg, uint32_t sec)
{
	(void)sec;
	pipe__emit(arg);
}

/* The inputs of one step, with their entries and collectors found once. */
struct step {
	const struct feed_inputs *in;
	struct pfile **ent;     /* per input: its entry (NULL: none) */
	uint32_t *cid;          /* per input: its collector's index */
	uint32_t ncl;
};

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct pfile *)a)->path, ((const struct pfile *)b)->path);
}

static void step_init(struct step *sp, struct pipe *p, const struct feed_inputs *in)
{
	/* p->fl sorted by path: each input's entry by binary search */
	if (p->nfl > 1)
		qsort(p->fl, p->nfl, sizeof *p->fl, cmp_path);
	sp->in = in;
	sp->ent = rw_calloc(in->n ? in->n : 1, sizeof *sp->ent);
	sp->cid = rw_calloc(in->n ? in->n : 1, sizeof *sp->cid);
	sp->ncl = 0;
	for (uint32_t i = 0; i < in->n; i++) {
		struct pfile key = {.path = in->v[i].path};
		sp->ent[i] = p->nfl ? bsearch(&key, p->fl, p->nfl, sizeof *p->fl, cmp_path) : NULL;
		uint32_t k = 0;
		for (uint32_t j = 0; j < i && !k; j++) /* collectors are few */
			if (!strcmp(in->v[j].collector, in->v[i].collector))
				k = sp->cid[j] + 1;
		sp->cid[i] = k ? k - 1 : sp->ncl++;
	}
}

static void step_release(struct step *sp)
{
	free(sp->ent);
	free(sp->cid);
}

/* Keep the last FOLLOW_KEEP applied files of each collector. */
static void trim(struct pipe *p, const struct step *sp)
{
	uint32_t *later = rw_calloc(sp->ncl ? sp->ncl : 1, sizeof *later);
	for (uint32_t i = sp->in->n; i-- > 0;) {
		struct pfile *f = sp->ent[i];
		if (f && f->applied && later[sp->cid[i]] >= FOLLOW_KEEP)
			f->drop = true;
		later[sp->cid[i]]++;
	}
	free(later);
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->nfl; i++) {
		if (p->fl[i].drop)
			free(p->fl[i].path);
		else
			p->fl[k++] = p->fl[i];
	}
	p->nfl = k;
}

/* One collector's constraint on the cut (see cut()). */
struct climit {
	bool quiet;             /* no file for `late` seconds: no constraint */
	uint64_t lim;           /* the cut is at most this */
	uint64_t first;         /* start of its first waiting file */
	uint64_t last_seen;     /* start of its latest waiting file so far */
	uint32_t *starts;       /* starts of its waiting files, ascending */
	uint32_t n, cap;
};

static bool has_start(const struct climit *c, uint32_t t)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->starts[mid] == t)
			return true;
		if (c->starts[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The latest time X at which the waiting files can be cut: X is at most
 * each collector's limit (the start of its latest file, whose end is not
 * known yet; before a hole younger than `late`, the start of the file
 * before the hole), and for each collector X is the start of one of its
 * waiting files, or not after its first one: no file spans X. Files that
 * start before X go now; 0 when none can; UINT64_MAX when every
 * collector is quiet (all of it goes). */
static uint64_t cut(struct pipe *p, const struct step *sp, double now, double late)
{
	const struct feed_inputs *in = sp->in;
	struct climit *cl = rw_calloc(sp->ncl ? sp->ncl : 1, sizeof *cl);
	for (uint32_t k = 0; k < sp->ncl; k++)
		cl[k] = (struct climit){.quiet = true, .lim = UINT64_MAX, .first = UINT64_MAX};
	for (uint32_t i = 0; i < in->n; i++) {
		const struct feed_input *a = &in->v[i];
		struct pfile *f = sp->ent[i];
		struct climit *c = &cl[sp->cid[i]];
		if (f && now - f->landed < late)
			c->quiet = false;
		if (!f || f->applied)
			continue;
		if (c->first == UINT64_MAX)
			c->first = a->first_ts;
		if (a->missing_before && now - f->landed < late && c->lim == UINT64_MAX) {
			/* a hole before this file: the file before it may
			 * be followed by the one missing */
			c->lim = c->last_seen;
			if (!f->hole_said) {
				f->hole_said = true;
				rw_log(RW_LOG_INFO, "%s: a file of %s before it is missing: waiting up to %.0f s for it",
				       a->path, a->collector, late);
			}
		}
		c->last_seen = a->first_ts;
		rw_vec_grow(&c->starts, &c->cap, (size_t)c->n + 1, sizeof *c->starts, UINT32_MAX, RW_MEM_LIVE);
		c->starts[c->n++] = a->first_ts; /* inputs come sorted by time */
	}
	uint64_t best = 0;
	for (uint32_t i = 0; i < in->n; i++) {
		struct pfile *f = sp->ent[i];
		uint64_t xc = in->v[i].first_ts;
		if (!f || f->applied || xc <= best)
			continue;
		bool ok = true;
		for (uint32_t k = 0; k < sp->ncl && ok; k++) {
			struct climit *c = &cl[k];
			if (c->quiet)
				continue;
			uint64_t lim = c->lim == UINT64_MAX ? c->last_seen : c->lim;
			if (c->first == UINT64_MAX)
				lim = p->fl_have_upto ? p->fl_upto : 0; /* nothing waits: where we are */
			ok = xc <= lim && (xc <= c->first || has_start(c, (uint32_t)xc));
		}
		if (ok)
			best = xc;
	}
	bool any = false;
	for (uint32_t k = 0; k < sp->ncl; k++) {
		any |= !cl[k].quiet;
		rw_vec_free(&cl[k].starts, &cl[k].cap, sizeof *cl[k].starts, RW_MEM_LIVE);
	}
	free(cl);
	return any ? best : UINT64_MAX;
}

void pipe__follow_run(struct pipe *p, bool all)
{
	if (p->frozen || p->boot_over)
		return; /* the checkpoint's thread reads the engine; the stream alone */
	uint32_t pending = 0;
	for (uint32_t i = 0; i < p->nfl; i++)
		pending += !p->fl[i].applied;
	if (!pending)
		return;
	double now = pipe__mono_s(), late = p->cfg->follow_late ? p->cfg->follow_late : 900;
	p->fl_checked = now;
	char **paths = rw_malloc(p->nfl * sizeof *paths);
	for (uint32_t i = 0; i < p->nfl; i++)
		paths[i] = p->fl[i].path;
	struct feed_names nm;
	feed_names_init(&nm);
	nm.quiet = true;
	struct feed_stats *st = rw_calloc(1, sizeof *st);
	struct feed_inputs in;
	struct io_opts io = {0};
	feed_inputs(paths, (int)p->nfl, &nm, &io, &in, st);
	free(paths);
	struct step sp;
	step_init(&sp, p, &in);
	/* where to cut: the latest time X that no file of a collector
	 * spans, up to where each collector's files are known to end */
	uint64_t x = all ? UINT64_MAX : cut(p, &sp, now, late);
	uint32_t nb = 0;
	uint32_t maxts = 0;
	for (uint32_t i = 0; i < in.n; i++) {
		struct pfile *f = sp.ent[i];
		bool go = f && !f->applied && in.v[i].first_ts < x;
		in.v[i].outside = !go;
		if (go) {
			nb++;
			f->applied = true;
			if (in.v[i].first_ts > maxts)
				maxts = in.v[i].first_ts;
			if (in.v[i].missing_before)
				rw_log(RW_LOG_WARN, "%s: update files of %s before it are missing: reported as collector_gap",
				       in.v[i].path, in.v[i].collector);
		}
	}
	if (nb) {
		struct archive_opts ao = {.second = on_second, .arg = p, .from = p->fl_from};
		ao.feed.io = io;
		p->fl_batches++;
		p->fl_files += nb;
		archive_run(p->eng, &in, &ao, st);
		pipe__emit(p);
		/* all of it: up to its last record */
		uint32_t upto = x != UINT64_MAX ? (uint32_t)x : p->eng->have_sec ? p->eng->sec + 1 : maxts + 1;
		for (uint32_t i = 0; i < in.n; i++) /* the collectors the mirrors cover */
			if (!in.v[i].outside)
				covered(p, rib_collector(&p->eng->rib, in.v[i].collector));
		if (!p->fl_have_upto || upto > p->fl_upto)
			p->fl_upto = upto;
		p->fl_have_upto = true;
		if (p->have_db && p->eng->have_sec && !p->stopping && store_run_due(&p->run, p->eng->sec + 1) &&
		    store_run_checkpoint(&p->run, p->eng->sec + 1))
			rw_log(RW_LOG_WARN, "--db: a checkpoint failed (the next one tries again)");
		trim(p, &sp);
		boot_check(p);
	}
	step_release(&sp);
	feed_inputs_free(&in);
	feed_names_release(&nm);
	free(st);
}

void pipe__follow_tick(struct pipe *p)
{
	/* nothing landed: only a `late` deadline can change the cut; look
	 * again every tenth of it (at least every second) */
	double late = p->cfg->follow_late ? p->cfg->follow_late : 900;
	if (pipe__mono_s() - p->fl_checked >= (late / 10 > 1 ? late / 10 : 1))
		pipe__follow_run(p, false);
	boot_check(p);
}

void pipe__follow_close(struct pipe *p)
{
	rw_vec_free(&p->fl_cov, &p->capfl_cov, sizeof *p->fl_cov, RW_MEM_LIVE);
	for (uint32_t i = 0; i < p->nfl; i++)
		free(p->fl[i].path);
	rw_vec_free(&p->fl, &p->capfl, sizeof *p->fl, RW_MEM_LIVE);
}
