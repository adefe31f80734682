/*
 * The one hash function: a folded multiply (the 64x64 -> 128-bit product
 * of two words, its halves xor-ed; the construction of wyhash, rapidhash
 * and foldhash) over the input, 16 bytes per multiply, under a 256-bit
 * key drawn from getrandom() once per process.
 *
 * Why keyed: peers choose the prefixes and AS paths we hash, and every
 * table here probes linearly, so with a fixed function an announcer could
 * compute thousands of paths that share a slot and turn each lookup into a
 * walk (hash flooding). Every input word is combined with a secret word
 * before it is multiplied, so which inputs collide depends on the key; no
 * set of inputs computed in advance collides in another process.
 *
 * Why not SipHash, the PRF OpenBGPD keys its tables with: on the RIB load
 * (one path key of 20 to 40 bytes hashed per RIB entry) SipHash-1-3 was
 * 161 M of 1275 M instructions (callgrind, 40 k prefixes x 20 peers) and
 * made the load 17 % slower; this is a fifth of that. It is not a PRF: an
 * attacker who could measure our lookups precisely enough to find
 * collisions might learn something of the key. That attacker reaches the
 * collector over BGP sessions whose timing is dominated by the network; we
 * take that trade and say so here.
 *
 * Consequence for callers: a hash value means nothing outside the process
 * that computed it. Snapshots store keys, never hashes; nothing iterates a
 * table in slot order to produce output (struct u64map iterates its
 * entries in insertion order instead).
 */
#include "base.h"

#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint64_t rw__hash_key[4];
#define key rw__hash_key

/* Drawn before main(), so no lookup pays for a "once" check and no thread
 * can hash before the key exists. */
__attribute__((constructor)) static void key_init(void)
{
	if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
		/* no entropy source (an old kernel in a chroot): the clock and
		 * the pid are weak, but not a constant */
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		key[0] = (uint64_t)t.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)t.tv_sec;
		key[1] = (uint64_t)getpid() * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)(uintptr_t)&t;
		key[2] = key[0] * 0xff51afd7ed558ccdULL ^ key[1];
		key[3] = key[1] * 0xc4ceb9fe1a85ec53ULL ^ key[0];
	}
	/* a zero key word would let the matching input word cancel it */
	for (int i = 0; i < 4; i++)
		key[i] |= 1ULL << (i * 16 + 1);
}

#define fold rw__fold

static inline uint64_t rd64le(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w; /* host order: the value only has to be the same in this process */
}

static inline uint64_t rd32le(const uint8_t *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return w;
}

uint64_t rw_hash(const void *in, size_t n)
{
	const uint8_t *p = in;
	uint64_t h = key[0] ^ fold(n ^ key[1], key[2]);
	size_t left = n;
	for (; left > 16; left -= 16, p += 16)
		h = fold(rd64le(p) ^ key[1], rd64le(p + 8) ^ h);
	/* the last 0..16 bytes, read as two (possibly overlapping) words; the
	 * length is in h already, so overlaps of different lengths differ */
	uint64_t a = 0, b = 0;
	if (left >= 8) {
		a = rd64le(p);
		b = rd64le(p + left - 8);
	} else if (left >= 4) {
		a = rd32le(p);
		b = rd32le(p + left - 4);
	} else if (left) {
		a = (uint64_t)p[0] << 16 | (uint64_t)p[left >> 1] << 8 | p[left - 1];
	}
	h = fold(a ^ key[2], b ^ h ^ key[3]);
	return fold(h ^ key[1], key[3]);
}
