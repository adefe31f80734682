/*
 * VRP files over archives (docs/events.md §12, see engine.h): the set in
 * force changes when the clock reaches a file's time, and the prefixes
 * the difference covers are validated again in that second.
 */
#include "engine.h"

#include <stdlib.h>

void engine_vrps_init(struct engine_vrps *s)
{
	memset(s, 0, sizeof *s);
	rpki_init(&s->set);
}

void engine_vrps_release(struct engine_vrps *s)
{
	rpki_release(&s->set);
	rw_vec_free(&s->f, &s->cap, sizeof *s->f, RW_MEM_RPKI);
}

int engine_vrps_add(struct engine_vrps *s, const char *arg)
{
	struct engine_vrp_file f = {0, arg};
	const char *at = strrchr(arg, '@');
	int64_t t;
	if (at) {
		if (parse_time(at + 1, &t) || t <= 0 || t > UINT32_MAX) {
			rw_log(RW_LOG_ERROR, "--vrps %s: after '@' a time is wanted (unix seconds or 2024-03-09T10:00:00Z)",
			       arg);
			return RW_EINVAL;
		}
		f.from = (uint32_t)t;
	}
	if (rw_vec_grow(&s->f, &s->cap, (size_t)s->n + 1, sizeof *s->f, UINT32_MAX, RW_MEM_RPKI))
		rw_oom(sizeof f);
	uint32_t j = s->n++;
	for (; j > 0 && s->f[j - 1].from > f.from; j--) /* sorted, stable */
		s->f[j] = s->f[j - 1];
	s->f[j] = f;
	return 0;
}

/* The file's name without its "@TIME". */
static int load(struct engine_vrps *s, const struct engine_vrp_file *f, struct rpki_vrp **v, uint32_t *n,
		uint32_t *cap)
{
	const char *at = strrchr(f->path, '@');
	char *path = at && f->from ? rw_strndup(f->path, (size_t)(at - f->path)) : rw_strdup(f->path);
	char err[512];
	int rc = rpki_read(path, v, n, cap, err, sizeof err);
	if (rc) {
		rw_log(RW_LOG_ERROR, "%s", err);
		s->status = 1;
	} else {
		rw_log(RW_LOG_INFO, "%s: %u VRPs", path, *n);
	}
	free(path);
	return rc;
}

int engine_vrps_start(struct engine *e, struct engine_vrps *s, uint32_t at)
{
	engine_rpki(e, &s->set);
	/* the files in force at `at`, the last one winning */
	int rc = 0;
	while (s->next < s->n && s->f[s->next].from <= at) {
		struct rpki_vrp *v;
		uint32_t n, cap;
		if ((rc = load(s, &s->f[s->next++], &v, &n, &cap)))
			return rc;
		rpki_replace(&s->set, v, n, cap, NULL, NULL, NULL);
	}
	return 0;
}

void engine_vrps_due(struct engine *e, struct engine_vrps *s, uint32_t ts)
{
	while (s->next < s->n && s->f[s->next].from <= ts) {
		const struct engine_vrp_file *f = &s->f[s->next++];
		struct rpki_vrp *v, *ch = NULL;
		uint32_t n, cap, nch = 0, capch = 0;
		if (load(s, f, &v, &n, &cap))
			continue;
		/* the seconds before the change are evaluated with the old set */
		engine_time(e, f->from);
		rpki_replace(&s->set, v, n, cap, &ch, &nch, &capch);
		engine_vrps_changed(e, f->from, ch, nch);
		rw_vec_free(&ch, &capch, sizeof *ch, RW_MEM_RPKI);
	}
}
