/*
 * libFuzzer harness: bgp_attrs_decode (RFC 4271 §5, RFC 4760, RFC 6793,
 * RFC 7606, RFC 6396 §4.3.4 abbreviated MP_REACH in RIB entries).
 *
 * Input: one selector byte (see fz_ctx; bit 2 selects the RIB context),
 * then the path attribute bytes. The output struct is filled with 0xa5
 * first; every field the decoder reports is touched, MP NLRI are walked,
 * the AS path is formatted.
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
	struct bgp_attrs a;
	memset(&a, fz_poison, sizeof a); /* fields left unset show up (fz_attrs_set) */
	int rc = bgp_attrs_decode(data + 1, size - 1, &ctx, &scratch, &a);
	if (rc == 0) {
		FZ_CHECK(a.asn_size == ctx.asn_size, "asn_size %u", a.asn_size);
		fz_attrs(&a);
		FZ_CHECK(!ctx.skip_path || !a.path_ok, "AS path decoded with skip_path");
	} else {
		FZ_CHECK(rc == RW_ENOMEM, "bgp_attrs_decode returned %d", rc);
	}
	arena_reset(&scratch);
	return 0;
}
