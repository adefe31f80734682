#!/bin/sh
# The web pages (docs/api.md, "The web pages") in headless Chromium:
# Debian's chromium driven by puppeteer-core (pinned in package.json and
# package-lock.json here; scripts/install-deps.sh test runs npm ci). On the
# sample store (AS131279's October 2017, a names file whose AS20485 name
# is markup) served by `routewatch serve`, pages.js loads the home page,
# a search, the origin's page, its phone and no-JavaScript forms and the
# 09:07:51 event's page; it checks the DOM (the events, the chart's series,
# the intervals, the prefixes, the report, the names as text), the
# keyboard's focus order, that zoom by link, drag and key changes the
# window, takes screenshots (PNG, of the viewport's size) and fails on any
# console error or failed request. Then `routewatch collect --http --db`
# is fed by ExaBGP and its home page must get the announcement's event
# from the event stream without a reload.
#
# Usage: tests/web/pages.sh [BUILD_DIR]. Prints "ok - web/NAME" lines and
# "N passed, N failed".
set -u
SUITE=web
WEB=$(cd "$(dirname "$0")" && pwd)
. "$WEB/../cli/lib_collect.sh"
for t in node chromium curl python3; do
	if ! command -v $t > /dev/null 2>&1; then
		nok $t "$t is not installed (scripts/install-deps.sh test installs it)"
		echo "$pass passed, $fail failed"
		exit 1
	fi
done
if [ ! -f "$WEB/node_modules/puppeteer-core/package.json" ]; then
	nok puppeteer-core "tests/web/node_modules has no puppeteer-core (scripts/install-deps.sh test runs npm ci there)"
	echo "$pass passed, $fail failed"
	exit 1
fi
SPORT=$((PORT + 5)) HPORT=$((PORT + 6))

"$RW" synth sample "$tmp/sample" 2> /dev/null
sed 's|^20485\t.*|20485\t<script>alert(1)</script> TRANSTELECOM \& "Co", RU|' "$tmp/sample/asnames.txt" > "$tmp/names.txt"
"$RW" ingest -q --db "$tmp/s.db" --names "$tmp/names.txt" --countries "$tmp/names.txt" "$tmp/sample" > "$tmp/ingest.out" 2>&1
check ingest "[ $? -eq 0 ]" "$(head -3 "$tmp/ingest.out")"
# wait_http URL: until it answers
wait_http() {
	i=0
	while [ $i -lt 100 ] && ! curl -s -o /dev/null "$1"; do
		sleep 0.1
		i=$((i + 1))
	done
}
"$RW" serve --db "$tmp/s.db" --listen 127.0.0.1:$SPORT --countries "$tmp/names.txt" > "$tmp/serve.log" 2>&1 &
PIDS="$PIDS $!"
wait_http http://127.0.0.1:$SPORT/metrics

# the live collector, its store, and ExaBGP as its peer
start_col live --min-peers 1 --accept 127.0.0.0/8 --db "$tmp/live.db" --checkpoint 1 --names "$tmp/names.txt" \
	--http 127.0.0.1:$HPORT
wait_http http://127.0.0.1:$HPORT/metrics
start_exa 127.0.0.4 65004
wait_for "$tmp/live.err" 'established' 20 || nok exabgp-session "no session with ExaBGP in 20 s" "$tmp/exa-127.0.0.4.log"

mkdir -p "$tmp/shots"
RW_BASE=http://127.0.0.1:$SPORT RW_LIVE=http://127.0.0.1:$HPORT RW_EXA_CMD="$tmp/exa-127.0.0.4.cmd" RW_TMP="$tmp/shots" \
	timeout 120 node "$WEB/pages.js" > "$tmp/pages.out" 2>&1
rc=$?
grep '^\(ok\|not ok\|skip\) - ' "$tmp/pages.out"
p=$(grep -c '^ok - ' "$tmp/pages.out")
f=$(grep -c '^not ok - ' "$tmp/pages.out")
pass=$((pass + p))
fail=$((fail + f))
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
	nok pages.js "exit $rc: $(tail -3 "$tmp/pages.out")"
fi
stop_col
check collect-clean-stop "[ $COLRC -eq 0 ]" "exit $COLRC" "$tmp/live.err"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
