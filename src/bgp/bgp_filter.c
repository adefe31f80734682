/* bgp_filter.h: parsing BGPStream-style filter terms and matching elements. */
#include "bgp_filter.h"

#include <stdio.h>
#include <stdlib.h>

void bgp_filter_init(struct bgp_filter *f)
{
	memset(f, 0, sizeof *f);
}

void bgp_filter_free(struct bgp_filter *f)
{
	for (uint32_t i = 0; i < f->npaths; i++)
		regfree(&f->paths[i]);
	for (uint32_t i = 0; i < f->ncollectors; i++)
		free(f->collectors[i]);
	free(f->pfx);
	free(f->origins);
	free(f->peer_asns);
	free(f->peers);
	free(f->collectors);
	free(f->paths);
	free(f->comms);
	memset(f, 0, sizeof *f);
}

/* Append one element of size sz to *v (count *n): filters are small and
 * built once, so the arrays grow one by one. */
static void *push(void *v, uint32_t *n, size_t sz)
{
	v = rw_realloc(v, ((size_t)*n + 1) * sz);
	(*n)++;
	return v;
}

static unsigned type_bit(uint8_t t)
{
	switch (t) {
	case BGP_ELEM_ANNOUNCE: return 1u << 0;
	case BGP_ELEM_WITHDRAW: return 1u << 1;
	case BGP_ELEM_RIB: return 1u << 2;
	case BGP_ELEM_STATE: return 1u << 3;
	default: return 1u << 4;
	}
}

/* "_" of the Cisco-style path expressions bgpreader users write: a
 * boundary between ASNs in "3356 174 {1,2}". */
