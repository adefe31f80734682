/* sink/ internals shared by the archive's files: the structs of the
 * archive, its jobs and the writer (sink_arch.c: the writer thread and the
 * event loop's side), and the file work of the writer (sink_journal.c:
 * names, the journal, the final file, recovery after a crash). */
#ifndef RW_SINK_INT_H
#define RW_SINK_INT_H

#include "sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ARCH_QUEUE_CAP (1ull << 30) /* bytes of jobs waiting for the disk */
#define ARCH_QUEUE_JOBS 4096        /* jobs waiting (about one per period while the disk fails: days) */
#define ARCH_BLOCK (1u << 20)       /* bytes read from a journal at a time */
#define ARCH_PATH 4096

/* The MRT common header (RFC 6396 §2): timestamp u32, type u16, subtype
 * u16, length u32, big-endian; an _ET record's microseconds are inside
 * its length. This is all sink/ reads of MRT, to find where a journal's
 * last whole record ends: mrt/ is not a layer sink/ uses (tests/layers.sh),
 * and a journal holds only records this program wrote, so a torn end is
 * the only damage to look for. */
#define ARCH_MRT_HDR 12

struct arch_job {
	struct sink_arch *a;
	uint32_t start;          /* period start */
	bool end;                /* the period is over: make its file */
	bool recover;            /* finish what a crash left (an archive's first job; no data) */
	size_t done;             /* writer: bytes of data already in the journal */
	struct obuf data;        /* owned: records of the period, whole */
};

struct sink_arch {
	/* set at open, then read-only (both threads) */
	char *dir;               /* owned */
	const char *kind;        /* "updates", "rib" (static) */
	enum io_comp comp;
	uint32_t rotate;
	struct sink_writer *w;
	/* event loop only */
	struct arch_job *cur;    /* records not handed to the writer yet, or NULL */
	uint32_t period;         /* start of the period records were last put for */
	bool in_period;          /* its end has not been handed to the writer yet */
	uint64_t records;
	/* writer thread only */
	int jfd;                 /* the journal of period jstart (read-write), or -1 */
	uint32_t jstart;
	uint64_t jlen;           /* bytes in it: whole records */
	/* under w->mu */
	uint64_t queued;         /* bytes of this archive's jobs */
	uint32_t jobs;           /* this archive's jobs not done by the writer */
	bool failing;
	time_t last_warn;
	struct sink_arch_stats st;
	struct sink_arch *next;  /* every archive of the writer */
};

struct sink_writer {
	pthread_t th;
	struct rw_queue q;       /* jobs, oldest first */
	pthread_mutex_t mu;      /* the counters below and the archives' */
	pthread_cond_t cv;       /* stop, for the retry wait */
	bool stop;
	uint64_t queued;         /* bytes waiting, all archives */
	int unfinished;          /* periods given up or left in a journal at the end */
	struct sink_arch *all;
};

enum arch_name {
	NAME_FINAL,   /* updates.WHEN.gz */
	NAME_TMP,     /* .updates.WHEN.gz.tmp: being compressed */
	NAME_JOURNAL, /* .updates.WHEN.part: the period so far, uncompressed */
};

/* What failed, for the log. */
struct arch_fail {
	const char *what;        /* "create", "append to"... (static) */
	char path[ARCH_PATH];
	int en;                  /* errno */
};

/* A file's bytes: p (memory), else the first n bytes of the journal fd. */
struct file_src {
	const uint8_t *p;
	int fd;
	uint64_t n;
};

void sink__when(const struct sink_arch *a, uint32_t start, char when[32]);
void sink__name(const struct sink_arch *a, const char *when, enum arch_name k, char b[ARCH_PATH]);
void sink__path(const struct sink_arch *a, uint32_t start, enum arch_name k, char b[ARCH_PATH]);
int sink__put_file(const struct sink_arch *a, const char *when, const struct file_src *src, struct arch_fail *f,
		   uint64_t *out);
void sink__count_file(struct sink_arch *a, uint64_t out);
int sink__journal_append(struct arch_job *j, struct arch_fail *f);
int sink__journal_finish(struct sink_arch *a, struct arch_fail *f);
int sink__recover(struct sink_arch *a, struct arch_fail *f);

#endif
