/*
 * rib: route state of every peer of every collector. Knows nothing about
 * events: it records routes, tracks which prefixes changed since the last
 * evaluation, and answers questions about them.
 *
 * Memory (what a route costs): prefixes and AS paths are interned once.
 * A route is 8 bytes in its prefix's array: (peer | flag | dump
 * generation, path id); a path 20 bytes and its key in one pool. Paths are refcounted and freed when no route uses
 * them, so memory follows the state, not the length of the update stream.
 * Origin and upstream (docs/events.md §3) are computed once per distinct path.
 *
 * Ids: prefixes, peers and paths are small integers (uint32_t) that stay
 * valid for the life of the rib (paths: while referenced).
 */
#ifndef RW_RIB_H
#define RW_RIB_H

#include "../bgp/bgp.h"

#define RIB_NONE HTAB_NONE
/* peer ids share a route's word with the dump generation (peer_gen) */
#define RIB_MAX_PEERS ((1u << 24) - 1)

/* Room enough for the key of attributes whose AS_PATH and AS4_PATH take
 * l bytes (rib_path_key: at most 1.5 times them and a few). */
#define RIB_KEY_MAX(l) (16 + (size_t)(l) + (size_t)(l) / 2)

/* An interned AS path and what docs/events.md §3 derives from it: 20
 * bytes. Its key (rib_path.c's code: about 14 bytes for a full table's
 * path) is in the rib's key pool; its hash is not kept: the hash table's
 * slot has it, and freeing a path computes it again from the key. */
struct rib_path {
	uint32_t refs;      /* routes using it; 0 = free slot (or not yet
			       taken: rib_path_intern) */
	uint32_t origin;    /* 0 with no origin (empty, or ends in an AS_SET) */
	uint32_t upstream;  /* 0 when only one AS is left */
	union {
		uint32_t next_free; /* free list link while free */
		uint32_t aux;       /* while used: a word the detector keeps per
				       path (its leak cache, det_leak.c); 0 when
				       the path is interned */
	};
	uint32_t key;       /* where its key starts in rib.key (2-byte
			       units); RIB_NONE while free */
};

_Static_assert(sizeof(struct rib_path) == 20, "a path entry is 20 bytes (docs/internals/rib.md)");

/* A route: 8 bytes. Its ADD-PATH id is not kept in it: a route whose
 * peer has another id than 0 on the prefix carries RIB_R_ADDPATH, and
 * the ids of that peer's routes on the prefix are in the rib's side table
 * (rib.ap), so the common case pays nothing for them. */
struct rib_route {
	uint32_t peer_gen;  /* peer id << 8 | RIB_R_ADDPATH | dump generation */
	uint32_t path;      /* rib_path id */
};
_Static_assert(sizeof(struct rib_route) == 8, "a route is 8 bytes (docs/internals/rib.md)");
#define RIB_R_ADDPATH 0x80u
/* a collector's dump generation: during a dump, the routes it carried
 * have the new one and the others the one before (rib_dump_end removes
 * them), so a few bits tell them apart */
#define RIB_GEN_MASK 0x7fu

/* The ADD-PATH ids of one peer's routes on one prefix, in route order
 * (ascending); only for a peer with an id other than 0 there. */
struct rib_ap {
	uint32_t *id;            /* owned */
	uint32_t n, cap;
};

static inline uint32_t rib_route_peer(const struct rib_route *r) { return r->peer_gen >> 8; }

struct rib_pfx {
	struct rw_prefix p;      /* path_id unused (0) */
	struct rib_route *r;     /* owned, sorted by (peer, addpath) */
	uint32_t n, cap;
	uint32_t dirty_epoch;    /* == rib.epoch: already in the dirty list */
};

/* A dirty prefix's first change in its epoch: the peer whose route
 * changed (RIB_NONE: no route changed, a prefix marked to be looked at
 * again) and rib.src_ref at that moment. */
struct rib_src {
	uint32_t peer, ref;
};