static int compile_path(regex_t *re, const char *s, char *err, size_t esz)
{
	size_t n = strlen(s);
	char *x = rw_malloc(n * 16 + 1), *o = x;
	for (; *s; s++) {
		if (*s == '_') {
			static const char b[] = "(^|[ {},]|$)";
			memcpy(o, b, sizeof b - 1);
			o += sizeof b - 1;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	int rc = regcomp(re, x, REG_EXTENDED | REG_NOSUB);
	free(x);
	if (rc) {
		char m[128];
		regerror(rc, re, m, sizeof m);
		snprintf(err, esz, "aspath: %s", m);
		return RW_EINVAL;
	}
	return 0;
}

static int parse_comm(struct bgp_filter_comm *c, const char *s)
{
	memset(c, 0, sizeof *c);
	unsigned k = 0;
	for (const char *p = s; k < 3; k++) {
		size_t len = strcspn(p, ":");
		if (len == 1 && *p == '*') {
			c->any |= (uint8_t)(1u << k);
		} else {
			char b[16];
			uint64_t v;
			if (!len || len >= sizeof b)
				return RW_EINVAL;
			memcpy(b, p, len);
			b[len] = 0;
			if (parse_u64(b, UINT32_MAX, &v))
				return RW_EINVAL;
			c->v[k] = (uint32_t)v;
		}
		p += len;
		if (!*p) {
			k++;
			break;
		}
		p++;
	}
	if (k == 3)
		c->large = true;
	else if (k != 2)
		return RW_EINVAL;
	if (!c->large && !(c->any & 3) && (c->v[0] > 0xffff || c->v[1] > 0xffff))
		return RW_EINVAL;
	return 0;
}

/* One term: kind and value(s) as words. */
static int term(struct bgp_filter *f, char **w, int nw, char *err, size_t esz)
{
	const char *k = w[0];
	if (nw < 2) {
		snprintf(err, esz, "'%s' wants a value", k);
		return RW_EINVAL;
	}
	const char *v = w[nw - 1];
	if (!strcmp(k, "prefix") || !strcmp(k, "pfx")) {
		uint8_t mode = BGP_FP_MORE;
		if (nw == 3) {
			static const char *const m[] = {"exact", "more", "less", "any"};
			mode = 4;
			for (uint8_t i = 0; i < 4; i++)
				if (!strcmp(w[1], m[i]))
					mode = i;
			if (mode == 4) {
				snprintf(err, esz, "prefix: '%s' is not exact, more, less or any", w[1]);
				return RW_EINVAL;
			}
		} else if (nw != 2) {
			snprintf(err, esz, "prefix [exact|more|less|any] PREFIX");
			return RW_EINVAL;
		}
		struct rw_prefix p;
		if (parse_prefix(v, &p)) {
			snprintf(err, esz, "prefix: '%s' is not a prefix", v);
			return RW_EINVAL;
		}
		f->pfx = push(f->pfx, &f->npfx, sizeof *f->pfx);
		f->pfx[f->npfx - 1] = (struct bgp_filter_pfx){p, mode};
	} else if (nw != 2) {
		snprintf(err, esz, "'%s' takes one value", k);
		return RW_EINVAL;
	} else if (!strcmp(k, "origin") || !strcmp(k, "peer")) {
		uint32_t asn;
		struct rw_addr a;
		if (!strcmp(k, "peer") && !parse_addr(v, &a)) {
			f->peers = push(f->peers, &f->npeers, sizeof *f->peers);
			f->peers[f->npeers - 1] = a;
		} else if (!parse_asn(v, &asn)) {
			uint32_t **arr = !strcmp(k, "origin") ? &f->origins : &f->peer_asns;
			uint32_t *n = !strcmp(k, "origin") ? &f->norigins : &f->npeer_asns;
			*arr = push(*arr, n, sizeof **arr);
			(*arr)[*n - 1] = asn;
		} else {
			snprintf(err, esz, "%s: '%s' is not an ASN%s", k, v, !strcmp(k, "peer") ? " or an address" : "");
			return RW_EINVAL;
		}
	} else if (!strcmp(k, "collector") || !strcmp(k, "project")) {
		f->collectors = push(f->collectors, &f->ncollectors, sizeof *f->collectors);
		f->collectors[f->ncollectors - 1] = rw_strdup(v);
	} else if (!strcmp(k, "ipversion")) {
		if (strcmp(v, "4") && strcmp(v, "6")) {
			snprintf(err, esz, "ipversion: 4 or 6");
			return RW_EINVAL;
		}
		f->afs |= 1u << (v[0] - '0');
	} else if (!strcmp(k, "elemtype") || !strcmp(k, "type")) {
		/* a comma list */
		static const char *const n[] = {"announcements", "withdrawals", "ribs", "peerstates"};
		for (const char *p = v; *p;) {
			size_t len = strcspn(p, ",");
			unsigned bit = 0;
			for (unsigned i = 0; i < 4; i++)
				if ((len == strlen(n[i]) && !strncmp(p, n[i], len)) || (len == 1 && *p == "AWBS"[i]))
					bit = 1u << i;
			if (!bit) {
				snprintf(err, esz, "elemtype: announcements, withdrawals, ribs or peerstates (or A, W, B, S)");
				return RW_EINVAL;
			}
			f->types |= bit;
			p += len;
			p += *p == ',';
		}
	} else if (!strcmp(k, "aspath") || !strcmp(k, "path")) {
		f->paths = push(f->paths, &f->npaths, sizeof *f->paths);
		if (compile_path(&f->paths[f->npaths - 1], v, err, esz)) {
			f->npaths--;
			return RW_EINVAL;
		}
	} else if (!strcmp(k, "community") || !strcmp(k, "comm")) {
		struct bgp_filter_comm c;
		if (parse_comm(&c, v)) {
			snprintf(err, esz, "community: '%s' is not ASN:VALUE or A:B:C (* for any part)", v);
			return RW_EINVAL;
		}
		f->comms = push(f->comms, &f->ncomms, sizeof *f->comms);
		f->comms[f->ncomms - 1] = c;
	} else {
		snprintf(err, esz, "unknown term '%s' (prefix, origin, peer, collector, ipversion, elemtype, aspath, "
				   "community)",
			 k);
		return RW_EINVAL;
	}
	f->any = true;
	return 0;
}

int bgp_filter_parse(struct bgp_filter *f, const char *expr, char *err, size_t esz)
{
	/* words, with '...' or "..." quoting (a path expression has spaces) */
	char *buf = rw_strdup(expr), *w[8];
	int nw = 0, rc = 0;
	for (char *p = buf;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || !strcmp(p, "and") || !strncmp(p, "and ", 4)) {
			if (nw && (rc = term(f, w, nw, err, esz)))
				break;
			if (!nw && *p) {
				snprintf(err, esz, "'and' with nothing before it");
				rc = RW_EINVAL;
				break;
			}
			nw = 0;
			if (!*p)
				break;
			p += 3;
			continue;
		}
		char *s = p;
		if (*p == '\'' || *p == '"') {
			char q = *p++;
			s = p;
			while (*p && *p != q)
				p++;
			if (!*p) {
				snprintf(err, esz, "unclosed quote");
				rc = RW_EINVAL;
				break;
			}
		} else {
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
		if (*p)
			*p++ = 0;
		if (nw == (int)RW_ARRAY_LEN(w)) {
			snprintf(err, esz, "a term has too many words (join terms with 'and')");
			rc = RW_EINVAL;
			break;
		}
		w[nw++] = s;
	}
	free(buf);
	return rc;
}

/* ---------------------------------------------------------------- matching */

static bool pfx_match(const struct bgp_filter_pfx *f, const struct rw_prefix *e)
{
	if (f->p.af != e->af)
		return false;
	struct rw_addr ea = {e->af, {0}}, fa = {f->p.af, {0}};
	memcpy(ea.b, e->b, 16);
	memcpy(fa.b, f->p.b, 16);
	bool more = e->len >= f->p.len && rw_prefix_has(&f->p, &ea); /* e inside f */
	bool less = e->len <= f->p.len && rw_prefix_has(e, &fa);     /* f inside e */
	switch (f->mode) {
	case BGP_FP_EXACT: return more && e->len == f->p.len;
	case BGP_FP_MORE: return more;
	case BGP_FP_LESS: return less;
	default: return more || less;
	}
}

/* The path's origin ASNs as bgpkit counts them: the last ASN, or every
 * member of a final AS_SET. */
static bool origin_match(const struct bgp_filter *f, const struct bgp_path *p)
{
	if (!p->nseg)
		return false;
	uint32_t last = p->seg_len[p->nseg - 1], from = p->nasn - last;
	if (p->seg_type[p->nseg - 1] != BGP_SEG_SET)
		from = p->nasn - 1;
	for (uint32_t i = from; i < p->nasn; i++)
		for (uint32_t k = 0; k < f->norigins; k++)
			if (p->asn[i] == f->origins[k])
				return true;
	return false;
}

static bool comm_match(const struct bgp_filter *f, const struct bgp_attrs *a)
{
	for (uint32_t k = 0; k < f->ncomms; k++) {
		const struct bgp_filter_comm *c = &f->comms[k];
		if (!c->large) {
			for (uint16_t i = 0; i + 4 <= a->comm_len; i += 4) {
				uint32_t hi = rd16(a->comm + i), lo = rd16(a->comm + i + 2);
				if (((c->any & 1) || c->v[0] == hi) && ((c->any & 2) || c->v[1] == lo))
					return true;
			}
		} else {
			for (uint16_t i = 0; i + 12 <= a->lcomm_len; i += 12) {
				bool m = true;
				for (unsigned j = 0; j < 3; j++)
					m = m && ((c->any & (1u << j)) || c->v[j] == rd32(a->lcomm + i + 4 * j));
				if (m)
					return true;
			}
		}
	}
	return false;
}

bool bgp_filter_match(const struct bgp_filter *f, const struct bgp_elem *e, const char *collector)
{
	if (!f->any)
		return true;
	if (f->types && !(f->types & type_bit(e->type)))
		return false;
	if (f->npeer_asns) {
		bool m = false;
		for (uint32_t i = 0; i < f->npeer_asns && !m; i++)
			m = f->peer_asns[i] == e->peer_asn;
		if (!m)
			return false;
	}
	if (f->npeers) {
		bool m = false;
		for (uint32_t i = 0; i < f->npeers && !m; i++)
			m = e->peer && rw_addr_eq(&f->peers[i], e->peer);
		if (!m)
			return false;
	}
	if (f->ncollectors) {
		bool m = false;
		for (uint32_t i = 0; i < f->ncollectors && !m; i++)
			m = collector && !strcmp(f->collectors[i], collector);
		if (!m)
			return false;
	}
	bool routed = e->type == BGP_ELEM_ANNOUNCE || e->type == BGP_ELEM_WITHDRAW || e->type == BGP_ELEM_RIB;
	if (f->afs && (!routed || !(f->afs & (1u << (e->pfx.af == RW_AF_INET6 ? 6 : 4)))))
		return false;
	if (f->npfx) {
		bool m = false;
		for (uint32_t i = 0; i < f->npfx && routed && !m; i++)
			m = pfx_match(&f->pfx[i], &e->pfx);
		if (!m)
			return false;
	}
	if (!f->norigins && !f->npaths && !f->ncomms)
		return true;
	/* the rest needs attributes: a withdrawal has none */
	const struct bgp_attrs *a = e->attrs;
	if (!a || e->type == BGP_ELEM_WITHDRAW || !routed)
		return false;
	if (f->norigins && (!a->path_ok || !origin_match(f, &a->path)))
		return false;
	if (f->npaths) {
		if (!a->path_ok)
			return false;
		char stack[512], *s = stack;
		size_t need = bgp_path_fmt_size(&a->path) + 1;
		if (need > sizeof stack)
			s = rw_malloc(need);
		s[bgp_path_fmt(s, &a->path, NULL)] = 0;
		bool m = false;
		for (uint32_t i = 0; i < f->npaths && !m; i++)
			m = regexec(&f->paths[i], s, 0, NULL, 0) == 0;
		if (s != stack)
			free(s);
		if (!m)
			return false;
	}
	if (f->ncomms && !comm_match(f, a))
		return false;
	return true;
}
