/*
 * The archive writer's file work (see sink_arch.c for the design): the
 * names of a period's files, the journal (appended as records come,
 * finished at the period's end), the one way a file gets its final name
 * (compressor, hidden temporary file, fsync, rename) and, at open, the
 * recovery of what a crash left. Runs on the writer thread only.
 */
#include "sink_int.h"

/* ---------------------------------------------------------------- names */

/* WHEN: the period's start, YYYYMMDD.HHMM (with seconds when the period
 * is not whole minutes). */
void sink__when(const struct sink_arch *a, uint32_t start, char when[32])
{
	time_t t = start;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, 32, a->rotate % 60 ? "%Y%m%d.%H%M%S" : "%Y%m%d.%H%M", &tm);
}

void sink__name(const struct sink_arch *a, const char *when, enum arch_name k, char b[ARCH_PATH])
{
	const char *ext = io_comp_ext(a->comp);
	if (k == NAME_FINAL)
		snprintf(b, ARCH_PATH, "%s/%s.%s%s", a->dir, a->kind, when, ext);
	else if (k == NAME_TMP)
		snprintf(b, ARCH_PATH, "%s/.%s.%s%s.tmp", a->dir, a->kind, when, ext);
	else
		snprintf(b, ARCH_PATH, "%s/.%s.%s.part", a->dir, a->kind, when);
}

void sink__path(const struct sink_arch *a, uint32_t start, enum arch_name k, char b[ARCH_PATH])
{
	char when[32];
	sink__when(a, start, when);
	sink__name(a, when, k, b);
}

/* ---------------------------------------------------------------- writer: files */


static int failed(struct arch_fail *f, const char *what, const char *path, int en)
{
	f->what = what;
	snprintf(f->path, sizeof f->path, "%s", path);
	f->en = en;
	return RW_EIO;
}

/* mkdir -p the archive's directory (a BMP router's, at its first file). */
static int make_dir(const char *dir)
{
	char d[ARCH_PATH];
	snprintf(d, sizeof d, "%s", dir);
	for (char *q = d + 1;; q++) {
		bool last = !*q;
		if (*q != '/' && !last)
			continue;
		*q = 0;
		if (mkdir(d, 0755) && errno != EEXIST)
			return RW_EIO;
		if (last)
			return 0;
		*q = '/';
	}
}

/* pwrite all n bytes at off; *put says how many went, also on failure
 * (errno set). */
static int put_at(int fd, const void *p, size_t n, uint64_t off, size_t *put)
{
	for (*put = 0; *put < n;) {
		ssize_t k = pwrite(fd, (const char *)p + *put, n - *put, (off_t)(off + *put));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = ENOSPC;
			return RW_EIO;
		}
		*put += (size_t)k;
	}
	return 0;
}

