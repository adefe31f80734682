/*
 * Alerts for the live collector: each event's JSON goes to a command
 * (--exec: `sh -c CMD`, the JSON on its stdin) and to a webhook (--webhook:
 * an HTTP POST by libcurl). Neither may hold up ingestion: commands are
 * spawned without waiting for them (reaped once a second; at most
 * ALERT_MAX_CHILDREN at a time, the rest queued), and POSTs run on their
 * own thread with retries (1, 2, 4, 8, 16 s apart). Both queues are
 * bounded; what overflows is dropped and counted, loudly.
 */
#ifndef RW_ALERT_H
#define RW_ALERT_H

#include "../base/base.h"

struct alerts;

/* exec_cmd and url may each be NULL; they are borrowed for the lifetime. */
int alerts_open(struct alerts **out, const char *exec_cmd, const char *url);
/* One event (a JSON object, no trailing newline needed). */
void alerts_event(struct alerts *a, const char *json, size_t len);
/* Once a second: reap and start commands. */
void alerts_tick(struct alerts *a);
/* Wait a little (up to 5 s) for commands and POSTs in flight, then free. */
void alerts_close(struct alerts *a);

#endif
