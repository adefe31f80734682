/*
 * The attribute table's text: each decoded attribute as routewatch prints
 * it, which is bgpdump -m's form (AS paths with {sets} and (confederation
 * segments), the well-known communities by name). Each print function
 * writes at most its print_size bytes and no NUL.
 */
#include "bgp_int.h"

static size_t put_u32(char *d, uint32_t v, struct fmt_cache *c)
{
	return c ? fmt_u32_cached(c, d, v) : fmt_u32(d, v);
}

size_t bgp__print_size_word(const struct bgp_attrs *a)
{
	(void)a;
	return 48; /* an address, a number, "asn address", a word */
}

size_t bgp__print_origin(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)c;
	static const char *const names[] = {"IGP", "EGP", "INCOMPLETE"};
	const char *s = names[a->origin <= BGP_ORIGIN_INCOMPLETE ? a->origin : BGP_ORIGIN_INCOMPLETE];
	size_t n = strlen(s);
	memcpy(d, s, n);
	return n;
}

size_t bgp__print_size_path(const struct bgp_attrs *a)
{
	return a->path_ok ? bgp_path_fmt_size(&a->path) : 16;
}

size_t bgp__print_as_path(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	return a->path_ok ? bgp_path_fmt(d, &a->path, c) : 0;
}

size_t bgp__print_next_hop(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)c;
	return fmt_ipv4(d, a->nexthop);
}

size_t bgp__print_med(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	return put_u32(d, a->med, c);
}

size_t bgp__print_local_pref(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	return put_u32(d, a->local_pref, c);
}

size_t bgp__print_atomic(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)a, (void)c;
	memcpy(d, "AG", 2);
	return 2;
}

size_t bgp__print_aggregator(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	size_t n = put_u32(d, a->agg_asn, c);
	d[n++] = ' ';
	return n + fmt_ipv4(d + n, a->agg_addr);
}

size_t bgp__print_size_communities(const struct bgp_attrs *a)
{
	return (size_t)a->comm_len / 4 * 13 + 16; /* + a cached number's spill */
}

/* "a:b c:d", RFC 1997's well-known values by the names bgpdump uses. */
size_t bgp__print_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	static const char *const names[] = {"no-export", "no-advertise", "local-AS"};
	size_t n = 0;
	for (size_t i = 0; i + 4 <= a->comm_len; i += 4) {
		uint32_t v = rd32(a->comm + i);
		if (i)
			d[n++] = ' ';
		if (v >= 0xffffff01u && v <= 0xffffff03u) { /* NO_EXPORT, NO_ADVERTISE, NO_EXPORT_SUBCONFED */
			const char *s = names[v - 0xffffff01u];
			size_t l = strlen(s);
			memcpy(d + n, s, l);
			n += l;
			continue;
		}
		n += put_u32(d + n, v >> 16, c);
		d[n++] = ':';
		n += put_u32(d + n, v & 0xffff, c);
	}
	return n;
}

size_t bgp__print_originator(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)c;
	return fmt_ipv4(d, a->originator_id);
}

size_t bgp__print_size_cluster(const struct bgp_attrs *a)
{
	return (size_t)a->cluster_len / 4 * 16 + 16;
}

size_t bgp__print_cluster(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)c;
	size_t n = 0;
	for (size_t i = 0; i + 4 <= a->cluster_len; i += 4) {
		if (i)
			d[n++] = ' ';
		n += fmt_ipv4(d + n, a->cluster + i);
	}
	return n;
}

size_t bgp__print_size_ext_communities(const struct bgp_attrs *a)
{
	return (size_t)a->ecomm_len / 8 * 17 + 16;
}

/* Each extended community as 16 hex digits. */
size_t bgp__print_ext_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	(void)c;
	static const char hx[] = "0123456789abcdef";
	size_t n = 0;
	for (size_t i = 0; i + 8 <= a->ecomm_len; i += 8) {
		if (i)
			d[n++] = ' ';
		for (int j = 0; j < 8; j++) {
			d[n++] = hx[a->ecomm[i + j] >> 4];
			d[n++] = hx[a->ecomm[i + j] & 15];
		}
	}
	return n;
}

size_t bgp__print_size_large_communities(const struct bgp_attrs *a)
{
	return (size_t)a->lcomm_len / 12 * 34 + 16;
}

size_t bgp__print_large_communities(char *d, const struct bgp_attrs *a, struct fmt_cache *c)
{
	size_t n = 0;
	for (size_t i = 0; i + 12 <= a->lcomm_len; i += 12) {
		if (i)
			d[n++] = ' ';
		n += put_u32(d + n, rd32(a->lcomm + i), c);
		d[n++] = ':';
		n += put_u32(d + n, rd32(a->lcomm + i + 4), c);
		d[n++] = ':';
		n += put_u32(d + n, rd32(a->lcomm + i + 8), c);
	}
	return n;
}
