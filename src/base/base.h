/*
 * base: the bottom layer of routewatch. Nothing here knows about BGP.
 *
 * - error codes: every function returns 0 or a negative enum rw_err;
 *   iterators return > 0 for an item, 0 at the end, < 0 on error.
 * - memory: the one rule for running out of it (fatal: rw_malloc never
 *   returns NULL), bytes counted per subsystem, the one growable vector
 *   with a cap (mem.c).
 * - struct cur: a bounded byte cursor. Every getter fails with RW_ETRUNC on
 *   a short read and never zero-fills; nested fields are read through a
 *   sub-cursor so a bad inner length cannot escape its parent.
 * - struct arena: bump allocator with a byte cap. Three lifetimes use it:
 *   scratch (reset per record/message), per file/session, long-lived.
 * - the one keyed hash (a folded multiply under a random key per process)
 *   and the one hash table (struct htab), with a uint64 map on it (hash.c,
 *   htab.c, map.c).
 * - the one bounded queue between threads (queue.c).
 * - struct obuf: buffered writer to a file descriptor with allocation-free
 *   number and address formatting (the dump hot path never calls printf).
 * - addresses and prefixes shared by every layer above.
 * - logging to stderr, the only output this layer does.
 */
#ifndef RW_BASE_H
#define RW_BASE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- errors */

enum rw_err {
	RW_OK = 0,
	RW_ETRUNC = -1,      /* input ends before its own length fields say */
	RW_EMALFORMED = -2,  /* a field holds a value the format forbids */
	RW_EUNSUPPORTED = -3, /* valid but not handled (type, AFI/SAFI...) */
	RW_ENOMEM = -4,      /* allocation failed */
	RW_EIO = -5,         /* read/write/open failed (see errno) */
	RW_EDB = -6,         /* database error */
	RW_ELIMIT = -7,      /* a configured cap was hit */
	RW_EINVAL = -8,      /* bad argument from the caller or the user */
	RW_ENOTFOUND = -9,   /* nothing by that name */
	RW_ECOMPRESS = -10,  /* compressed stream is corrupt or truncated */
	RW_EBUSY = -11,      /* held by another process (a writer's lock) */
};

/* Static string for an rw_err; never NULL. */
const char *rw_strerror(int err);

/* ---------------------------------------------------------------- memory */

/* Subsystems whose bytes are counted (rw_mem_held, --stats). */
enum rw_mem {
	RW_MEM_OTHER = 0,
	RW_MEM_IO,     /* decompression buffers and chunks */
	RW_MEM_BGP,    /* session buffers */
	RW_MEM_MRT,    /* framing windows, writer buffers */
	RW_MEM_FEED,   /* per-file decoders, parallel batches */
	RW_MEM_RIB,    /* prefixes, paths, routes */
	RW_MEM_ADJ,    /* the collector's Adj-RIB-In */
	RW_MEM_DET,    /* detector episodes and counts */
	RW_MEM_ENGINE, /* batches, scratch */
	RW_MEM_STORE,  /* history being gathered, snapshots */
	RW_MEM_LIVE,   /* sessions and BMP routers */
	RW_MEM_SINK,   /* archive periods waiting, alerts queued */
	RW_MEM_OUT,    /* formatters, grouped events */
	RW_MEM_NAMES,  /* AS names */
	RW_MEM_RPKI,   /* VRP sets (RTRlib's trie is its own) */
	RW_MEM_N
};

/* The one rule: allocation failure is fatal. These never return NULL; on
 * failure rw_oom reports what is held and aborts. Caps on what input can
 * grow are ordinary errors (RW_ELIMIT) instead. */
void *rw_malloc(size_t n);
void *rw_calloc(size_t n, size_t size);
void *rw_realloc(void *p, size_t n);
char *rw_strdup(const char *s);
char *rw_strndup(const char *s, size_t n);
_Noreturn void rw_oom(size_t n);
/* Bytes a subsystem holds, as its owners count them. */
void rw_mem_count(enum rw_mem sub, int64_t delta);
uint64_t rw_mem_held(enum rw_mem sub);
/* The process's resident set now, in bytes (/proc/self/statm; 0 when it
 * cannot be read): what the counts above do not see (libraries, stacks). */
