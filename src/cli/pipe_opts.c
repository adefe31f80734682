/*
 * The options collect and watch share (collect_http.h): where the events
 * go (--json, --names, --origin, --type, --exec, --webhook, --log), the
 * archive (--archive, --rotate, --compress), the store (--db,
 * --checkpoint, --http) and the engine's inputs (--min-peers, --vrps,
 * --relationships, --watch, --countries). One parser for both, so the two
 * commands cannot come to read the same option differently.
 *
 * Ownership: struct pipe_opts owns the names, the security inputs and
 * the origin filter; the pipe_cfg it fills is the caller's, and borrows
 * them (and optarg strings) until pipe_opts_release.
 */
#include "cli.h"
#include "collect_http.h"

#include <stdio.h>
#include <stdlib.h>

void pipe_opts_init(struct pipe_opts *po, struct pipe_cfg *pc)
{
	memset(po, 0, sizeof *po);
	po->pc = pc;
	engine_inputs_init(&po->so);
	names_init(&po->nm);
}

void pipe_opts_release(struct pipe_opts *po)
{
	rw_vec_free(&po->origins, &po->caporig, sizeof *po->origins, RW_MEM_OTHER);
	names_release(&po->nm);
	engine_inputs_release(&po->so);
}

static int bad(const char *what)
{
	rw_log(RW_LOG_ERROR, "%s", what);
	return EXIT_USAGE;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int pipe_opt(struct pipe_opts *po, int c, const char *arg, void (*usage)(FILE *))
{
	struct pipe_cfg *pc = po->pc;
	uint64_t v;
	char badt[64];
	int rc;
	switch (c) {
	case PO_ARCHIVE: pc->archive = arg; return 0;
	case PO_ROTATE:
		if (parse_u64(arg, 86400, &v) || v < 1 || 86400 % v)
			return bad("--rotate wants seconds that divide a day (60, 300, 900, 3600...)");
		pc->rotate = (uint32_t)v;
		return 0;
	case PO_COMPRESS:
		return io_comp_parse(arg, &pc->comp) ? bad("--compress wants none, gz, bz2, xz or zst") : 0;
	case PO_DB: pc->db = arg; return 0;
	case PO_CHECKPOINT:
		if (parse_u64(arg, 86400, &v) || !v)
			return bad("--checkpoint wants seconds from 1");
		pc->checkpoint = (uint32_t)v;
		return 0;
	case PO_HTTP: po->http_listen = arg; return 0;
	case PO_MIN_PEERS:
		if (parse_u64(arg, 65535, &v) || !v)
			return bad("--min-peers wants a number from 1");
		pc->min_peers = (unsigned)v;
		return 0;
	case PO_ORIGIN: {
		uint32_t asn;
		if (parse_asn(arg, &asn)) {
			rw_log(RW_LOG_ERROR, "--origin wants an ASN like 131279 or AS131279, not '%s'", arg);
			return EXIT_USAGE;
		}
		rw_vec_grow(&po->origins, &po->caporig, (size_t)po->norig + 1, sizeof *po->origins, UINT32_MAX,
			    RW_MEM_OTHER);
		po->origins[po->norig++] = asn;
		return 0;
	}
	case PO_TYPE:
		if (det_filter_types(&po->filter, arg, badt, sizeof badt)) {
			rw_log(RW_LOG_ERROR, "--type: unknown type '%s' (types: %s)", badt, det_type_list());
			return EXIT_USAGE;
		}
		return 0;
	case PO_JSON: po->json = true; return 0;
	case PO_NAMES:
		if (names_load(&po->nm, arg))
			return EXIT_DAMAGED;
		po->have_names = true;
		po->names_path = arg;
		return 0;
	case PO_VRPS: pc->vrps = arg; return 0;
	case PO_RELATIONSHIPS:
	case PO_WATCH:
	case PO_COUNTRIES:
		rc = sec_opt(&po->so, c == PO_RELATIONSHIPS ? 'L' : c == PO_WATCH ? 'W' : 'E', arg);
		if (rc)
			return rc;
		pc->rel = po->so.have_rel ? &po->so.rel : NULL;
		pc->watch = po->so.have_watch ? &po->so.watch : NULL;
		pc->geo = po->so.have_geo ? &po->so.geo : NULL;
		return 0;
	case PO_EXEC: pc->exec_cmd = arg; return 0;
	case PO_WEBHOOK: pc->webhook = arg; return 0;
	case PO_LOG:
		if (!freopen(arg, "a", stderr))
			return EXIT_USAGE;
		setvbuf(stderr, NULL, _IOLBF, 0);
		pc->live.log_path = arg;
		return 0;
	default:
		usage(stderr);
		return EXIT_USAGE;
	}
}

int pipe_opts_run(struct pipe_opts *po)
{
	if (po->norig > 1) /* det_filter_match searches them */
		qsort(po->origins, po->norig, sizeof *po->origins, cmp_u32);
	po->filter.origins = po->origins;
	po->filter.norigins = po->norig;
	if (po->norig || po->filter.types)
		po->pc->filter = &po->filter;
	return collect_run(po->pc, po->json, po->have_names ? &po->nm : NULL, po->http_listen, po->names_path);
}
