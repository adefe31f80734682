/*
 * feed: archive files as streams of route elements. Glues io/ (bytes),
 * mrt/ (records, elements) and the error rule for bad input: every problem
 * is reported once on stderr with the file, the byte offset, the record
 * index and its type; the rest of the input is still processed; the file is
 * marked damaged so commands can exit non-zero.
 *
 * struct feed_stats collects what --stats prints: records by type, errors
 * by class, bytes in and out, elements by type, and the collectors found.
 */
#ifndef RW_FEED_H
#define RW_FEED_H

#include "../io/io.h"
#include "../mrt/mrt.h"

/* One collector of a run, as --stats lists it. */
struct feed_coll_stats {
	char name[64];          /* truncated past 63 bytes */
	uint32_t ribs, updates; /* files of each kind */
	uint32_t first, last;   /* earliest and latest file time (both 0: none
				   known, e.g. standard input) */
};

/* Collectors listed by --stats; the files of more are counted in
 * colls_more. A fixed table keeps struct feed_stats one flat block its
 * callers calloc and free (RouteViews and RIS together run about 70
 * collectors). */
#define FEED_STATS_COLLS 128

struct feed_stats {
	uint64_t files, files_failed, files_damaged;
	uint64_t files_outside;       /* not opened: outside a window (feed_window.c) */
	uint64_t records;
	uint64_t by_type[64][16];     /* records per [type][subtype] (clamped) */
	uint64_t elems[5];            /* A, W, B, STATE, MSG */
	uint64_t gaps, gap_bytes;     /* framing lost and regained */
	uint64_t truncated;           /* streams ending inside a record */
	uint64_t absorbed;            /* records read past a short length */
	uint64_t rec_errors;          /* records (or their rest) skipped */
	uint64_t io_errors;           /* read / decompression failures */
	uint64_t taw, discard, unparseable; /* RFC 7606 classes */
	uint64_t bad_entries;         /* RIB entries skipped */
	uint64_t unsupported;         /* records of types not decoded */
	uint64_t bytes_in, bytes_out; /* compressed / decompressed */
	uint32_t ts_min, ts_max;      /* record times read (ts_max 0: none),
					 for "the data ends at ..." */
	uint8_t reported[64][16];     /* unsupported type reported once */
	struct feed_coll_stats colls[FEED_STATS_COLLS]; /* by name */
	uint32_t ncolls;
	uint32_t colls_more;          /* files of collectors beyond the table */
};

struct feed_names;

struct feed_opts {
	struct io_opts io;
	const struct feed_names *names; /* borrowed: the --collector rules,
					   carried to whoever calls
					   feed_inputs (store_ingest);
					   NULL: none */
	unsigned max_msgs;  /* problem messages per file before going quiet; 0 = 20 */
	bool want_msgs;     /* deliver OPEN/NOTIFICATION/... elements */
	bool salvage;       /* see mrt_dec.salvage */
	bool guess_addpath; /* see mrt_dec.guess_addpath */
	bool progress;      /* a progress line on stderr when it is a terminal */
};

/* A problem message kept for later (see feed_file.defer). */
struct feed_msg {
	int level;  /* enum rw_level */
	char *text; /* owned */
};

struct feed_file {
	char *path;               /* owned copy of the path given */
	struct io_src *io;        /* owned */
	struct mrt_reader rd;
	struct mrt_dec dec;
	struct mrt_rec rec;       /* current record (after feed_file_next) */
	struct feed_stats *st;    /* borrowed, shared across files */
	const struct feed_opts *opts; /* borrowed */
	unsigned nmsgs;           /* problems reported for this file */
	unsigned nproblems;       /* problems seen */
	bool damaged;             /* anything was wrong */
	bool eof;
	bool foreign;             /* its first bytes are another format
				     (BMP, pcap, text): not read further */
	bool defer;               /* keep messages in deferred[] instead of
				     printing them (a caller that decodes on
				     other threads prints them in order) */
	struct feed_msg *deferred;/* owned */
	size_t ndeferred;
	uint32_t capdeferred;
};

