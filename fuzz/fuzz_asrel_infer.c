/*
 * libFuzzer harness: relationship inference from AS paths (asrel/infer.c),
 * the serial-1 writer and the customer cones (asrel/cone.c).
 *
 * Input: paths of 4-byte big-endian ASNs, each preceded by its length
 * byte (an AS_SET is ASN 0). ASNs are taken modulo 64 now and then (the
 * selector's bit 0) so paths share ASes and make cliques, triplets and
 * loops. Checked: the table's counts add up, every link of it joins two
 * ASes the paths hold, the written file has one line per link, and each
 * AS is in its own cone.
 */
#include "fuzz_common.h"
#include "asrel/asrel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	if (!quiet) /* the first input: no log lines from the layer */
		quiet = true, fz_quiet();
	if (!size)
		return 0;
	bool small = data[0] & 1;
	struct asrel_infer f;
	asrel_infer_init(&f);
	uint32_t as[256];
	for (size_t i = 1; i < size;) {
		uint32_t n = data[i++], k = 0;
		for (; k < n && i + 4 <= size; k++, i += 4) {
			as[k] = rd32(data + i);
			if (small)
				as[k] %= 64;
		}
		asrel_infer_path(&f, as, k);
	}
	struct asrel t;
	asrel_init(&t);
	FZ_CHECK(asrel_infer_run(&f, &t) == 0, "run");
	FZ_CHECK(t.links == t.p2c + t.p2p && t.links == f.links.n, "links %u p2c %u p2p %u of %u", t.links, t.p2c,
		 t.p2p, f.links.n);
	for (uint32_t i = 0; i < t.map.n; i++) {
		FZ_CHECK(u64map_get(&f.as, t.map.keys[i] >> 32) && u64map_get(&f.as, (uint32_t)t.map.keys[i]),
			 "a link of an AS no path holds");
	}
	struct obuf o;
	obuf_init_mem(&o, 0);
	FZ_CHECK(asrel_write(&t, &o, "# fuzz\n") == 0, "write");
	size_t lines = 0;
	for (size_t i = 0; i < o.len; i++)
		lines += o.buf[i] == '\n';
	FZ_CHECK(lines == (size_t)t.links + 1, "%zu lines for %u links", lines, t.links);
	obuf_release(&o);
	struct asrel_cones c;
	if (!asrel_cones_build(&c, &t)) {
		for (uint32_t i = 0; i < c.idx.n; i++) {
			uint32_t a = (uint32_t)c.idx.keys[i];
			FZ_CHECK(asrel_cone_size(&c, a) >= 1 && asrel_cone_has(&c, a, a), "AS %u not in its cone", a);
		}
		asrel_cones_release(&c);
	}
	asrel_release(&t);
	asrel_infer_release(&f);
	return 0;
}