uint64_t rw_rss_bytes(void);
const char *rw_mem_name(enum rw_mem sub);
/* Should a command free its long-lived state (a whole rib) before the
 * process exits? Exiting returns it at once, where freeing block by block
 * costs time the user waits for (0.15 s for a 1.2 M-prefix RIB's two
 * million blocks). Yes under the sanitizers, whose leak check must see
 * every block freed, and when RW_FREE_AT_EXIT is set (valgrind). */
bool rw_free_at_exit(void);

/* The one growable vector: grow *pp (elements of esz bytes, capacity *cap)
 * to hold need elements, doubling, never beyond max elements (RW_ELIMIT
 * then, *pp unchanged). Counts the bytes in sub. rw_vec_free frees and
 * uncounts. */
int rw__vec_grow(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub);
static inline int rw_vec_grow(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return need <= *cap ? 0 : rw__vec_grow(pp, cap, need, esz, max, sub); /* room: no call */
}
void rw_vec_free(void *pp, uint32_t *cap, size_t esz, enum rw_mem sub);
/* For the largest tables of the state (paths, prefixes): growth by a
 * quarter (at least 1024 elements) rather than doubling, so the unused
 * tail stays under a fifth of them; glibc moves blocks that large by
 * remapping pages, not copying. */
int rw__vec_grow_q(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub);
static inline int rw_vec_grow_q(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return need <= *cap ? 0 : rw__vec_grow_q(pp, cap, need, esz, max, sub);
}
/* Room for exactly need elements (when more will come together and how
 * many is known: growth by doubling would reallocate several times). */
int rw__vec_reserve(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub);
static inline int rw_vec_reserve(void *pp, uint32_t *cap, size_t need, size_t esz, size_t max, enum rw_mem sub)
{
	return need <= *cap ? 0 : rw__vec_reserve(pp, cap, need, esz, max, sub);
}
/* Capacity down to n elements (n 0: freed), recounted. */
void rw_vec_shrink(void *pp, uint32_t *cap, size_t n, size_t esz, enum rw_mem sub);

/* ---------------------------------------------------------------- cursor */

struct cur {
	const uint8_t *p;   /* next unread byte (borrowed) */
	const uint8_t *end; /* one past the last readable byte */
};

static inline void cur_init(struct cur *c, const void *p, size_t n)
{
	c->p = (const uint8_t *)p;
	c->end = c->p + n;
}

static inline size_t cur_left(const struct cur *c)
{
	return (size_t)(c->end - c->p);
}

static inline int cur_u8(struct cur *c, uint8_t *v)
{
	if (c->p >= c->end)
		return RW_ETRUNC;
	*v = *c->p++;
	return 0;
}

static inline int cur_u16(struct cur *c, uint16_t *v)
{
	if (cur_left(c) < 2)
		return RW_ETRUNC;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return 0;
}

