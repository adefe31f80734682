/*
 * libFuzzer harness: bgp_update_decode (RFC 4271 §4.3, RFC 7606).
 *
 * Input: one selector byte (see fz_ctx: ASN size, ADD-PATH, RIB, guess
 * ADD-PATH, iBGP, skip_path), then an UPDATE body (the bytes after the
 * 19-byte BGP header). The output struct is filled with 0xa5 first, so
 * fields the decoder forgets to set are reported. Every NLRI field the
 * decoder returns is walked with bgp_nlri_next, the attributes are touched
 * and the AS path is formatted (with and without the number cache) into a
 * buffer of exactly bgp_path_fmt_size bytes. The scratch arena is reset
 * per input.
 */
#include "fuzz_common.h"

static struct arena scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_quiet();
	fz_poison_init();
	arena_init(&scratch, 64 * 1024, 16u << 20, RW_MEM_OTHER);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct bgp_ctx ctx = fz_ctx(data[0]);
	struct bgp_update u;
	memset(&u, fz_poison, sizeof u); /* fields left unset show up (fz_attrs_set) */
	int rc = bgp_update_decode(data + 1, size - 1, &ctx, &scratch, &u);
	if (rc == 0) {
		const struct bgp_attrs *a = &u.attrs;
		char bad[128] = "";
		bool ok = FZ_BYTE_LE(u.withdrawn_addpath, 1);
		ok &= FZ_BYTE_LE(u.nlri_addpath, 1);
		ok &= FZ_BYTE_LE(u.eor, 1);
		FZ_CHECK(ok, "struct bgp_update fields not set by the decoder:%s", bad);
		fz_attrs_set(a);
		/* the plain fields are promised intact unless the framing was lost */
		bool strict = a->action != BGP_ACT_RESET || a->reset_nlri_only;
		fz_nlri(u.withdrawn, u.withdrawn_len, RW_AF_INET, u.withdrawn_addpath, "withdrawn",
			strict);
		fz_nlri(u.nlri, u.nlri_len, RW_AF_INET, u.nlri_addpath, "NLRI", strict);
		fz_attrs(a); /* MP_REACH/MP_UNREACH NLRI when valid and routed, AS path */
		FZ_CHECK(!ctx.skip_path || !a->path_ok, "AS path decoded with skip_path");
		fz_val(u.eor ^ u.eor_afi ^ u.eor_safi);
	} else {
		FZ_CHECK(rc == RW_ENOMEM, "bgp_update_decode returned %d", rc);
	}
	arena_reset(&scratch);
	return 0;
}
