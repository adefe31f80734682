/*
 * The one hash function: SipHash-1-3 (Aumasson and Bernstein, "SipHash: a
 * fast short-input PRF", 2012; 1 compression and 3 finalization rounds, as
 * Rust's and Python's hash tables use it) under a key drawn from
 * getrandom() once per process.
 *
 * Why keyed: peers choose the prefixes and AS paths we hash, and every
 * table here probes linearly, so with a fixed function an announcer could
 * compute thousands of paths that share a slot and turn each lookup into a
 * walk (the hash-flooding attacks that made SipHash). With a secret key the
 * slot of a key cannot be predicted from outside the process.
 *
 * Consequence for callers: a hash value means nothing outside the process
 * that computed it. Snapshots store keys, never hashes; nothing iterates a
 * table in slot order to produce output (struct u64map iterates its
 * entries in insertion order instead).
 */
#include "base.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t key0, key1;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static bool key_fixed;

static void key_init(void)
{
	if (key_fixed)
		return;
	uint64_t k[2];
	if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
		/* no entropy source (an old kernel in a chroot): the clock and
		 * the pid are weak, but not a constant */
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		k[0] = (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)t.tv_sec;
		k[1] = (uint64_t)getpid() * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)(uintptr_t)&t;
	}
	key0 = k[0];
	key1 = k[1];
}

void rw_hash_set_key(uint64_t k0, uint64_t k1)
{
	key0 = k0;
	key1 = k1;
	key_fixed = true;
	pthread_once(&key_once, key_init); /* a later first use changes nothing */
}

static inline uint64_t rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = rotl(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = rotl(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = rotl(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = rotl(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = rotl(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = rotl(v2, 32);                                                                 \
	} while (0)

static inline uint64_t le64(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* SipHash-c-d of n bytes under (k0, k1). */
static uint64_t siphash(const uint8_t *p, size_t n, uint64_t k0, uint64_t k1, int c, int d)
{
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	const uint8_t *end = p + (n & ~(size_t)7);
	for (; p < end; p += 8) {
		uint64_t m = le64(p);
		v3 ^= m;
		for (int i = 0; i < c; i++)
			SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	switch (n & 7) {
	case 7: b |= (uint64_t)p[6] << 48; /* fall through */
	case 6: b |= (uint64_t)p[5] << 40; /* fall through */
	case 5: b |= (uint64_t)p[4] << 32; /* fall through */
	case 4: b |= (uint64_t)p[3] << 24; /* fall through */
	case 3: b |= (uint64_t)p[2] << 16; /* fall through */
	case 2: b |= (uint64_t)p[1] << 8;  /* fall through */
	case 1: b |= (uint64_t)p[0]; break;
	case 0: break;
	}
	v3 ^= b;
	for (int i = 0; i < c; i++)
		SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	for (int i = 0; i < d; i++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t rw_siphash24(const void *p, size_t n, uint64_t k0, uint64_t k1)
{
	return siphash(p, n, k0, k1, 2, 4);
}

uint64_t rw_hash(const void *p, size_t n)
{
	pthread_once(&key_once, key_init);
	return siphash(p, n, key0, key1, 1, 3);
}

uint64_t rw_hash_u64(uint64_t k)
{
	/* the 8-byte case of rw_hash, unrolled: one block, then the length */
	pthread_once(&key_once, key_init);
	uint64_t v0 = key0 ^ 0x736f6d6570736575ULL, v1 = key1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key0 ^ 0x6c7967656e657261ULL, v3 = key1 ^ 0x7465646279746573ULL;
	v3 ^= k;
	SIPROUND;
	v0 ^= k;
	uint64_t b = (uint64_t)8 << 56;
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
