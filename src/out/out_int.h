/* out internals: the element caches of the formats and the ops tables
 * (out__ prefix). */
#ifndef RW_OUT_INT_H
#define RW_OUT_INT_H

#include "out.h"

/* bgpdump -m: a line is head + prefix + tail; the head (label, time, peer)
 * is rebuilt once per record and peer, the tail (everything after the
 * prefix) once per attribute set. */
struct out_bgpdump {
	uint64_t head_rec;             /* record index the head was built for */
	const struct rw_addr *head_peer;
	uint32_t head_asn;
	uint8_t head_type;
	char head[192];
	size_t head_len;
	uint64_t tail_gen;             /* attrs_gen the tail was built for */
	const uint8_t *tail_nh;
	uint8_t tail_nh_len, tail_af, tail_type;
	char *tail;                    /* owned */
	uint32_t tail_len, tail_cap;
	bool addpath, legacy;
	uint32_t ts_val;               /* the time whose text is ts_txt */
	uint8_t ts_len, peer_len;
	char ts_txt[12];
	struct rw_addr peer_addr;      /* the peer whose "addr|asn|" is peer_txt */
	uint32_t peer_asn;
	char peer_txt[72];
};

struct out_elem_state {
	struct fmt_cache nums;         /* ASN and community texts */
	struct out_bgpdump bd;
	uint64_t path_gen;             /* JSON: attrs_gen of the cached path */
	char *path;                    /* owned: the AS path text */
	uint32_t path_len, path_cap;
};

extern const struct out_ops out__text_ops, out__json_ops, out__bgpkit_ops;

void out__bgpdump_record(struct out *o);
void out__bgpdump_elem(struct out *o, const struct bgp_elem *e);
/* JSON object members, each after a first one: ,"k": then the value
 * (a string written as is: callers pass text that needs no escaping,
 * else obuf_json_str). Shared by the JSON formats; inline, because an
 * element's line calls them a dozen times (out of line they cost dump
 * --json 6 %). */
static inline void out__key(struct obuf *o, const char *k)
{
	obuf_putc(o, ',');
	obuf_putc(o, '"');
	obuf_puts(o, k);
	obuf_putsn(o, "\":", 2);
}

static inline void out__kstr(struct obuf *o, const char *k, const char *v, size_t n)
{
	out__key(o, k);
	obuf_putc(o, '"');
	obuf_putsn(o, v, n);
	obuf_putc(o, '"');
}

static inline void out__kaddr(struct obuf *o, const char *k, const struct rw_addr *a)
{
	char b[RW_ADDR_STRLEN];
	size_t n = fmt_addr(b, a);
	out__kstr(o, k, b, n);
}

static inline void out__knum(struct obuf *o, const char *k, uint64_t v)
{
	out__key(o, k);
	obuf_putu64(o, v);
}
/* bgpkit-parser's element objects (out_bgpkit.c). */
void out__bgpkit_elem(struct out *o, const struct bgp_elem *e);
/* "AS131279 STAR-KP" (the short name when known). */
void out__as_text(struct obuf *ob, const struct names *nm, uint32_t asn);
/* " (provider)": the relationship an upstream event's detail holds
 * (docs/events.md §14); nothing when it holds none. */
void out__relationship(struct obuf *ob, const char *detail);
/* docs/events.md §14 with out->rel: ,"relationship":"provider" (JSON)
 * or " (provider)" (text) for upstream u of origin o; nothing without. */
void out__krel(const struct out *out, uint32_t o, uint32_t u);
void out__rel_text(const struct out *out, uint32_t o, uint32_t u);
/* JSON members: "k":"NAME" when the names know asn (else nothing);
 * "k":"2017-10-01T09:07:51Z". */
void out__kname(struct obuf *o, const struct names *nm, uint32_t asn, const char *k);
void out__ktime(struct obuf *o, const char *k, uint32_t t);
/* A share with at most four decimals and at least one: 0.98, 1.0. */
void out__share(struct obuf *o, double v);
/* docs/events.md §14's country view (out_country.c). */
void out__country_text(struct out *out, const struct rib *r, const struct det_country_view *v, uint32_t when);
void out__country_json(struct out *out, const struct rib *r, const struct det_country_view *v, uint32_t when);
/* "2017-10-01 09:07:51 UTC" (text) or "2017-10-01T09:07:51Z" (JSON). */
size_t out__when(char *b, uint32_t t, bool text);

#endif
