#!/bin/sh
# Build the libFuzzer harnesses with clang.
#
#   fuzz/build.sh [BUILD_DIR]      (default: build-fuzz/ at the top of the repo)
#
# The project's sources are compiled here with -fsanitize=fuzzer-no-link
# plus ASan/UBSan (the meson library is built with gcc and carries no
# coverage), the harnesses with -fsanitize=fuzzer. UBSan findings abort
# (-fno-sanitize-recover), so libFuzzer keeps them like any crash.
#
# src/base/arena.c is replaced by fuzz/arena_asan.c, which gives every arena
# allocation its own heap block so ASan sees overflows between arena
# objects; FUZZ_REAL_ARENA=1 builds with the real allocator instead.
#
# FUZZ_TSAN=1 also builds BUILD_DIR/tsan/fuzz_io, a ThreadSanitizer build
# of the io harness with a plain main() (fuzz/replay_main.c) that replays
# files or directories: libFuzzer itself does not run under TSan, but the
# io threads (bzip2 scanner and workers, stream codec) are worth a race
# check on the corpus.
#
# Environment: CC (default clang), FUZZ_CFLAGS (added to every compile).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-"$ROOT/build-fuzz"}
case $OUT in /*) ;; *) OUT="$(pwd)/$OUT" ;; esac
CC=${CC:-clang}
mkdir -p "$OUT/obj"

COMMON="-g -O1 -fno-omit-frame-pointer -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
 -fno-strict-aliasing -Wall -Wextra -Wno-missing-field-initializers \
 -I$ROOT/src ${FUZZ_CFLAGS:-}"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
LIBS="-lz -lbz2 -llzma -lzstd -ljson-c -lrtr -lyaml -lpthread -lm"

BASE="base/err base/fmt base/log base/obuf base/arena base/mem base/hash base/htab base/map base/queue"
BGP="bgp/bgp_attr bgp/bgp_enc bgp/bgp_print bgp/bgp_msg bgp/bgp_nlri bgp/bgp_path bgp/bgp_sess"
BMP="bmp/bmp"
MRT="mrt/mrt_frame mrt/mrt_decode mrt/mrt_write"
RIS="ris/ris"
IO="io/io io/io_map io/io_codec io/io_bz2"
# the inference (asrel/asrel and asrel/cone are in FMT: each source once,
# the compile runs in parallel)
ASREL="asrel/infer"
# the output formats, and what their event and origin printers need
FMT="out/out out/out_bgpdump out/out_json out/out_bgpkit out/out_text store/store_text names/names detect/det detect/det_group detect/det_snap \
 rib/rib rib/rib_path rib/rib_adj rib/rib_query rib/rib_snap rpki/rpki detect/det_leak detect/det_sec asrel/asrel watch/watch watch/watch_load \
 detect/det_country detect/det_cview geo/geo out/out_country asrel/cone"

# the API's router and parameter parsers (pure: the table, http_parse)
HTTP="http/http_route"

# The arena functions of arena.c are renamed out of the way when the shim
# is used.
ARENA_RENAME="-Darena_init=real_arena_init -Darena_alloc=real_arena_alloc \
 -Darena_zalloc=real_arena_zalloc -Darena_memdup=real_arena_memdup \
 -Darena_strdup=real_arena_strdup -Darena_reset=real_arena_reset \
 -Darena_release=real_arena_release"

# compile VARIANT_DIR FLAGS SRC... : objects into VARIANT_DIR
compile() {
	dir=$1 flags=$2
	shift 2
	mkdir -p "$dir"
	pids=
	for s in "$@"; do
		o="$dir/$(echo "$s" | tr / _).o"
		extra=
		if [ "$s" = base/arena ] && [ -z "${FUZZ_REAL_ARENA:-}" ]; then
			extra=$ARENA_RENAME
		fi
		# shellcheck disable=SC2086
		$CC $COMMON $flags $extra -c "$ROOT/src/$s.c" -o "$o" &
		pids="$pids $!"
	done
	failed=0
	for p in $pids; do wait "$p" || failed=1; done
	[ $failed = 0 ] || { echo "fuzz/build.sh: compilation failed" >&2; exit 1; }
	if [ -z "${FUZZ_REAL_ARENA:-}" ]; then
		# shellcheck disable=SC2086
		$CC $COMMON $flags -c "$ROOT/fuzz/arena_asan.c" -o "$dir/arena_asan.o"
	fi
}

# objs VARIANT_DIR SRC... : object paths
objs() {
	dir=$1
	shift
	for s in "$@"; do printf '%s ' "$dir/$(echo "$s" | tr / _).o"; done
	[ -n "${FUZZ_REAL_ARENA:-}" ] || printf '%s ' "$dir/arena_asan.o"
}

echo "fuzz/build.sh: compiling the library with $CC into $OUT"
# shellcheck disable=SC2086
compile "$OUT/obj" "$SAN -fsanitize=fuzzer-no-link" $BASE $BGP $BMP $MRT $RIS $IO $FMT $ASREL $HTTP

link() {
	name=$1
	shift
	# shellcheck disable=SC2086,SC2046
	$CC $COMMON $SAN -fsanitize=fuzzer "$ROOT/fuzz/$name.c" $(objs "$OUT/obj" "$@") $LIBS \
		-o "$OUT/$name"
	echo "  $OUT/$name"
}

# shellcheck disable=SC2086
{
	link fuzz_bgp_update $BASE $BGP
	link fuzz_bgp_attrs $BASE $BGP
	link fuzz_bgp_open $BASE $BGP
	link fuzz_mrt $BASE $BGP $MRT $IO $FMT
	link fuzz_io $BASE $IO
	link fuzz_bmp $BASE $BGP $BMP
	link fuzz_bgp_sess $BASE $BGP
	link fuzz_asrel_infer $BASE $IO asrel/asrel asrel/cone $ASREL
	link fuzz_http $BASE $BGP $MRT $IO $FMT $HTTP
	link fuzz_ris $BASE $BGP $MRT $RIS
}

if [ -n "${FUZZ_TSAN:-}" ]; then
	TS="-fsanitize=thread"
	# shellcheck disable=SC2086
	compile "$OUT/tsan/obj" "$TS" $BASE $IO
	# shellcheck disable=SC2086,SC2046
	$CC $COMMON $TS "$ROOT/fuzz/fuzz_io.c" "$ROOT/fuzz/replay_main.c" $(objs "$OUT/tsan/obj" $BASE $IO) \
		$LIBS -o "$OUT/tsan/fuzz_io"
	echo "  $OUT/tsan/fuzz_io (ThreadSanitizer replay)"
fi