struct rib_peer {
	struct rw_addr addr;
	uint32_t asn;
	uint32_t collector;      /* collector id */
	uint32_t nroutes;        /* routes held */
	/* owned: bit i set for every prefix id i it has a route for (lazy:
	 * a bit may outlive its routes until a walk clears it), so a session
	 * that ends or a dump's sweep visits its prefixes only: one bit a
	 * prefix, not 4 bytes a route */
	uint64_t *has;
	uint32_t caphas;         /* words */
};

struct rib_collector {
	char *name;              /* owned */
	uint8_t gen;             /* generation of the dump being/last applied
				    (RIB_GEN_MASK bits) */
	bool has_dump;           /* a RIB dump was applied (baseline done) */
	uint64_t stale;          /* routes of an older generation during a dump */
	uint32_t *peers;         /* owned: peer ids of this collector */
	uint32_t npeers, cappeers;
};

struct rib_stats {
	uint64_t announces, withdraws, implicit_withdraws, peer_downs, dumps;
	uint64_t path_lookups, path_hits;
	uint64_t peers_refused; /* rib_peer calls beyond RIB_MAX_PEERS */
};

struct rib;
/* A new interned path (rib.on_new_path). */
typedef void (*rib_path_fn)(void *arg, const struct rib *r, uint32_t path);

struct rib {
	struct rib_pfx *pfx;      /* owned array, index = prefix id */
	uint32_t npfx, cappfx;
	struct htab pfx_tab;      /* prefix hash -> prefix id */

	struct rib_path *path;    /* owned array, index = path id */
	uint32_t npath, cappath;
	uint32_t path_free;       /* free list through rib_path.next_free */
	/* owned: the paths' keys, each from an even offset (padded to an
	 * even length); key_dead: units of freed keys not yet given back
	 * (rib_path.c compacts the pool past a quarter) */
	uint16_t *key;
	uint32_t nkey, capkey, key_dead;
	struct htab path_tab;     /* path key hash -> path id */
	uint32_t path_live;

	/* ADD-PATH ids: (prefix id << 32 | peer id) -> index in ap, for the
	 * routes that carry RIB_R_ADDPATH; ap_free: unused indexes in ap */
	struct u64map ap_idx;
	struct rib_ap *ap;        /* owned */
	uint32_t nap, capap;
	uint32_t *ap_free;        /* owned */
	uint32_t nap_free, capap_free;

	struct rib_peer *peer;    /* owned array, index = peer id */
	uint32_t npeer, cappeer;
	struct htab peer_tab;     /* (collector, address, ASN) hash -> peer id */
	struct rib_collector *coll;
	uint32_t ncoll, capcoll;

	uint32_t *dirty;          /* prefix ids changed since the last take */
	uint32_t ndirty, capdirty;
	uint32_t *taken;          /* the list rib_take_dirty returned */
	uint32_t captaken;
	/* The first change of each dirty prefix since the last take, parallel
	 * to dirty (two stores when a prefix first changes in an epoch,
	 * nothing for its later changes): what proves an event
	 * (docs/internals/engine.md, "Proofs") */
	struct rib_src *dirty_src, *taken_src;
	uint32_t capdirty_src, captaken_src;
	bool keep_src;            /* keep them (the engine's proofs are on):
				     else nothing is stored, and a RIB
				     dump's second costs no lists */
	uint32_t src_ref;         /* the caller's reference for the changes
				     that follow (the engine: the record
				     being applied); RIB_NONE: none */
	uint8_t *why;             /* RIB_WHY_* of each prefix since the last take */
	uint32_t capwhy;
	uint8_t *taken_why;       /* why of each taken prefix */
	uint32_t captaken_why;
	bool revealing;           /* a dump after a gap is being applied */
	bool paths_matter;        /* any new path of a route makes its prefix
				     dirty, not only a new origin or upstream
				     (the detector checks paths: route leaks) */
	/* an observer of every route change (NULL: none): the route of peer
	 * for pfx went from old_path to new_path (RIB_NONE: none), both
	 * still held during the call; the detector's countries
	 * (docs/events.md §14) count routes with it. Not called by rib_load. */
	void (*route_obs)(void *arg, const struct rib *r, uint32_t peer, uint32_t pfx, uint32_t old_path,
			  uint32_t new_path);
	void *route_obs_arg;
	uint32_t epoch;           /* bumped by rib_take_dirty */