static inline int cur_u32(struct cur *c, uint32_t *v)
{
	if (cur_left(c) < 4)
		return RW_ETRUNC;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	     (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	return 0;
}

static inline int cur_u64(struct cur *c, uint64_t *v)
{
	uint32_t hi, lo;
	if (cur_u32(c, &hi) || cur_u32(c, &lo))
		return RW_ETRUNC;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* Borrow n bytes: *out points into the cursor's buffer. */
static inline int cur_bytes(struct cur *c, size_t n, const uint8_t **out)
{
	if (cur_left(c) < n)
		return RW_ETRUNC;
	*out = c->p;
	c->p += n;
	return 0;
}

static inline int cur_copy(struct cur *c, void *dst, size_t n)
{
	if (cur_left(c) < n)
		return RW_ETRUNC;
	memcpy(dst, c->p, n);
	c->p += n;
	return 0;
}

static inline int cur_skip(struct cur *c, size_t n)
{
	if (cur_left(c) < n)
		return RW_ETRUNC;
	c->p += n;
	return 0;
}

/* Split off the next n bytes as *sub and advance past them. */
static inline int cur_sub(struct cur *c, size_t n, struct cur *sub)
{
	if (cur_left(c) < n)
		return RW_ETRUNC;
	sub->p = c->p;
	sub->end = c->p + n;
	c->p += n;
	return 0;
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---------------------------------------------------------------- arena */

struct arena_blk;

struct arena {
	struct arena_blk *head; /* current block; older blocks chained behind */
	size_t blk_size;        /* default size of a new block */
	size_t cap;             /* max bytes held in blocks; 0 = unlimited */
	size_t held;            /* bytes currently held in blocks */
	size_t peak;            /* high-water mark of held */
	enum rw_mem sub;        /* where held is counted */
};

/* blk_size 0 picks 64 KiB. cap 0 = no cap. */
void arena_init(struct arena *a, size_t blk_size, size_t cap, enum rw_mem sub);
/* 16-byte aligned, uninitialised; NULL when the cap says no. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Forget every allocation; keeps one block for reuse. */
void arena_reset(struct arena *a);
void arena_release(struct arena *a);

/* ---------------------------------------------------------------- hashing */

/* The one hash: a folded multiply under a key drawn at random once per
 * process (hash.c says why this and not SipHash). Values mean nothing
 * outside the process. */
uint64_t rw_hash(const void *p, size_t n);

/* The fixed-size forms, inline for the tables' hot paths; the same
 * construction as rw_hash. rw__hash_key is drawn before main() (hash.c). */
extern uint64_t rw__hash_key[4];
static inline uint64_t rw__fold(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}
static inline uint64_t rw_hash_u64(uint64_t k)
{
	return rw__fold(rw__fold(k ^ rw__hash_key[0], rw__hash_key[1]) ^ k, rw__hash_key[2]);
}
/* Two words and a small third (a prefix: its 16 address bytes, then its
 * length and family). */
static inline uint64_t rw_hash_2u64(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = rw__fold(a ^ rw__hash_key[1], b ^ rw__hash_key[2]);
	return rw__fold(h ^ c ^ rw__hash_key[3], rw__hash_key[0] ^ c);
}

/* The one hash table: open addressing over (id, hash) slots, linear
 * probing, at most half full (3/4 when dense). The owner keeps its entries in its own array
 * and the table maps a 32-bit hash to their ids; lookups walk the ids
 * whose hash matches and the owner compares keys:
 *
 *   for (id = htab_first(t, h, &k); id != HTAB_NONE; id = htab_next(t, h, &k))
 *           if (equal(entry[id], key)) return id;
 */
#define HTAB_NONE UINT32_MAX

struct htab_slot {
	uint32_t id;   /* HTAB_NONE: empty */
	uint32_t hash; /* kept, so probing and growing never touch entries */
};

struct htab {
	struct htab_slot *s; /* owned; mask + 1 slots, a power of two */
	uint32_t mask;
	uint32_t n;          /* ids held */
	enum rw_mem sub;
	bool dense;          /* grows at 3/4 load, not 1/2: for the largest
				tables (the rib's paths and prefixes, tens of
				millions of ids), memory over probe length */
};

/* Would one more id pass the table's load limit? */
static inline bool htab__full(const struct htab *t)
{
	uint64_t n = (uint64_t)t->n + 1, cap = (uint64_t)t->mask + 1;
	return t->dense ? n * 4 > cap * 3 : n * 2 > cap;
}

void htab_init(struct htab *t, uint32_t cap, enum rw_mem sub);
void htab_release(struct htab *t);
void htab_clear(struct htab *t);
/* Empty a large table that holds few ids without touching every slot:
 * call this with the hash of each id held. It empties the run of occupied
 * slots from h's home slot on; an id always lies in the run that starts at
 * its home slot, so after the last call the table is empty. */
void htab_clear_run(struct htab *t, uint32_t h);
/* Add an id under hash h (grows at half load, or 3/4 when dense). */
void htab_add(struct htab *t, uint32_t h, uint32_t id);
/* Remove id (stored under h; it must be there). */
void htab_del(struct htab *t, uint32_t h, uint32_t id);
/* The entry stored as old_id under h is now new_id. */
void htab_reid(struct htab *t, uint32_t h, uint32_t old_id, uint32_t new_id);
size_t htab_bytes(const struct htab *t);

static inline uint32_t htab_next(const struct htab *t, uint32_t h, uint32_t *k)
{
	for (;; *k = (*k + 1) & t->mask) {
		struct htab_slot e = t->s[*k];
		if (e.id == HTAB_NONE)
			return HTAB_NONE;
		if (e.hash == h) {
			*k = (*k + 1) & t->mask;
			return e.id;
		}
	}
}

static inline uint32_t htab_first(const struct htab *t, uint32_t h, uint32_t *k)
{
	*k = h & t->mask;
	return htab_next(t, h, k);
}

/* Add id under h at slot k, where a lookup of h that found nothing just
 * stopped (the table unchanged since): a miss then costs one probe, not
 * two. At half load it grows and probes again. */
static inline void htab_add_at(struct htab *t, uint32_t k, uint32_t h, uint32_t id)
{
	if (htab__full(t)) {
		htab_add(t, h, id);
		return;
	}
	t->s[k] = (struct htab_slot){id, h};
	t->n++;
}

/* Cache hints for batched work: the slot of h, then the id it holds when
 * its hash is h (HTAB_NONE otherwise). */
static inline void htab_prefetch(const struct htab *t, uint32_t h)
{
	__builtin_prefetch(&t->s[h & t->mask]);
}
static inline uint32_t htab_peek(const struct htab *t, uint32_t h)
{
	const struct htab_slot *e = &t->s[h & t->mask];
	return e->hash == h ? e->id : HTAB_NONE;
}

/* uint64 -> uint32 map on the table: keys and values in dense arrays
 * (entry i: keys[i], vals[i], for i < n), so iteration order depends only
 * on the puts and deletes, not on the hash key. */
struct u64map {
	struct htab t;
	uint64_t *keys;  /* owned */
	uint32_t *vals;  /* owned */
	uint32_t n;      /* entries */
	uint32_t cap, vcap;
	enum rw_mem sub;
};

/* A zeroed struct is an empty map counted as RW_MEM_OTHER. */
void u64map_init(struct u64map *m, enum rw_mem sub);
void u64map_release(struct u64map *m);
/* Pointer to the value of key, or NULL. Valid until the next put/del. */
uint32_t *u64map_get(const struct u64map *m, uint64_t key);
/* Pointer to the value of key, inserted as 0 when missing. */
uint32_t *u64map_put(struct u64map *m, uint64_t key);
/* Delete key; the last entry moves into its place. */
void u64map_del(struct u64map *m, uint64_t key);
void u64map_clear(struct u64map *m);
size_t u64map_bytes(const struct u64map *m);

/* ---------------------------------------------------------------- queue */

/* The one bounded queue between threads: a FIFO of pointers. push blocks
 * while full, pop while empty; after close, pushes fail (RW_EINVAL) and
 * pops return what is left, then NULL. Deadlines are CLOCK_MONOTONIC. */
struct rw_queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void **v;         /* owned ring of cap items */
	uint32_t cap, head, n;
	bool closed;
	enum rw_mem sub;
};

void rw_queue_init(struct rw_queue *q, uint32_t cap, enum rw_mem sub);
void rw_queue_release(struct rw_queue *q);
int rw_queue_push(struct rw_queue *q, void *item);
bool rw_queue_try_push(struct rw_queue *q, void *item);
void *rw_queue_pop(struct rw_queue *q);
/* NULL when deadline passes with nothing to take (or closed and empty). */
void *rw_queue_pop_until(struct rw_queue *q, const struct timespec *deadline);
void *rw_queue_try_pop(struct rw_queue *q);
void rw_queue_close(struct rw_queue *q);
bool rw_queue_closed(struct rw_queue *q);
uint32_t rw_queue_len(struct rw_queue *q);
/* pthread_create, logged when it fails: 0 or RW_ENOMEM. */
int rw_thread_start(pthread_t *t, void *(*fn)(void *), void *arg, const char *what);

/* ---------------------------------------------------------------- addresses */

enum { RW_AF_NONE = 0, RW_AF_INET = 4, RW_AF_INET6 = 6 };

struct rw_addr {
	uint8_t af;    /* RW_AF_INET, RW_AF_INET6 or RW_AF_NONE */
	uint8_t b[16]; /* network order; IPv4 uses b[0..3], rest zero */
};

struct rw_prefix {
	uint8_t af;       /* RW_AF_INET or RW_AF_INET6 */
	uint8_t len;      /* prefix length in bits */
	uint8_t b[16];    /* host bits beyond len are always zero */
	uint32_t path_id; /* ADD-PATH identifier, 0 when none */
};

/* The same prefix (the ADD-PATH id aside). */
static inline bool rw_prefix_eq(const struct rw_prefix *a, const struct rw_prefix *b)
{
	return a->af == b->af && a->len == b->len && !memcmp(a->b, b->b, 16);
}

/* Text forms; dst needs RW_ADDR_STRLEN. Return the length written (no NUL
 * counted; a NUL is written). */
#define RW_ADDR_STRLEN 48
#define RW_PREFIX_STRLEN 56
size_t fmt_ipv4(char *dst, const uint8_t a[4]);
/* RFC 5952 canonical text (inet_ntop-like, ::ffff:a.b.c.d for mapped). */
size_t fmt_ipv6(char *dst, const uint8_t a[16]);
/* bgpdump's fmt_ipv6: compresses a single zero group too and prints
 * IPv4-compatible and -mapped addresses in dotted form. */
size_t fmt_ipv6_bgpdump(char *dst, const uint8_t a[16]);
size_t fmt_addr(char *dst, const struct rw_addr *a);
size_t fmt_prefix(char *dst, const struct rw_prefix *p);
/* Parse "a.b.c.d" or IPv6 text into *a. 0 or RW_EINVAL. */
int parse_addr(const char *s, struct rw_addr *a);
/* Parse "addr/len"; host bits are cleared. 0 or RW_EINVAL. */
int parse_prefix(const char *s, struct rw_prefix *p);
/* Zero the bits beyond len. */
void prefix_mask(struct rw_prefix *p);
/* Order of prefixes in every output: family, address bytes, length. */
int rw_prefix_cmp(const struct rw_prefix *a, const struct rw_prefix *b);
/* Does p cover address a? */
bool rw_prefix_has(const struct rw_prefix *p, const struct rw_addr *a);
static inline bool rw_addr_eq(const struct rw_addr *a, const struct rw_addr *b)
{
	return a->af == b->af && !memcmp(a->b, b->b, 16);
}

/* ---------------------------------------------------------------- numbers */

/* Decimal text of v into dst (no NUL); returns the length (1..10/20). */
size_t fmt_u32(char *dst, uint32_t v);
/* One hexadecimal digit's value (either case), -1 for anything else. */
static inline int rw_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
size_t fmt_u64(char *dst, uint64_t v);
/* 0..255 (a prefix length, an octet): writes 4 bytes, returns the digits
 * (1-3); dst needs 4 bytes of room. */
size_t fmt_u8(char *dst, unsigned v);
/* A small direct-mapped cache of decimal texts for hot loops that print
 * the same numbers again and again (ASNs in paths, communities). Owned by
 * the caller; zero-initialise it. fmt_u32_cached writes up to 11 bytes at
 * dst whatever the length returned, so leave that much room. */
#define FMT_CACHE_BITS 13
struct fmt_cache {
	/* one 16-byte slot per value: key, length and text share a cache line */
	struct {
		uint32_t key;
		uint8_t len;
		char s[11];
	} slot[1u << FMT_CACHE_BITS];
};
size_t fmt_u32_cached(struct fmt_cache *c, char *dst, uint32_t v);
/* "YYYY-MM-DDTHH:MM:SSZ" (20 chars + NUL). */
size_t fmt_time_rfc3339(char *dst, int64_t t);
/* Parse a time (the one parser of every command): Unix seconds; RFC 3339 /
 * ISO 8601 "2024-03-09T10:00:00Z", with or without seconds, with 'T' or
 * a space, fractions of a second (dropped), and an offset "Z", " UTC",
 * "+02:00", "+0200", "-05" or none (UTC); or a date "2024-03-09" (its
 * midnight UTC). 0 or RW_EINVAL. PARSE_TIME_FORMS lists them for
 * messages. */
int parse_time(const char *s, int64_t *t);
#define PARSE_TIME_FORMS                                                                     \
	"2024-03-09T10:00:00Z, 2024-03-09T10:00Z, 2024-03-09T12:00:00+02:00, "               \
	"2024-03-09 10:00[:00] (UTC), 2024-03-09 (midnight UTC), 1709978400 (Unix seconds)"
/* Parse an ASN argument: "131279" or "AS131279" (any case). */
int parse_asn(const char *s, uint32_t *asn);
/* Parse an unsigned decimal with bounds; 0 or RW_EINVAL. */
int parse_u64(const char *s, uint64_t max, uint64_t *v);

/* ---------------------------------------------------------------- output buffer */

/* The one byte buffer: a writer to a file descriptor, to a sink (a
 * compressor), or, in memory mode, the growable byte vector every encoder
 * appends to. A zeroed struct obuf is an empty memory buffer. */
enum obuf_mode {
	OBUF_MEM = 0,   /* flushing grows the buffer; nothing is written */
	OBUF_FD,        /* flushes write to fd */
	OBUF_SINK,      /* flushes hand the bytes to sink */
};

struct obuf {
	char *buf;      /* owned */
	size_t len;     /* bytes pending (memory mode: the contents) */
	size_t cap;     /* size of buf */
	uint8_t mode;   /* enum obuf_mode */
	int fd;         /* OBUF_FD: where flushes go */
	uint64_t total; /* bytes written or handed to the sink so far */
	int err;        /* first write error (negative rw_err), sticky */
	/* OBUF_SINK: each flush hands the pending bytes to sink (which
	 * returns 0 or an rw_err), e.g. a compressor */
	int (*sink)(void *arg, const char *p, size_t n);
	void *sink_arg;
};

int obuf_init(struct obuf *o, int fd, size_t cap);
/* An in-memory buffer (the same as a zeroed one, with cap reserved).
 * Take the bytes from o->buf/o->len (obuf_data for bytes); obuf_take
 * hands them over and starts a new buffer. */
int obuf_init_mem(struct obuf *o, size_t cap);
static inline const uint8_t *obuf_data(const struct obuf *o)
{
	return (const uint8_t *)o->buf;
}
/* The same, to patch bytes already written (a length, a corrupted byte). */
static inline uint8_t *obuf_bytes(struct obuf *o)
{
	return (uint8_t *)o->buf;
}
/* A buffer whose flushes go to sink(arg, bytes, n); obuf_release flushes. */
int obuf_init_sink(struct obuf *o, size_t cap, int (*sink)(void *arg, const char *p, size_t n), void *arg);
char *obuf_take(struct obuf *o, size_t *len);
int obuf_flush(struct obuf *o);
void obuf_release(struct obuf *o); /* flushes, frees buf; does not close fd */
/* Memory mode: forget the contents, keep the buffer. */
static inline void obuf_reset(struct obuf *o)
{
	o->len = 0;
}
int obuf_write(struct obuf *o, const void *p, size_t n);

/* Flush, and grow the buffer when n bytes still do not fit: afterwards
 * cap - len >= n whatever failed (a failed write drops the pending bytes
 * and sticks in o->err). */
void obuf_make_room(struct obuf *o, size_t n);

/* Make room for n bytes and return where to write them; the caller then
 * advances o->len itself. */
static inline char *obuf_room(struct obuf *o, size_t n)
{
	if (o->cap - o->len < n)
		obuf_make_room(o, n);
	return o->buf + o->len;
}

static inline void obuf_putc(struct obuf *o, char c)
{
	if (o->len == o->cap)
		obuf_make_room(o, 1);
	o->buf[o->len++] = c;
}

static inline void obuf_putsn(struct obuf *o, const char *s, size_t n)
{
	if (n <= o->cap - o->len) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else {
		obuf_write(o, s, n);
	}
}

static inline void obuf_puts(struct obuf *o, const char *s)
{
	obuf_putsn(o, s, strlen(s));
}

static inline void obuf_putu32(struct obuf *o, uint32_t v)
{
	char *d = obuf_room(o, 10);
	o->len += fmt_u32(d, v);
}

static inline void obuf_putu64(struct obuf *o, uint64_t v)
{
	char *d = obuf_room(o, 20);
	o->len += fmt_u64(d, v);
}

/* Big-endian binary fields (snapshots); read back with cur_u8..cur_u32. */
static inline void obuf_be8(struct obuf *o, uint8_t v)
{
	obuf_putc(o, (char)v);
}
static inline void obuf_be16(struct obuf *o, uint16_t v)
{
	char *d = obuf_room(o, 2);
	wr16((uint8_t *)d, v);
	o->len += 2;
}
static inline void obuf_be32(struct obuf *o, uint32_t v)
{
	char *d = obuf_room(o, 4);
	wr32((uint8_t *)d, v);
	o->len += 4;
}
static inline void obuf_be64(struct obuf *o, uint64_t v)
{
	obuf_be32(o, (uint32_t)(v >> 32));
	obuf_be32(o, (uint32_t)v);
}

/* printf into the buffer; for cold paths only. */
void obuf_printf(struct obuf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON string literal with escapes, quotes included. */
void obuf_json_str(struct obuf *o, const char *s, size_t n);

/* ---------------------------------------------------------------- logging */

enum rw_level { RW_LOG_ERROR = 0, RW_LOG_WARN = 1, RW_LOG_INFO = 2, RW_LOG_DEBUG = 3 };

/* Messages above this level are dropped. Set once by cli/. */
extern int rw_log_level;
void rw_log(enum rw_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rw_vlog(enum rw_level lvl, const char *fmt, va_list ap);

#define RW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define RW_MIN(a, b) ((a) < (b) ? (a) : (b))
#define RW_MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
