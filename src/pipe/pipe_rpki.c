/*
 * The live pipeline's VRPs (docs/events.md §12, pipe_int.h): a file read
 * again when it changes (rpki-client rewrites its output every run), or
 * an RTR server through rpki/'s client. Either way a change is applied in
 * the second it is seen, and the engine validates again the prefixes it
 * covers: routes that became invalid are reported in that second.
 */
#include "pipe_int.h"

#include <errno.h>

/* The file's identity: a rewrite (new inode, size or time) is a change. */
static bool file_changed(struct pipe *p, struct stat *st)
{
	if (stat(p->cfg->vrps, st)) {
		return false; /* being replaced: seen at a later tick */
	}
	return st->st_ino != p->vrps_ino || st->st_size != p->vrps_size ||
	       st->st_mtim.tv_sec != p->vrps_mtime.tv_sec || st->st_mtim.tv_nsec != p->vrps_mtime.tv_nsec;
}

/* Read the file into the set; the changed VRPs to *ch (NULL: none wanted). */
static int read_file(struct pipe *p, const struct stat *st, struct rpki_vrp **ch, uint32_t *nch, uint32_t *capch)
{
	struct rpki_vrp *v;
	uint32_t n, cap;
	char err[512];
	int rc = rpki_read(p->cfg->vrps, &v, &n, &cap, err, sizeof err);
	p->vrps_ino = st->st_ino;
	p->vrps_size = st->st_size;
	p->vrps_mtime = st->st_mtim;
	if (rc) {
		/* a half-written file: the set stays, the next rewrite is read */
		rw_log(RW_LOG_ERROR, "%s; the VRPs stay as they were", err);
		return rc;
	}
	rpki_replace(&p->vrp, v, n, cap, ch, nch, capch);
	rw_log(RW_LOG_INFO, "%s: %u VRPs", p->cfg->vrps, n);
	return 0;
}

int pipe__rpki_open(struct pipe *p)
{
	const struct pipe_cfg *cfg = p->cfg;
	if (!cfg->vrps && !cfg->rtr_host)
		return 0;
	engine_rpki(p->eng, &p->vrp);
	if (cfg->vrps) {
		struct stat st;
		if (stat(cfg->vrps, &st)) {
			rw_log(RW_LOG_ERROR, "--vrps %s: %s", cfg->vrps, strerror(errno));
			return RW_EIO;
		}
		return read_file(p, &st, NULL, NULL, NULL) ? RW_EIO : 0;
	}
	char err[256];
	p->rtr = rpki_rtr_start(cfg->rtr_host, cfg->rtr_port, err, sizeof err);
	if (!p->rtr) {
		rw_log(RW_LOG_ERROR, "--rtr: %s", err);
		return RW_EINVAL;
	}
	/* the first full set before any route: without it every route
	 * would be validated against nothing, then again */
	if (rpki_rtr_wait(p->rtr, 30000))
		rw_log(RW_LOG_WARN, "rtr %s:%s: no full set of VRPs after 30 s; going on without, they are applied "
				    "when they come", cfg->rtr_host, cfg->rtr_port);
	uint32_t n = rpki_rtr_take(p->rtr, &p->vrp, NULL, NULL, NULL);
	rw_log(RW_LOG_INFO, "rtr %s:%s: %u VRPs", cfg->rtr_host, cfg->rtr_port, p->vrp.n);
	(void)n;
	return 0;
}

void pipe__rpki_tick(struct pipe *p, uint32_t now)
{
	if (p->frozen || (!p->cfg->vrps && !p->rtr))
		return;
	struct rpki_vrp *ch = NULL;
	uint32_t nch = 0, capch = 0;
	struct stat st;
	if (p->cfg->vrps && file_changed(p, &st))
		read_file(p, &st, &ch, &nch, &capch);
	if (p->rtr && rpki_rtr_pending(p->rtr))
		rpki_rtr_take(p->rtr, &p->vrp, &ch, &nch, &capch);
	if (nch)
		engine_vrps_changed(p->eng, now, ch, nch);
	rw_vec_free(&ch, &capch, sizeof *ch, RW_MEM_RPKI);
}

void pipe__rpki_close(struct pipe *p)
{
	rpki_rtr_stop(p->rtr);
	p->rtr = NULL;
	rpki_release(&p->vrp);
}
