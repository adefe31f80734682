#!/bin/bash
# What countries cost (issue 13, docs/events.md §14):
#   - the country events: `events --countries` counts every route change
#     into (country, provider) pairs through the rib's route observer; the
#     RIB load with them against the load without;
#   - every country's view at once (`country all`) against the load and one
#     origin's view (`as`, the same state read once): target <= 1.2x.
#
#   1. inputs: bench/engine.sh's RIB (RIB_PREFIXES x RIB_PEERS, seed 7;
#      reused when present), UPD_RECORDS updates over 15 minutes, and an
#      RIR-style delegation file giving every ASN synth uses a country:
#      blocks of 16 ASNs, each block one of 120 codes (a hash of the
#      block), so an origin's neighbour is abroad for most routes and at
#      home for about one in a hundred (det_path_country's slow path);
#   2. interleaved rounds (PAIRS): `events` without and with --countries,
#      `as ASN` and `country all` over the RIB alone; the order rotates;
#      each ratio is the median of the per-round ratios (min .. max);
#   3. memory: max RSS (/usr/bin/time) of each, and the events' count.
#
#   bench/countries.sh [BUILD_DIR]          (default build; it is not rebuilt)
#   RIB_PREFIXES=50000 PAIRS=3 bench/countries.sh /tmp/rw/build-bench   # a quick try
#
# Knobs: BENCH_DIR (/tmp/rw-bench), RIB_PREFIXES (1200000), RIB_PEERS (20),
# UPD_RECORDS (50000), PAIRS (5). Raw times: $BENCH_DIR/countries/.
set -euo pipefail
B=${1:-build}
RW=$(cd "$(dirname "$B/routewatch")" && pwd)/routewatch
BENCH_DIR=${BENCH_DIR:-/tmp/rw-bench}
RIB_PREFIXES=${RIB_PREFIXES:-1200000}
RIB_PEERS=${RIB_PEERS:-20}
UPD_RECORDS=${UPD_RECORDS:-50000}
PAIRS=${PAIRS:-5}
S=$BENCH_DIR/countries/$RIB_PREFIXES-$RIB_PEERS
mkdir -p "$S/rib/rv" "$S/runs"
. "$(dirname "$0")/lib.sh"
rib_and_updates "$S"
ln -sf "$RIB" "$S/rib/rv/rib.20240309.0800"
# every ASN synth uses (peers, transit, origins: below 420 000) a country
GEO=$S/delegated.txt
if [ ! -s "$GEO" ]; then
	awk 'BEGIN {
		split("US CN RU DE GB FR JP BR IN KR IT ES CA AU NL SE CH PL UA TR ID VN TH MY SG HK TW PH AR MX CL CO PE ZA EG NG KE MA DZ TN IR IQ SA AE IL PK BD LK NP KZ UZ BY LT LV EE FI NO DK IE PT GR RO BG RS HR SI SK CZ HU AT BE LU IS MT CY GE AM AZ MN KP LA KH MM NZ FJ PG VE EC BO PY UY CR PA GT HN SV NI DO CU JM HT TT BS BB QA KW BH OM JO LB SY YE AF ET TZ UG GH CI SN CM AO MZ ZW ZM", cc, " ")
		print "2|bench|20240309|0|19830101|20240309|+0000"
		for (a = 0; a < 420000; a += 16) {
			h = (a * 2654435761) % 4294967296
			printf "bench|%s|asn|%d|16|20000101|allocated\n", cc[1 + int(h / 65536) % 120], (a ? a : 1)
		}
	}' > "$GEO"
fi

T=$S/runs/times.txt
: > "$T"
run() { # NAME CMD...: one timed run, its RSS and output kept
	local name=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%M' -o "$S/runs/$name.rss" "$@" > "$S/runs/$name.out" 2> "$S/runs/$name.err"
	t1=$EPOCHREALTIME
	echo "$name $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')" >> "$T"
}
names=(plain countries as all)
for ((r = 0; r < PAIRS; r++)); do
	for ((k = 0; k < 4; k++)); do
		case ${names[$(((r + k) % 4))]} in
		plain) run plain "$RW" events --json --collector rv "$S/in" ;;
		countries) run countries "$RW" events --json --countries "$GEO" --collector rv "$S/in" ;;
		as) run as "$RW" as 3356 --json --collector rv "$S/rib" ;;
		all) run all "$RW" country all --json --countries "$GEO" --collector rv "$S/rib" ;;
		esac
	done
done
# the median (min .. max) of sorted numbers on stdin
mmm() { sort -g | awk '{ v[NR] = $1 } END { printf "%.2f (%.2f .. %.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
ratio() { # A B: over the per-round ratios A/B
	awk -v a="$1" -v b="$2" '$1 == a { x[++na] = $2 } $1 == b { y[++nb] = $2 }
		END { for (i = 1; i <= na; i++) print x[i] / y[i] }' "$T" | mmm
}
med() { awk -v a="$1" '$1 == a { print $2 }' "$T" | mmm | cut -d' ' -f1; }
echo "routewatch $(git -C "$(dirname "$0")" rev-parse --short HEAD 2> /dev/null || echo ?), $RIB_PREFIXES prefixes x $RIB_PEERS peers + $UPD_RECORDS update records, $PAIRS rounds"
echo "events without countries:   $(med plain) s, max RSS $(cat "$S/runs/plain.rss") KB"
echo "events with --countries:    $(med countries) s, max RSS $(cat "$S/runs/countries.rss") KB, ratio $(ratio countries plain); $(grep -c country_provider "$S/runs/countries.out" || true) country events"
echo "as 3356 (load + one view):  $(med as) s, max RSS $(cat "$S/runs/as.rss") KB"
echo "country all:                $(med all) s, max RSS $(cat "$S/runs/all.rss") KB, ratio $(ratio all as); $(wc -l < "$S/runs/all.out") countries (target <= 1.2x)"