	uint64_t route_count;
	struct rib_stats st;
	/* Called with each path rib_path_intern adds (NULL: nobody asks; set
	 * after rib_init): relationship inference sees each distinct path
	 * once, not each route. */
	rib_path_fn on_new_path;
	void *on_new_path_arg;
};

void rib_init(struct rib *r);
void rib_release(struct rib *r);

/* Collector by name (created). */
uint32_t rib_collector(struct rib *r, const char *name);
/* Peer of a collector by address and ASN (created); RIB_NONE beyond
 * RIB_MAX_PEERS (a route's peer id has 24 bits; logged once, counted). */
uint32_t rib_peer(struct rib *r, uint32_t collector, const struct rw_addr *addr, uint32_t asn);
/* Prefix id (created); host bits must be clear. */
uint32_t rib_prefix(struct rib *r, const struct rw_prefix *p);
/* Prefix id or RIB_NONE. */
uint32_t rib_prefix_find(const struct rib *r, const struct rw_prefix *p);
/* The same with the hash computed ahead (for batched, prefetched work). */
uint32_t rib_prefix_hash(const struct rw_prefix *p);
uint32_t rib_prefix_h(struct rib *r, const struct rw_prefix *p, uint32_t h);
uint32_t rib_prefix_find_h(const struct rib *r, const struct rw_prefix *p, uint32_t h);

/* Intern the AS path of decoded attributes (AS4_PATH merged for 2-byte
 * sessions). Returns a path id with no reference taken yet, or RIB_NONE
 * when the attributes carry no AS_PATH. scratch: for decoding on a miss. */
uint32_t rib_path_of(struct rib *r, const struct bgp_attrs *a, struct arena *scratch);
/* The same in steps: the identifying key of the attributes' path, coded
 * compactly (rib_path.c; returns its length, or 0 when it does not fit in
 * cap -- RIB_KEY_MAX of the paths' bytes always does -- or the path is
 * malformed), its hash, and the intern by key (decoded from the key itself
 * on a miss; a key must come from rib_path_key: a lookup compares before
 * it decodes). */
size_t rib_path_key(const struct bgp_attrs *a, uint8_t *buf, size_t cap);
uint32_t rib_path_hash(const uint8_t *key, size_t klen);
uint32_t rib_path_intern(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, struct arena *scratch);
/* The same with the path's origin and upstream found while the key is
 * made (docs/events.md §3; known: unless an AS4_PATH is merged), so that
 * a miss need not read the key again: a RIB load's decoding threads make
 * the keys, its main thread interns them. ou from rib_path_key_ou of the
 * same key, or NULL. */
struct rib_ou {
	uint32_t origin, upstream;
	bool known;
};
size_t rib_path_key_ou(const struct bgp_attrs *a, uint8_t *buf, size_t cap, struct rib_ou *ou);
uint32_t rib_path_intern_ou(struct rib *r, const uint8_t *key, size_t klen, uint32_t h, const struct rib_ou *ou,
			    struct arena *scratch);

/* docs/events.md §3's origin and upstream of decoded attributes, as the
 * rib would intern them, without interning (scratch: the decoding's). */
int rib_attrs_origin_upstream(const struct bgp_attrs *a, struct arena *scratch, uint32_t *origin, uint32_t *upstream);

/* A temporary reference on a path (batched work resolves paths before it
 * applies the routes that will hold them); release frees an unused one. */
void rib_path_hold(struct rib *r, uint32_t path);
void rib_path_release(struct rib *r, uint32_t path);

/* Cache hints for batched work: the hash slot of a prefix or path hash,
 * then the entry it names. */
