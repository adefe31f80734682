/*
 * Large plain files, mapped instead of read: the bytes go from the page
 * cache to the decoders without the kernel's copy into our buffers (half a
 * CPU-second for a 1 GB RIB dump) nor ours into a batch (feed_par keeps
 * pointers into the mapping: io_stable).
 *
 * The price of a mapping is SIGBUS: a file truncated under us (a mirror
 * rewritten in place) turns every access past its new end into a signal
 * that kills the process. A guard catches it: a fault inside one of our
 * mappings maps zero pages over the rest of it, so the access and every
 * later one read zeros, and the source's next chunk reports the file as
 * shortened. Records already framed from the lost part decode as the
 * malformed input they now are. A SIGBUS anywhere else goes to whatever
 * handled it before (by default: the process ends, as without us).
 *
 * Ownership: struct io_src owns the mapping (map, map_len) and its guard
 * slot; io__map_close unmaps and frees the slot. The guard table is
 * process-wide, written by the opening and closing threads, read by the
 * signal handler on any thread (atomics only).
 */
#include "io_int.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* what one io_next hands out: the next slice is prefetched meanwhile
 * (MADV_WILLNEED), and slices well behind have their page table entries
 * dropped so the mapping does not show as resident memory (the pages stay
 * in the page cache; a late access faults them in again) */
#define MAP_SLICE (8u << 20)
#define MAP_KEEP 4 /* slices kept mapped behind the current one */
#define MAP_SLOTS 64

struct guard {
	uintptr_t lo, hi; /* the mapping, page aligned; lo 0: a free slot */
	int hit;          /* the guard fired: the file was shortened */
};

static struct guard guards[MAP_SLOTS];
static pthread_mutex_t guards_mu = PTHREAD_MUTEX_INITIALIZER; /* slot claims */
static struct sigaction prev_bus;
static bool guard_on;
static uintptr_t page_size;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	if (si->si_code > 0) { /* a fault, not a kill(2) */
		for (unsigned i = 0; i < MAP_SLOTS; i++) {
			uintptr_t lo = __atomic_load_n(&guards[i].lo, __ATOMIC_ACQUIRE);
			uintptr_t hi = __atomic_load_n(&guards[i].hi, __ATOMIC_ACQUIRE);
			if (!lo || a < lo || a >= hi)
				continue;
			uintptr_t pg = a & ~(page_size - 1);
			/* mmap is a plain system call: safe here in practice */
			if (mmap((void *)pg, hi - pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
			    MAP_FAILED)
				break;
			__atomic_store_n(&guards[i].hit, 1, __ATOMIC_RELEASE);
			return; /* the access is retried and reads a zero */
		}
	}
	/* not ours: the handler before us, or the default action */
	if ((prev_bus.sa_flags & SA_SIGINFO) && prev_bus.sa_sigaction) {
		prev_bus.sa_sigaction(sig, si, uc);
		return;
	}
	if (prev_bus.sa_handler != SIG_DFL && prev_bus.sa_handler != SIG_IGN) {
		prev_bus.sa_handler(sig);
		return;
	}
	signal(sig, SIG_DFL);
	if (si->si_code <= 0)
		raise(sig);
	/* a fault: returning retries the access, which now ends the process */
}

/* A free slot for [lo, hi), the handler installed on first use; -1 when
 * every slot is taken (the caller reads the file instead). */
static int guard_claim(uintptr_t lo, uintptr_t hi)
{
	int slot = -1;
	pthread_mutex_lock(&guards_mu);
	if (!guard_on) {
		page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		guard_on = !sigaction(SIGBUS, &sa, &prev_bus);
	}
	for (int i = 0; guard_on && i < MAP_SLOTS && slot < 0; i++)
		if (!__atomic_load_n(&guards[i].lo, __ATOMIC_RELAXED)) {
			slot = i;
			__atomic_store_n(&guards[i].hit, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&guards[i].hi, hi, __ATOMIC_RELEASE);
			__atomic_store_n(&guards[i].lo, lo, __ATOMIC_RELEASE);
		}
	pthread_mutex_unlock(&guards_mu);
	return slot;
}

static void guard_free(int slot)
{
	pthread_mutex_lock(&guards_mu);
	__atomic_store_n(&guards[slot].lo, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&guards[slot].hi, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&guards_mu);
}

bool io__map_open(struct io_src *s, uint64_t size)
{
	if (!size || size > SIZE_MAX)
		return false;
	void *m = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, s->raw.fd, 0);
	if (m == MAP_FAILED)
		return false;
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = (uintptr_t)m, hi = lo + (((uintptr_t)size + pg - 1) & ~(pg - 1));
	int slot = guard_claim(lo, hi);
	if (slot < 0) {
		munmap(m, (size_t)size);
		return false;
	}
	madvise(m, (size_t)size, MADV_SEQUENTIAL);
	madvise(m, (size_t)RW_MIN(size, (uint64_t)MAP_SLICE), MADV_WILLNEED);
	s->map = m;
	s->map_len = (size_t)size;
	s->map_pos = 0;
	s->map_slot = slot;
	return true;
}

int io__map_next(struct io_src *s, const uint8_t **p, size_t *n)
{
	if (s->map_pos >= s->map_len)
		return 0;
	/* shortened: the guard fired, or the file is now shorter than what
	 * is left to hand out (checked before anyone touches it) */
	struct stat st;
	bool hit = __atomic_load_n(&guards[s->map_slot].hit, __ATOMIC_ACQUIRE);
	bool known = !fstat(s->raw.fd, &st);
	if (hit || (known && (uint64_t)st.st_size < s->map_len)) {
		snprintf(s->errmsg, sizeof s->errmsg,
			 "the file shrank while being read (%llu bytes when opened, %llu now); stopped at byte %llu",
			 (unsigned long long)s->map_len, known ? (unsigned long long)st.st_size : 0ULL,
			 (unsigned long long)s->map_pos);
		s->err = RW_EIO;
		return RW_EIO;
	}
	size_t k = RW_MIN((size_t)MAP_SLICE, s->map_len - s->map_pos);
	*p = s->map + s->map_pos;
	*n = k;
	size_t next = s->map_pos + k;
	if (next < s->map_len)
		madvise(s->map + next, RW_MIN((size_t)MAP_SLICE, s->map_len - next), MADV_WILLNEED);
	if (s->map_pos >= (size_t)MAP_KEEP * MAP_SLICE)
		madvise(s->map + s->map_pos - (size_t)MAP_KEEP * MAP_SLICE, MAP_SLICE, MADV_DONTNEED);
	s->map_pos = next;
	s->bytes_out += k;
	__atomic_store_n(&s->raw.nread, (uint64_t)next, __ATOMIC_RELAXED);
	return 1;
}

void io__map_close(struct io_src *s)
{
	if (!s->map)
		return;
	munmap(s->map, s->map_len);
	guard_free(s->map_slot);
	s->map = NULL;
}