/* Opens and starts reading. On failure the problem is logged, counted and
 * RW_EIO returned (the file is not damaged: it is missing). */
int feed_file_open(struct feed_file *f, const char *path, const struct feed_opts *o,
		   struct feed_stats *st);
/* Frame the next record into f->rec. 1: a record; 0: no more (end of
 * stream, or a read/decompression error already reported). Gaps are
 * reported and skipped. */
int feed_file_next(struct feed_file *f);
/* Decode f->rec into elements. Returns fn's non-zero stop value or 0. */
int feed_file_decode(struct feed_file *f, mrt_elem_fn fn, void *arg);
/* The two halves of feed_file_decode around mrt_decode, for callers that
 * decode elsewhere (dump's worker threads): read a short record to where
 * the next one starts when that is what it is (main thread, before the
 * record is handed on); report what decoding it found. */
void feed_file_prepare(struct feed_file *f);
void feed_file_report(struct feed_file *f, const struct mrt_rec *rec, const struct mrt_result *res);
bool feed_result_has_problem(const struct mrt_result *res);
/* Pass over f->rec without its elements (a record outside a window): a
 * short length is decided as feed_file_decode decides it, and a
 * PEER_INDEX_TABLE is still decoded, so the RIB entries after it can be. */
void feed_file_pass(struct feed_file *f);
/* Print a message with the file's rate limit (used for deferred ones). */
void feed_file_emit(struct feed_file *f, enum rw_level lvl, const char *msg);
void feed_file_close(struct feed_file *f);

/* ---------------------------------------------------------------- names */

/* Who names the collector of a file (docs/events.md §1). The user's
 * --collector options come first: NAME=PATH for the files under PATH (the
 * longest PATH that holds the file; the last given among equal ones), then
 * NAME for every input. Without them the name comes from the archive
 * layouts (feed_collector_of). Every command that reads archives parses
 * --collector with feed_names_add, so they all read it the same way. */
struct feed_name_rule {
	char *name; /* owned */
	char *path; /* owned: absolute, "." and ".." resolved by name */
};

struct feed_names {
	char *all;                /* owned: --collector NAME, or NULL */
	struct feed_name_rule *v; /* owned: --collector NAME=PATH, as given */
	uint32_t n, cap;
	char *cwd;                /* owned: the directory relative paths start
				     from (feed_names_init reads it); NULL
				     when unknown */
	bool quiet;               /* feed_inputs warns of nothing (no RIB
				     first, missing files, empty paths): a
				     caller that lists the same files again
				     and again (`watch --follow`) says it
				     once itself */
};

/* Zeroes nm and reads the working directory. */
void feed_names_init(struct feed_names *nm);
/* One --collector value: "NAME" or "NAME=PATH" (split at the first '=').
 * 0, or RW_EINVAL when NAME or PATH is empty (nothing logged: the caller
 * names its option). A later NAME replaces an earlier one. */
int feed_names_add(struct feed_names *nm, const char *arg);
void feed_names_release(struct feed_names *nm);

/* The collector of the file at path, a string the caller frees. given is
 * the path named by the user that led to it: path itself, or a directory
 * it was found under (it decides which folders lie inside the walk; NULL:
 * path). In order: nm's NAME=PATH rules, then its NAME; standard input
 * ("-") is "stdin"; the collector the file name carries (rrc20.updates...,
 * ris.rrc06.updates..., routeviews.route-views.jinx.updates...,
 * route-views2.rib...); the folders from the file upward, where RIBS,
 * UPDATES and YYYY.MM are skipped and a bgpdata folder is named by the
 * folder above it when that one is a collector folder (inside the path
 * given, and found by the walk or named like a RouteViews collector), else
 * route-views2; any other folder is the collector. Folders above a
 * relative path are the working directory's. nm may be NULL (no rules,
 * the process's directory). Opens no file. */