static inline void rib_prefetch_pfx_slot(const struct rib *r, uint32_t h)
{
	htab_prefetch(&r->pfx_tab, h);
}
static inline void rib_prefetch_path_slot(const struct rib *r, uint32_t h)
{
	htab_prefetch(&r->path_tab, h);
}
static inline void rib_prefetch_pfx(const struct rib *r, uint32_t h)
{
	uint32_t id = htab_peek(&r->pfx_tab, h);
	if (id != HTAB_NONE)
		__builtin_prefetch(&r->pfx[id]);
}
static inline void rib_prefetch_path(const struct rib *r, uint32_t h)
{
	uint32_t id = htab_peek(&r->path_tab, h);
	if (id != HTAB_NONE)
		__builtin_prefetch(&r->path[id]);
}
/* The path's ASNs as docs/events.md §3 reads them, from the peer to the
 * origin: AS4_PATH merged, confederation segments dropped, repeats
 * collapsed; an AS_SET is one 0 (no AS: unknown to every relationship).
 * *out is scratch's. Returns the count; 0 for a path without AS_PATH or
 * one that cannot be read. */
uint32_t rib_path_seq(const struct rib *r, uint32_t path, struct arena *scratch, uint32_t **out);
/* Origin and upstream by docs/events.md §3 for a path (a pure function; the
 * rib caches its result per interned path). */
void rib_origin_upstream(const struct bgp_path *p, uint32_t *origin, uint32_t *upstream);

/* The ADD-PATH id of route k of prefix pfx (0 without). */
uint32_t rib_route_addpath(const struct rib *r, uint32_t pfx, uint32_t k);

/* Route changes. A prefix that changes is added to the dirty list once per
 * epoch. announce replaces the peer's route (same ADD-PATH id). */
void rib_announce(struct rib *r, uint32_t peer, uint32_t pfx, uint32_t addpath, uint32_t path);
/* Room for `more` routes of pfx beyond those it has, exactly: the
 * engine knows when several announcements of one prefix come together
 * (a RIB record's entries), and one reallocation replaces the five that
 * doubling from one route to 20 costs. */
void rib_reserve(struct rib *r, uint32_t pfx, uint32_t more);
void rib_withdraw(struct rib *r, uint32_t peer, uint32_t pfx, uint32_t addpath);
/* The peer's session left Established: all its routes go. */
void rib_peer_down(struct rib *r, uint32_t peer);

/* A RIB dump of a collector: announce every entry between begin and end;
 * end removes every route of the collector's peers that the dump did not
 * carry (peers and prefixes missing from the dump lose their routes: a
 * peer missing altogether counts as a session that ended). revealing: the
 * first dump after a gap of the collector; its changes are marked
 * RIB_WHY_REVEALED. */
void rib_dump_begin(struct rib *r, uint32_t collector, bool revealing);
void rib_dump_end(struct rib *r, uint32_t collector);

/* Why a dirty prefix changed (docs/events.md §9): a route was removed by a
 * withdrawal (or by a RIB dump that still carries its peer), a route was
 * removed because its session ended (a state change, or a peer missing
 * from a RIB dump), and the change came from a RIB dump after a gap. */
enum {
	RIB_WHY_WITHDRAW = 1,
	RIB_WHY_SESSION = 2,
	RIB_WHY_REVEALED = 4,
};

/* Prefix ids whose routes changed in a way that can change their origins,
 * upstreams or visibility (a route added or removed, or replaced by a path
 * with another origin or upstream) since the last call, and (why, may be
 * NULL) their RIB_WHY_* bits, parallel to them; valid until the next
 * call. */
const uint32_t *rib_take_dirty(struct rib *r, uint32_t *n, const uint8_t **why);
/* The first change of each prefix of the last take, parallel to it
 * (only while keep_src is set). */
static inline const struct rib_src *rib_taken_src(const struct rib *r)
{
	return r->taken_src;
}

/* Every prefix with routes is dirty (a whole evaluation, for rebuilding
 * what the detector keeps from an older snapshot). */
void rib_mark_all_dirty(struct rib *r);
/* One prefix to look at again, with no route change (why 0): its
 * validation changed (docs/events.md §12). */
void rib_mark_dirty(struct rib *r, uint32_t pfx);

/* Snapshots (rib_snap.c): the state as bytes between seconds (nothing
 * dirty), and back into an empty rib with the same prefix and peer ids.
 * On error the rib holds part of the snapshot: release it. err gets a
 * message naming the broken section. */
