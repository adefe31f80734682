/*
 * Engine snapshots: the clock, the rib and the detector, so that a run over
 * later files continues exactly as one long run over all of them would
 * (routewatch ingest). Taken after engine_flush: no batched route change,
 * no dump in progress, the last second evaluated.
 *
 * Format (big-endian): "RWENG\0" version u16, sec u32, have_sec u8, the
 * counters, then the rib's and the detector's own sections, then (version
 * 2) each collector's last record and open gap (docs/events.md §9).
 * Version 1 (no collector section) still loads: no gap is open.
 */
#include "engine.h"

#include <stdio.h>

#define SNAP_MAGIC "RWENG"
#define SNAP_VERSION 2

int engine_save(const struct engine *e, struct obuf *o)
{
	if (e->nops || e->in_dump || e->rib.ndirty)
		return RW_EINVAL;
	obuf_write(o, SNAP_MAGIC, 6);
	obuf_be16(o, SNAP_VERSION);
	obuf_be32(o, e->sec);
	obuf_be8(o, e->have_sec);
	const uint64_t *st = &e->st.elems;
	size_t nst = sizeof e->st / sizeof *st;
	obuf_be8(o, (uint8_t)nst);
	for (size_t i = 0; i < nst; i++)
		obuf_be64(o, st[i]);
	int rc = rib_save(&e->rib, o);
	if (!rc)
		rc = det_save(&e->det, o);
	uint32_t n = e->capcoll < e->rib.ncoll ? e->capcoll : e->rib.ncoll;
	obuf_be32(o, n);
	for (uint32_t i = 0; i < n; i++) {
		obuf_be32(o, e->coll[i].last);
		obuf_be32(o, e->coll[i].gap_from);
		obuf_be8(o, e->coll[i].last_rib);
	}
	return rc ? rc : o->err;
}

int engine_load(struct engine *e, const uint8_t *p, size_t n, char *err, size_t esz)
{
	struct cur c;
	const uint8_t *magic;
	uint16_t ver;
	uint8_t have, nst;
	cur_init(&c, p, n);
	if (cur_bytes(&c, 6, &magic) || memcmp(magic, SNAP_MAGIC, 6) || cur_u16(&c, &ver)) {
		snprintf(err, esz, "not an engine snapshot");
		return RW_EMALFORMED;
	}
	if (ver != SNAP_VERSION && ver != 1) {
		snprintf(err, esz, "engine snapshot version %u (this build reads %u)", ver, SNAP_VERSION);
		return RW_EUNSUPPORTED;
	}
	if (cur_u32(&c, &e->sec) || cur_u8(&c, &have) || cur_u8(&c, &nst)) {
		snprintf(err, esz, "engine snapshot: truncated header");
		return RW_ETRUNC;
	}
	e->have_sec = have;
	uint64_t *st = &e->st.elems;
	size_t mine = sizeof e->st / sizeof *st;
	for (size_t i = 0; i < nst; i++) {
		uint64_t v;
		if (cur_u64(&c, &v)) {
			snprintf(err, esz, "engine snapshot: truncated counters");
			return RW_ETRUNC;
		}
		if (i < mine)
			st[i] = v;
	}
	int rc = rib_load(&e->rib, &c, &e->scratch, err, esz);
	if (!rc)
		rc = det_load(&e->det, &c, e->rib.npfx, err, esz);
	if (!rc && e->det.rebuild_origins)
		det_rebuild_origins(&e->det, &e->rib, e->sec);
	if (!rc)
		det_country_rebuild(&e->det, &e->rib, e->sec);
	uint32_t ncoll = 0;
	if (!rc && ver >= 2 && (cur_u32(&c, &ncoll) || ncoll > e->rib.ncoll || ncoll > cur_left(&c) / 9)) {
		snprintf(err, esz, "engine snapshot: bad collector section");
		rc = RW_EMALFORMED;
	}
	if (!rc && ncoll) {
		rw_vec_grow(&e->coll, &e->capcoll, ncoll, sizeof *e->coll, UINT32_MAX, RW_MEM_ENGINE);
		memset(e->coll, 0, (size_t)e->capcoll * sizeof *e->coll);
		for (uint32_t i = 0; i < ncoll; i++) {
			cur_u32(&c, &e->coll[i].last);
			cur_u32(&c, &e->coll[i].gap_from);
			uint8_t rib = 0;
			cur_u8(&c, &rib);
			e->coll[i].last_rib = rib;
		}
	}
	if (!rc && cur_left(&c)) {
		snprintf(err, esz, "engine snapshot: %zu bytes after the end", cur_left(&c));
		rc = RW_EMALFORMED;
	}
	return rc;
}