char *feed_collector_of(const struct feed_names *nm, const char *given, const char *path);

/* The time and kind a file name gives (docs/events.md §1): YYYYMMDD.HHMM
 * anywhere in the last component, or Unix seconds right after the kind word
 * (ris.rrc06.updates.1427846400.gz). The file is a RIB dump when the word
 * before the time is rib, ribs or bview, an update file when it is updates,
 * and otherwise when the name starts with rib or bview. true when the name
 * gives a time. */
bool feed_name_time(const char *path, uint32_t *ts, bool *rib);

/* ---------------------------------------------------------------- inputs */

/* The files of a run over archives (feed_walk.c), in the order their
 * records are due. */
struct feed_input {
	char *path;        /* owned */
	char *collector;   /* owned */
	uint32_t first_ts; /* first record's time (0 when unreadable) */
	bool rib;          /* a RIB dump (TABLE_DUMP[_V2]) */
	bool named;        /* time and kind read from the file name */
	bool walked;       /* found in a directory (not named by the user) */
	bool not_mrt;      /* its first bytes are no MRT header */
	bool unread;       /* neither its name nor its first bytes gave its
			      time and kind (standard input, unreadable) */
	uint32_t order;    /* position after sorting */
	uint32_t given;    /* index of the path given that led to it */
	bool missing_before; /* update files of its collector that the
				cadence of their names expects are missing
				right before it (docs/events.md §9) */
	/* set by feed_inputs_window / feed_inputs_clip (both false/0 until then) */
	bool outside;      /* a window needs nothing of it: not opened */
	uint32_t start;    /* records before this time are not needed: its
			      collector starts from its RIB dump of then (0: all) */
};

struct feed_inputs {
	struct feed_input *v; /* owned */
	uint32_t n, cap;
};

/* Walk files and directories (recursively, names sorted; hidden files are
 * skipped, and so are files found in directories whose first bytes are no
 * MRT header; a file whose name gives its time, rib.20240309.0800, is not
 * opened here, so it is never skipped: its reader reports what it finds)
 * into inputs sorted by (first record time, RIB before updates,
 * collector, path). Collectors as feed_collector_of names them with nm
 * (NULL: no --collector). The collectors found go into st (--stats); a
 * collector whose update files start before any RIB dump of it is warned
 * about once, and so is a NAME=PATH rule that named no file. Returns 0, or
 * RW_EIO when a path cannot be read (logged, counted). */
int feed_inputs(char **paths, int n, const struct feed_names *nm, const struct io_opts *io, struct feed_inputs *out,
		struct feed_stats *st);
void feed_inputs_free(struct feed_inputs *l);
/* One input's collector, time and kind, as feed_inputs finds them,
 * for a command that reads files in the order given (dump). Free with
 * feed_input_release. */
void feed_input_identify(struct feed_input *in, const struct feed_names *nm, const char *path,
			 const struct io_opts *io);
void feed_input_release(struct feed_input *in);

/* ---------------------------------------------------------------- windows */

/* Which files a question about a time needs (feed_window.c, docs/events.md
 * §8), from the times and kinds feed_inputs found; no file is opened.
 *
 * A file ends where the next file of its collector begins: an update file
 * where the next later update file begins, a RIB dump (whose records all
 * carry its time) where the next later file of any kind begins. Only a
 * file whose name gives its time can be known to end; files of unknown
 * time (standard input) are always needed.
 *
 * feed_inputs_window: the state at the end of second `at`, then the
 * records up to `last`. Each collector starts from its last RIB dump at or
 * before `at` (a name gives the minute a dump began: a named dump counts
 * once that minute is over, at >= its time + FEED_NAME_SLACK - 1); its
 * RIB dumps before that one, and its named update files that end at or
 * before it, are marked `outside`; `start` of each of its inputs is that
 * dump's time (FEED_NAME_SLACK earlier for a named dump: its records
 * before are replaced by it). A collector without such a dump starts from
 * its first file. Files of known time after `last` are outside. at 0:
 * every collector from its first file; last 0: to the end.
 *
 * episodes: the question is about events, not only the state. Then the
 * update records of every collector are needed from the earliest cut of
 * all (the first collector's starting dump), not only from its own dump:
 * an episode that begins after that dump is counted by every peer that
 * carries it, as in a run over everything (a later collector's records
 * before its own dump can confirm it). `start` is that earliest cut, and
 * a named update file is outside when it ends at or before it. A
 * collector's own RIB dumps before its starting dump stay outside.
 * Returns the number of inputs outside. */