int rib_save(const struct rib *r, struct obuf *o);
int rib_load(struct rib *r, struct cur *c, struct arena *scratch, char *err, size_t esz);

/* ---------------------------------------------------------------- queries */

/* An origin's routes now (`as`, the HTTP API): a summary of its upstreams,
 * then its prefixes in prefix order (rw_prefix_cmp), each with its
 * visibility (peers with any route for it, and their collectors) and its
 * upstreams (peers whose route has this origin and that upstream; asn 0:
 * the origin is the peer itself). */
struct rib_up_view {
	uint32_t asn, peers, colls;
};

struct rib_pfx_view {
	uint32_t pfx;              /* rib prefix id */
	uint32_t peers, colls;     /* visibility */
	uint32_t up_off, nup;      /* its upstreams in view.up, in order of
				      first appearance (by peer id) */
};

/* One upstream of the origin over all its prefixes. A route is a (peer,
 * prefix) pair, as for the history's shares (docs/store.md): routes counts
 * the pairs whose route has this origin and this upstream (the sum of the
 * upstream's peers over the per-prefix views); share = routes /
 * rib_origin_view.routes. */
struct rib_up_sum {
	uint32_t asn;              /* 0: no upstream (the origin is the peer) */
	uint32_t prefixes;         /* prefixes of the origin it carries */
	uint32_t peers, colls;     /* distinct peers (and their collectors)
				      with a route of the origin through it */
	uint64_t routes;
	double share;
};

struct rib_origin_view {
	uint32_t origin;
	uint32_t peers_total;      /* peers with any route at all */
	uint32_t colls_total;      /* collectors known */
	struct rib_pfx_view *pfx;  /* owned, in prefix order */
	uint32_t npfx, cappfx;
	struct rib_up_view *up;    /* owned */
	uint32_t nup, capup;
	/* the summary: every upstream of the origin, by share descending
	 * (ties by ASN) */
	struct rib_up_sum *sum;    /* owned */
	uint32_t nsum, capsum;
	uint64_t routes;           /* the sum of sum[].routes: each (peer,
				      prefix) pair once per upstream its routes
				      have (once in all without ADD-PATH) */
};

/* Cost: one walk over every prefix and its routes (the rib keeps no index
 * by origin), then one over the origin's routes for the summary, with a
 * bitmap of peers per upstream (upstreams x peers / 8 bytes, temporary).
 * An origin with a million prefixes: about 0.3 s. */
void rib_origin_view(const struct rib *r, uint32_t origin, struct rib_origin_view *v);
/* Peers that hold any route now. */
uint32_t rib_peers_with_routes(const struct rib *r);
/* Prefix ids in prefix order (rw_prefix_cmp). */
void rib_sort_prefixes(const struct rib *r, uint32_t *ids, uint32_t n);
void rib_origin_view_free(struct rib_origin_view *v);

/* A prefix and every more-specific prefix of it now (`prefix`, the HTTP
 * API): the prefixes with routes that the query covers (same family,
 * length >= the query's, the query's bits equal), in prefix order, so the
 * query itself comes first when it has routes. Each with its visibility,
 * its origins (each with its peers and its upstreams' peers) and, per
 * collector, the peers that see it. "pv" is for prefix view. */
struct rib_pv_origin {
	uint32_t asn;              /* 0: routes without an origin (an empty
				      path, or one that ends in an AS_SET:
				      docs/events.md §3); it has no upstreams */
	uint32_t peers, colls;     /* peers with a route of this origin */
	uint32_t up_off, nup;      /* its upstreams in view.up (asn 0: the
				      origin is the peer), by peers
				      descending, ties by ASN */
};

struct rib_pv_coll {
	uint32_t coll;             /* collector id */
	uint32_t peers;            /* its peers with a route for the prefix */
	uint32_t peers_total;      /* its peers with any route at all */
};

struct rib_pv_prefix {
	uint32_t pfx;              /* rib prefix id */
	uint32_t peers, colls;     /* visibility: peers with any route */
	uint32_t org_off, norg;    /* its origins in view.org, by peers
				      descending, ties by ASN, the routes
				      without origin last */
	uint32_t coll_off, ncoll;  /* collectors that see it in view.coll, by
				      collector name */
};

