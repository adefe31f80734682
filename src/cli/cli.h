/*
 * cli: `routewatch <command>` dispatch, option parsing and output formats.
 * Commands are functions int cmd_X(int argc, char **argv) returning the
 * process exit status: 0 ok, 1 the input was damaged or partly unreadable
 * (output is still complete for what was readable), 2 usage error.
 */
#ifndef RW_CLI_H
#define RW_CLI_H

#include "../feed/feed.h"

#define EXIT_DAMAGED 1
#define EXIT_USAGE 2

int cmd_dump(int argc, char **argv);
int cmd_cat(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_as(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_collect(int argc, char **argv);

struct store;
/* Open the store of --db (NULL: the default path). create: make it when
 * missing; otherwise a missing SQLite file is an error that says so. */
int cli_store_open(struct store *s, const char *db, bool create);
/* store_run.c, for the commands that run the engine into the store
 * (ingest, collect --db): load the stored engine snapshot (if any) into e,
 * make h listen to e and load the open intervals; then, inside the
 * caller's transaction, a checkpoint: what h learned, the snapshot, the
 * clock and min_peers (t_hist, t_state: seconds spent, may be NULL). Both
 * log what failed. */
struct hist;
struct engine;
int cli_store_resume(struct store *st, struct hist *h, struct engine *e);
int cli_store_checkpoint(struct store *st, struct hist *h, const struct engine *e, uint32_t clock,
			 double *t_hist, double *t_state);

/* bgpdump -m text for one element (fmt_bgpdump.c). The formatter caches
 * the per-record head and the per-attribute-set tail. */
struct fmt_bgpdump {
	struct obuf *o;                /* borrowed */
	const struct mrt_rec *rec;     /* borrowed: record being printed */
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
	size_t tail_len, tail_cap;
	bool addpath, legacy;
	struct fmt_cache *nums;        /* owned: ASN/community texts */
	uint32_t ts_val;               /* the time whose text is ts_txt */
	uint8_t ts_len, peer_len;
	char ts_txt[12];
	struct rw_addr peer_addr;      /* the peer whose "addr|asn|" is peer_txt */
	uint32_t peer_asn;
	char peer_txt[72];
};

void fmt_bgpdump_init(struct fmt_bgpdump *f, struct obuf *o);
void fmt_bgpdump_release(struct fmt_bgpdump *f);
void fmt_bgpdump_record(struct fmt_bgpdump *f, const struct mrt_rec *rec);
void fmt_bgpdump_elem(struct fmt_bgpdump *f, const struct bgp_elem *e);

/* JSON lines (fmt_json.c). */
struct fmt_json {
	struct obuf *o;            /* borrowed */
	const struct mrt_rec *rec; /* borrowed */
	const char *file;          /* borrowed path of the current file */
	uint64_t path_gen;         /* attrs_gen of the cached path text */
	char *path;                /* owned cache of the AS path text */
	size_t path_len, path_cap;
};

void fmt_json_init(struct fmt_json *f, struct obuf *o);
void fmt_json_release(struct fmt_json *f);
void fmt_json_elem(struct fmt_json *f, const struct bgp_elem *e);

/* One event as a line of text or a JSON object (fmt_event.c); nm may be
 * NULL. */
struct store_event;
struct names;
void event_print_json(struct obuf *o, const struct store_event *g, const struct names *nm);
void event_print_text(struct obuf *o, const struct store_event *g, const struct names *nm);

/* Decode and format one opened file on nworkers threads, writing the text
 * to out in order (dump_par.c). Same output as the sequential path. */
int dump_parallel(struct feed_file *f, bool json, unsigned nworkers, struct obuf *out);

/* Shared helpers (util.c) */
double now_seconds(void);
/* Communities into text: "a:b c:d" (bgpdump names well-known ones when
 * bgpdump_names). Returns length; dst must hold 12 per community. */
size_t fmt_communities(char *dst, const uint8_t *p, size_t len, bool bgpdump_names, struct fmt_cache *c);

#endif
