/*
 * sink: where what routewatch determines leaves the process, on threads of
 * their own so that nothing a disk, a command or a web server does can
 * hold up the sessions feeding the engine.
 *
 *  - the MRT archive (sink_arch.c): records into files named like
 *    RouteViews' (updates.YYYYMMDD.HHMM, rib.*), rotated per period; one
 *    writer thread appends each second's records to the period's hidden
 *    journal and, at the period's end, compresses it into the file,
 *    fsyncs and renames it (a crash loses at most a second: the next
 *    start finishes the journals it left);
 *  - alerts (sink_alert.c): each event's JSON to a command (--exec) and to
 *    a webhook (--webhook), with retries.
 *
 * Both hand work to their thread through the one bounded queue of base/.
 * The text, JSON and bgpdump formatters are in out/.
 */
#ifndef RW_SINK_H
#define RW_SINK_H

#include "../io/io.h"

/* ---------------------------------------------------------------- archive */

struct sink_writer;   /* the thread that writes every archive's files */
struct sink_arch;     /* one directory's files of one kind */

struct sink_arch_stats {
	uint64_t records, files, bytes, failures, dropped_bytes, kept_bytes;
	bool failing;
};

int sink_writer_start(struct sink_writer **out);
/* Write what waits (once more for what fails), free every archive opened
 * on it. 0 when every period's file is finished (else what is lost, or
 * left in a journal for the next start, is logged). */
int sink_writer_stop(struct sink_writer *w);

/* kind: the file name's first word ("updates", "rib"); rotate: seconds
 * per file (dividing a day). The archive belongs to the writer, whose
 * first job for it finishes the journals of this kind a crash left in
 * dir (and removes its half-written temporary files). */
int sink_arch_open(struct sink_arch **out, struct sink_writer *w, const char *dir, const char *kind,
		   enum io_comp comp, uint32_t rotate);
/* One record received at ts (records come in time order). */
void sink_arch_put(struct sink_arch *a, uint32_t ts, const uint8_t *p, size_t n);
/* The same for a buffer of records, taken over (b is left empty). */
void sink_arch_put_buf(struct sink_arch *a, uint32_t ts, struct obuf *b);
/* Once a second: the records gathered go to the writer (for the
 * period's journal), or, when the period has ended, the rest of it and
 * its end. */
void sink_arch_tick(struct sink_arch *a, uint32_t now);
/* End the current file now (a RIB dump is one file). */
void sink_arch_cut(struct sink_arch *a);
/* The last period goes to the writer; the writer frees a when it stops. */
void sink_arch_close(struct sink_arch *a);
void sink_arch_stats(struct sink_arch *a, struct sink_arch_stats *st);

/* ---------------------------------------------------------------- alerts */

struct alerts;

/* exec_cmd and url may each be NULL; they are borrowed for the lifetime. */
int alerts_open(struct alerts **out, const char *exec_cmd, const char *url);
/* One event (a JSON object; a trailing newline is dropped). */
void alerts_event(struct alerts *a, const char *json, size_t len);
/* Once a second: reap and start commands. */
void alerts_tick(struct alerts *a);
/* Events waiting for a command or a POST, and events lost (queue full,
 * delivery failed), for the status line. */
void alerts_counts(struct alerts *a, uint64_t *queued, uint64_t *dropped);
/* Wait a little for what is in flight, then free: up to 5 s for --exec
 * commands; the webhook queue is posted once more with a 2 s timeout per
 * POST, and the first failure drops what is left (counted, logged). */
void alerts_close(struct alerts *a);

#endif