struct rib_prefix_view {
	struct rw_prefix query;    /* host bits clear, path_id 0 */
	bool present;              /* the query itself has routes (pfx[0]) */
	uint32_t peers_total;      /* peers with any route at all */
	uint32_t colls_total;      /* collectors known */
	struct rib_pv_prefix *pfx; /* owned, in prefix order */
	uint32_t npfx, cappfx;
	struct rib_pv_origin *org; /* owned */
	uint32_t norg, caporg;
	struct rib_up_view *up;    /* owned */
	uint32_t nup, capup;
	struct rib_pv_coll *coll;  /* owned */
	uint32_t ncoll, capcoll;
};

/* Cost: the rib has no tree of prefixes, so finding the more-specifics is
 * one walk over the whole prefix table, a compare of a few bytes per
 * prefix (about 12 ms for a million prefixes on one core), then a sort of
 * each covered prefix's routes. The exact match alone would be one hash
 * lookup. Fine for a command or a request; not for a loop over many
 * queries: that would want a prefix tree. */
void rib_prefix_view(const struct rib *r, const struct rw_prefix *q, struct rib_prefix_view *v);
void rib_prefix_view_free(struct rib_prefix_view *v);

/* ---------------------------------------------------------------- Adj-RIB-In */

/* The collector's Adj-RIB-In (rib_adj.c): every route's attributes as
 * received, in RIB-entry form, on the rib's prefix and peer ids, for RIB
 * dumps. Fed by the engine for the routes the rib takes. */
struct rib_adj;
struct rib_adj *rib_adj_new(struct rib *rib);
void rib_adj_free(struct rib_adj *a);
/* A peer's BGP identifier, for the peer index of dumps. */
void rib_adj_bgp_id(struct rib_adj *a, uint32_t peer, uint32_t bgp_id);
/* The attribute set of decoded attributes (their raw bytes), in RIB
 * form; as4: the session has 4-byte ASNs. No reference is taken: pass it
 * to announce, then to rib_adj_unused (freed if nothing took it). */
uint32_t rib_adj_attrs(struct rib_adj *a, const struct bgp_attrs *at, bool as4);
void rib_adj_unused(struct rib_adj *a, uint32_t set);
void rib_adj_announce(struct rib_adj *a, uint32_t peer, uint32_t pfx, uint32_t addpath, uint32_t set);
void rib_adj_withdraw(struct rib_adj *a, uint32_t peer, uint32_t pfx, uint32_t addpath);
/* Before rib_peer_down of the same peer. */
void rib_adj_peer_down(struct rib_adj *a, uint32_t peer);
/* A TABLE_DUMP_V2 dump of one collector's peers (peer index, then RIB
 * records in prefix order) appended to out. */
int rib_adj_dump(const struct rib_adj *a, uint32_t coll, uint32_t ts, uint32_t router_id, const char *view,
		 struct obuf *out, uint64_t *nroutes);
void rib_adj_stats(const struct rib_adj *a, uint64_t *routes, uint64_t *bytes);

/* Check every invariant of the state (slow: for tests). 0 or < 0 with a
 * message in buf. */
int rib_check(const struct rib *r, char *buf, size_t size);

/* Bytes held by the state, by part (for --stats: where the bytes of a
 * route go); capacities, not only what is in use. */
struct rib_mem {
	size_t routes;      /* the per-prefix route arrays */
	size_t addpath;     /* ADD-PATH ids beside them */
	size_t prefixes;    /* struct rib_pfx */
	size_t pfx_tab;     /* prefix hash table */
	size_t paths;       /* struct rib_path */
	size_t path_keys;   /* path key bytes outside the entries */
	size_t path_tab;    /* path hash table */
	size_t peers;       /* peers, collectors, their lists and table */
	size_t dirty;       /* dirty lists and why bytes */
};
void rib_mem(const struct rib *r, struct rib_mem *m);
size_t rib_bytes(const struct rib *r);

#endif
