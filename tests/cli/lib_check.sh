# The harness of the CLI suites that need no BGP speaker (sourced after
# SUITE=name; tests/cli/lib_collect.sh is the one for the collector): the
# build's binary ($1, default build), this directory, a temporary
# directory (kept and named with KEEP=1), ok/nok/check lines counted into
# the closing "N passed, N failed", a check that tools are there, and the
# time forms the suites write.
B=${1:-build}
RW=$B/routewatch
HERE=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
tmp=$(mktemp -d "/tmp/rw-$SUITE.XXXXXX")
trap '[ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"' EXIT
ok() { echo "ok - $SUITE/$1"; pass=$((pass + 1)); }
nok() { echo "not ok - $SUITE/$1: $2"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else nok "$1" "$3"; fi; }
# need TOOL...: each must be installed, or the suite fails now, saying so
need() {
	for tool in "$@"; do
		if ! command -v "$tool" > /dev/null 2>&1; then
			nok "$tool" "$tool is not installed (scripts/install-deps.sh test installs it)"
			echo "$pass passed, $fail failed"
			exit 1
		fi
	done
}
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
unix() { date -u -d "$1" +%s; }
name_time() { date -u -d "@$1" +%Y%m%d.%H%M; }
# MRT files cut by record time, state changes written in: mrt_tool.py
mrt() { python3 "$HERE/mrt_tool.py" "$@"; }
# check_schema FILE...: every line of the files is an event that
# docs/events.schema.json accepts (one check named "schema")
check_schema() {
	if python3 -c 'import jsonschema' 2>/dev/null; then
		python3 "$HERE/validate_events.py" "$HERE/../../docs/events.schema.json" "$@" > "$tmp/schema.out" 2>&1
		check schema "[ $? -eq 0 ]" "$(head -3 "$tmp/schema.out")"
	else
		nok schema "python3-jsonschema is not installed (scripts/install-deps.sh test installs it)"
	fi
}
# The start of the security suites' scenarios (mrt_tool.py scenario):
# 2024-03-09 08:00, peers AS3356, AS174 and AS1299, and a RIB dump where
# AS65551, AS65552 and AS65553 originate 192.0.2.0/24, 198.51.100.0/24
# and 203.0.113.0/24 through AS64500. The suite appends its updates.
three_peers_spec() {
	cat <<'S'
t0 1709971200
peer 3356 198.51.100.1
peer 174 198.51.100.2
peer 1299 198.51.100.3
rib 192.0.2.0/24 64500 65551
rib 198.51.100.0/24 64500 65552
rib 203.0.113.0/24 64500 65553
S
}
# ingest_twice CUT UNTIL ARGS...: the suite's archive $tmp/a (collector
# rv) ingested into $tmp/two.db in two runs, the first over a copy of it
# cut after second CUT and stopped at UNTIL, the second resuming over the
# whole archive (ARGS given to both); returns the second's status
ingest_twice() {
	cut=$1 until=$2
	shift 2
	mkdir -p "$tmp/b1"
	mrt upto "$tmp/a/updates.20240309.0800" "$tmp/b1/updates.20240309.0800" "$cut"
	cp "$tmp/a/rib.20240309.0800" "$tmp/b1/"
	"$RW" ingest -q --db "$tmp/two.db" --collector rv --until "$until" "$@" "$tmp/b1" > /dev/null 2>&1
	"$RW" ingest -q --db "$tmp/two.db" --collector rv "$@" "$tmp/a" > /dev/null 2>&1
}