#define FEED_NAME_SLACK 60
uint32_t feed_inputs_window(struct feed_input *v, size_t n, uint32_t at, uint32_t last, bool episodes);
/* The files that may hold a record of time t, from <= t < until (until 0:
 * no end), for a command that reads records, not state (dump): those
 * whose known time is at or after `until`, and named ones that end before
 * `from`, are marked `outside`. v in any order. Returns the number
 * outside. */
uint32_t feed_inputs_clip(struct feed_input *v, size_t n, uint32_t from, uint32_t until);

/* ---------------------------------------------------------------- parallel */

/* The ordered parallel decoder (feed_par.c): an opened file's records are
 * decoded on worker threads and their results come back in file order,
 * with the file's problems reported in record order as the sequential
 * path reports them. Each worker has the caller's state; a record's
 * elements go to `elem` with that state, after `record` gave it the
 * record and the buffer its results belong in; the main thread gets each
 * batch's buffer, in order, through `deliver`. Elements are counted into
 * the file's stats (unless `uncounted`). Used by `dump` and by the
 * engine's RIB dumps (engine/archive.c); any source can use it. */
struct feed_par_ops {
	void *(*worker_new)(void *arg);
	void (*worker_free)(void *state);
	void (*record)(void *state, const struct mrt_rec *rec, struct obuf *out);
	int (*elem)(void *state, const struct bgp_elem *e);
	void (*deliver)(void *arg, const struct obuf *out);
	/* optional, on the main thread: false leaves the record out (not
	 * decoded, not reported; a peer index is still followed) */
	bool (*keep)(void *arg, const struct mrt_rec *rec);
	void *arg;
	/* the file's current record is already framed (feed_file_next was
	 * called): it is the first to run */
	bool framed;
	/* the caller counts elements itself (the engine): the file's stats
	 * are left as the sequential feed_file_decode leaves them */
	bool uncounted;
};

/* 0, or RW_ENOMEM when no worker could start (nothing was read: decode
 * the file sequentially). */
int feed_par_run(struct feed_file *f, unsigned nworkers, const struct feed_par_ops *ops);

/* Count files of a collector into st->colls: ribs and updates files with
 * file times first..last (0, 0: none known). */
void feed_stats_collector(struct feed_stats *st, const char *name, uint32_t ribs, uint32_t updates,
			  uint32_t first, uint32_t last);
/* --stats report on stderr. */
void feed_stats_print(const struct feed_stats *st, double elapsed);

/* ---------------------------------------------------------------- progress */

/* A run's progress line (feed_progress.c): on only when asked and stderr
 * is a terminal. start: the n inputs to read (those marked outside are not
 * counted), as feed_inputs or, with in NULL, as paths; tick: often (per
 * record), with the file being read (NULL: none); end: clears the line. */
struct feed_progress {
	bool on, drawn;
	uint32_t files;      /* files to read */
	uint64_t bytes;      /* their size on disk */
	uint64_t calls;
	double t0, last;
};
void feed_progress_start(struct feed_progress *p, bool want, const struct feed_input *in, char *const *paths,
			 size_t n);
void feed_progress_tick(struct feed_progress *p, const struct feed_stats *st, const struct feed_file *cur);
void feed_progress_end(struct feed_progress *p);

#endif
