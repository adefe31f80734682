/* collect --db (collect_store.c): the live engine's history into the store. */
#ifndef RW_COLLECT_STORE_H
#define RW_COLLECT_STORE_H

#include "../store/hist.h"

struct col_store {
	struct store st;
	struct hist h;
	struct engine *e;     /* borrowed from live/ */
	unsigned every;       /* seconds between checkpoints */
	double last_wall;
	uint64_t commits;
	bool open, failed;
};

/* Open (create) the store; *min_peers is the store's when it has one and
 * none was given, and must equal it otherwise. */
int col_store_open(struct col_store *cs, const char *db, unsigned *min_peers, bool min_given);
/* The engine is made: load the stored state into it, listen to it. */
int col_store_attach(struct col_store *cs, struct engine *e);
void col_store_event(struct col_store *cs, const struct det_event *ev);
/* The clock moved to `clock` (or, final, the run ends): checkpoint when due. */
void col_store_second(struct col_store *cs, uint32_t clock, bool final);
int col_store_close(struct col_store *cs);

#endif