/* pread exactly n bytes at off (a short file is EIO). */
static int get_at(int fd, uint8_t *b, size_t n, uint64_t off)
{
	while (n) {
		ssize_t k = pread(fd, b, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return RW_EIO;
		}
		b += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}


static int copy_journal(struct io_sink *s, int fd, uint64_t n, bool *read_failed)
{
	uint8_t *b = rw_malloc(ARCH_BLOCK);
	int rc = 0;
	for (uint64_t off = 0; off < n && !rc; off += ARCH_BLOCK) {
		size_t k = (size_t)RW_MIN((uint64_t)ARCH_BLOCK, n - off);
		if (get_at(fd, b, k, off)) {
			*read_failed = true;
			rc = RW_EIO;
		} else {
			rc = io_sink_write(s, b, k);
		}
	}
	free(b);
	return rc;
}

/* The one way a file gets its final name: through the compressor into the
 * hidden temporary file, fsync, rename. The temporary file is gone
 * whatever fails. */
int sink__put_file(const struct sink_arch *a, const char *when, const struct file_src *src, struct arch_fail *f,
		    uint64_t *out)
{
	char tmp[ARCH_PATH], fin[ARCH_PATH];
	sink__name(a, when, NAME_TMP, tmp);
	sink__name(a, when, NAME_FINAL, fin);
	struct io_sink *s;
	if (make_dir(a->dir) || io_sink_open(tmp, a->comp, &s))
		return failed(f, "create", fin, errno);
	bool rd = false;
	int rc = src->p ? io_sink_write(s, src->p, src->n) : copy_journal(s, src->fd, src->n, &rd);
	int en = errno;
	*out = io_sink_bytes_out(s);
	if (rd) {
		io_sink_close(s, false);
		unlink(tmp);
		return failed(f, "read the journal of", fin, en);
	}
	if (io_sink_close(s, rc == 0) || rc) {
		en = errno;
		unlink(tmp);
		return failed(f, "write", fin, en);
	}
	if (rename(tmp, fin)) {
		en = errno;
		unlink(tmp);
		return failed(f, "rename into", fin, en);
	}
	return 0;
}

void sink__count_file(struct sink_arch *a, uint64_t out)
{
	pthread_mutex_lock(&a->w->mu);
	a->st.files++;
	a->st.bytes += out;
	pthread_mutex_unlock(&a->w->mu);
}

/* Rename path to path.kept-T (T: now; never over another file). */
static int keep_aside(const char *path, char kept[ARCH_PATH + 48])
{
	long long t = (long long)time(NULL);
	snprintf(kept, ARCH_PATH + 48, "%s.kept-%lld", path, t);
	for (int i = 1; i < 100 && access(kept, F_OK) == 0; i++)
		snprintf(kept, ARCH_PATH + 48, "%s.kept-%lld-%d", path, t, i);
	return rename(path, kept) ? RW_EIO : 0;
}

/* ---------------------------------------------------------------- writer: journals */

/* A journal started for a period whose file exists (a restart within the
 * period) begins with that file's records. A file that cannot be read is
 * kept aside, loudly, and the journal starts empty. */
static int journal_seed(struct sink_arch *a, const char *fin, const char *jpath, struct arch_fail *f)
{
	struct io_src *s;
	const uint8_t *p;
	size_t n, put;
	int r = io_open(fin, NULL, &s); /* logs why it cannot */
	while (!r && (r = io_next(s, &p, &n)) > 0) {
		if (put_at(a->jfd, p, n, a->jlen, &put)) {
			a->jlen += put;
			io_close(s);
			return failed(f, "append to", jpath, errno);
		}
		a->jlen += n;
		r = 0;
	}
	io_close(s);
	if (r == 0) {
		rw_log(RW_LOG_INFO, "archive: %s exists (a restart within its period): its %llu bytes of records start %s",
		       fin, (unsigned long long)a->jlen, jpath);
		return 0;
	}
	char kept[ARCH_PATH + 48];
	if (ftruncate(a->jfd, 0) || keep_aside(fin, kept))
		return failed(f, "keep aside", fin, errno);
	a->jlen = 0;
	rw_log(RW_LOG_ERROR, "archive: %s exists but cannot be read: kept as %s, and the period's file starts anew", fin,
	       kept);
	return 0;
}

static int journal_open(struct sink_arch *a, uint32_t start, struct arch_fail *f)
{
	char jpath[ARCH_PATH], fin[ARCH_PATH], kept[ARCH_PATH + 48];
	sink__path(a, start, NAME_JOURNAL, jpath);
	sink__path(a, start, NAME_FINAL, fin);
	if (make_dir(a->dir))
		return failed(f, "create", jpath, errno);
	int fd = open(jpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == EEXIST && !keep_aside(jpath, kept)) {
		/* one the recovery could not finish (it was given up) */
		rw_log(RW_LOG_ERROR, "archive: a journal of an earlier run was in the way: kept as %s", kept);
		fd = open(jpath, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		return failed(f, "create", jpath, errno);
	a->jfd = fd;
	a->jstart = start;
	a->jlen = 0;
	if (access(fin, F_OK) == 0 && journal_seed(a, fin, jpath, f)) {
		close(fd);
		unlink(jpath);
		a->jfd = -1;
		return RW_EIO;
	}
	return 0;
}

/* The rest of the job's records to the end of the journal. */
int sink__journal_append(struct arch_job *j, struct arch_fail *f)
{
	struct sink_arch *a = j->a;
	if (a->jfd < 0 && journal_open(a, j->start, f))
		return RW_EIO;
	size_t put;
	int rc = put_at(a->jfd, obuf_data(&j->data) + j->done, j->data.len - j->done, a->jlen, &put);
	int en = errno;
	j->done += put;
	a->jlen += put;
	if (rc) {
		char jpath[ARCH_PATH];
		sink__path(a, a->jstart, NAME_JOURNAL, jpath);
		return failed(f, "append to", jpath, en);
	}
	return 0;
}

/* The journal's period is over: its file, then no journal. */
int sink__journal_finish(struct sink_arch *a, struct arch_fail *f)
{
	char when[32], jpath[ARCH_PATH], fin[ARCH_PATH];
	sink__when(a, a->jstart, when);
	sink__name(a, when, NAME_JOURNAL, jpath);
	sink__name(a, when, NAME_FINAL, fin);
	uint64_t out;
	struct file_src src = {.fd = a->jfd, .n = a->jlen};
	if (sink__put_file(a, when, &src, f, &out))
		return RW_EIO;
	if (unlink(jpath)) /* the next start finds the file there, with these records */
		rw_log(RW_LOG_WARN, "archive: cannot remove %s: %s", jpath, strerror(errno));
	close(a->jfd);
	a->jfd = -1;
	sink__count_file(a, out);
	rw_log(RW_LOG_INFO, "archive: %s written (%llu bytes of records)", fin, (unsigned long long)a->jlen);
	return 0;
}

/* ---------------------------------------------------------------- writer: what a crash left */

/* Bytes of the whole records at the start of a journal of size bytes, and
 * how many. A record passing the end of the file was cut by the crash; a
 * zero timestamp or type is where a file system left zeros for a write
 * that never reached the disk. */
static int journal_whole(int fd, uint64_t size, uint64_t *whole, uint64_t *records)
{
	uint8_t *b = rw_malloc(ARCH_BLOCK);
	uint64_t off = 0, n = 0;
	for (bool end = false; !end;) {
		/* a block from the next record's header on */
		ssize_t got = pread(fd, b, ARCH_BLOCK, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(b);
			return RW_EIO;
		}
		size_t p = 0;
		while (p + ARCH_MRT_HDR <= (size_t)got) {
			uint64_t len = ARCH_MRT_HDR + (uint64_t)rd32(b + p + 8);
			if (!rd32(b + p) || !rd16(b + p + 4) || off + p + len > size) {
				end = true;
				break;
			}
			p += len;
			n++;
		}
		end |= p == 0; /* the end, or a header cut short */
		off += p;
	}
	free(b);
	*whole = off;
	*records = n;
	return 0;
}

/* Are the records of the file fin the first bytes of the journal's whole
 * ones? Then the journal's file replaces it with more, losing nothing (a
 * crash between the rename and the unlink, or a journal seeded from it). */
static bool file_begins(const char *fin, int fd, uint64_t whole)
{
	struct io_src *s;
	if (io_open(fin, NULL, &s))
		return false;
	uint8_t *b = rw_malloc(ARCH_BLOCK);
	uint64_t off = 0;
	const uint8_t *p;
	size_t n;
	int r;
	bool same = true;
	while (same && (r = io_next(s, &p, &n)) > 0)
		for (size_t k; same && n; p += k, n -= k, off += k) {
			k = RW_MIN(n, (size_t)ARCH_BLOCK);
			same = off + k <= whole && !get_at(fd, b, k, off) && !memcmp(b, p, k);
		}
	io_close(s);
	free(b);
	return same && r == 0;
}

/* Finish one journal a crash left (.KIND.WHEN.part, in name). */
static int recover_one(struct sink_arch *a, const char *name, struct arch_fail *f)
{
	char when[32], jpath[ARCH_PATH], fin[ARCH_PATH], kept[ARCH_PATH + 48];
	size_t skip = strlen(a->kind) + 2;
	snprintf(when, sizeof when, "%.*s", (int)(strlen(name) - skip - strlen(".part")), name + skip);
	sink__name(a, when, NAME_JOURNAL, jpath);
	sink__name(a, when, NAME_FINAL, fin);
	int fd = open(jpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : failed(f, "read", jpath, errno);
	struct stat sb;
	uint64_t whole, n, out = 0;
	int rc = 0;
	if (fstat(fd, &sb) || journal_whole(fd, (uint64_t)sb.st_size, &whole, &n))
		rc = failed(f, "read", jpath, errno);
	else if (access(fin, F_OK) == 0 && !file_begins(fin, fd, whole)) {
		if (keep_aside(jpath, kept))
			rc = failed(f, "keep aside", jpath, errno);
		else
			rw_log(RW_LOG_ERROR,
			       "archive: %s exists already and holds other records than the journal %s a crash left for its period: the journal is kept as %s",
			       fin, jpath, kept);
	} else if (whole && sink__put_file(a, when, &(struct file_src){.fd = fd, .n = whole}, f, &out))
		rc = RW_EIO;
	else {
		unlink(jpath);
		uint64_t cut = (uint64_t)sb.st_size - whole;
		char torn[64] = "";
		if (cut)
			snprintf(torn, sizeof torn, ", %llu bytes of a torn last record cut", (unsigned long long)cut);
		if (whole) {
			sink__count_file(a, out);
			rw_log(RW_LOG_WARN, "archive: %s recovered from %s, the journal a crash left: %llu records, %llu bytes%s",
			       fin, jpath, (unsigned long long)n, (unsigned long long)whole, torn);
		} else {
			rw_log(RW_LOG_WARN, "archive: %s, the journal a crash left, held no whole record%s: removed", jpath,
			       torn);
		}
	}
	close(fd);
	return rc;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && !strcmp(s + n - t, tail);
}

/* What a crash left in the directory, of this kind: temporary files go
 * (half a compressed file: its records are in its journal, or were in
 * memory only), then each journal is finished. */
int sink__recover(struct sink_arch *a, struct arch_fail *f)
{
	DIR *d = opendir(a->dir);
	if (!d)
		return errno == ENOENT ? 0 : failed(f, "read", a->dir, errno);
	char pre[64];
	snprintf(pre, sizeof pre, ".%s.", a->kind);
	size_t np = strlen(pre);
	char **v = NULL;
	uint32_t n = 0, cap = 0;
	for (struct dirent *de; (de = readdir(d));) {
		const char *nm = de->d_name;
		size_t len = strlen(nm);
		if (strncmp(nm, pre, np) || len > np + 30)
			continue;
		/* .KIND.WHEN.part (WHEN: digits and dots, so strspn stops at
		 * the p of part); .KIND.*.tmp */
		bool part = len > np + 5 && ends_with(nm, ".part") && strspn(nm + np, "0123456789.") == len - np - 4;
		if (!part && !ends_with(nm, ".tmp"))
			continue;
		rw_vec_grow(&v, &cap, (size_t)n + 1, sizeof *v, UINT32_MAX, RW_MEM_SINK);
		v[n++] = rw_strdup(nm);
	}
	closedir(d);
	int rc = 0;
	for (uint32_t i = 0; i < n; i++) {
		char path[ARCH_PATH];
		snprintf(path, sizeof path, "%s/%s", a->dir, v[i]);
		if (ends_with(v[i], ".tmp") && !unlink(path))
			rw_log(RW_LOG_WARN, "archive: removed %s, a file a crash left half written", path);
	}
	for (uint32_t i = 0; i < n && !rc; i++)
		if (ends_with(v[i], ".part"))
			rc = recover_one(a, v[i], f);
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	rw_vec_free(&v, &cap, sizeof *v, RW_MEM_SINK);
	return rc;
}
