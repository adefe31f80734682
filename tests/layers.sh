#!/bin/sh
# The layers of docs/internals/README.md, as the build declares them (src/meson.build):
# a file of src/X/ may include the public header of X's own layer and of the
# layers X uses, never one above it. The linker already refuses a call that
# crosses the wrong way (each unit test links one layer and those below);
# this refuses the include, which would otherwise pass while unused.
#
# Prints "ok - layers/X" per layer (or what crosses), then "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

# what each layer may use: itself and the layers below it (transitively)
uses() {
	case $1 in
	base) echo "base" ;;
	io) echo "io base" ;;
	bgp) echo "bgp base" ;;
	mrt) echo "mrt bgp base" ;;
	bmp) echo "bmp bgp base" ;;
	feed) echo "feed mrt io bgp base" ;;
	names) echo "names io base" ;;
	asrel) echo "asrel io base" ;;
	watch) echo "watch base" ;;
	geo) echo "geo names io base" ;;
	rib) echo "rib mrt bgp base" ;;
	rpki) echo "rpki io base" ;;
	detect) echo "detect geo names watch asrel rpki rib mrt io bgp base" ;;
	engine) echo "engine geo names detect watch asrel rpki rib feed mrt io bgp base" ;;
	synth) echo "synth asrel mrt io bgp base" ;;
	store) echo "store engine detect watch asrel rpki rib feed mrt io bgp base names geo" ;;
	backfill) echo "backfill store engine detect watch asrel rpki rib feed mrt io bgp base names geo" ;;
	report) echo "report store engine detect watch asrel rpki rib feed mrt io bgp base names geo" ;;
	out) echo "out store engine detect watch asrel rpki rib feed mrt io bgp base names geo" ;;
	sink) echo "sink io base" ;;
	ris) echo "ris mrt bgp base" ;;
	live) echo "live ris feed mrt bmp io bgp base" ;;
	pipe) echo "pipe live ris out sink store engine detect watch asrel rpki rib feed mrt bmp io bgp base names geo" ;;
	http) echo "http report out store engine detect watch asrel rpki rib feed mrt io bgp base names geo" ;;
	cli) echo "cli backfill http pipe live ris out sink report store engine detect watch asrel rpki rib feed mrt bmp io bgp base names geo synth" ;;
	*) echo "" ;;
	esac
}

pass=0 fail=0
for dir in src/*/; do
	layer=$(basename "$dir")
	allowed=$(uses "$layer")
	if [ -z "$allowed" ]; then
		echo "not ok - layers/$layer: a folder the layer table does not know (add it to tests/layers.sh and src/meson.build)"
		fail=$((fail + 1))
		continue
	fi
	bad=""
	for f in "$dir"*.c "$dir"*.h; do
		[ -f "$f" ] || continue
		for inc in $(sed -n 's|^#include "\.\./\([a-z]*\)/.*|\1|p' "$f"); do
			case " $allowed " in
			*" $inc "*) ;;
			*) bad="$bad $(basename "$f")->$inc" ;;
			esac
		done
	done
	if [ -n "$bad" ]; then
		echo "not ok - layers/$layer: includes a layer above it or beside it:$bad"
		fail=$((fail + 1))
	else
		echo "ok - layers/$layer: uses only $allowed"
		pass=$((pass + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
