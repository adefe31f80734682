#!/bin/sh
# The JSON API (routewatch serve, docs/api.md) end to end with curl and
# jq, on SQLite and on a private PostgreSQL server: the sample archive
# (`routewatch synth sample`, AS131279's October 2017) ingested with a
# names file where AS20485's name is markup ("<script>..."), then
#  - every endpoint answers what the command of the same question prints
#    (history --json, events --db --json, report --json, its text and its
#    chart, byte for byte or as the same JSON);
#  - event pages: filters by type, origin, upstream, prefix, collector;
#    following next_cursor gives the whole list once;
#  - every error: 400 naming the parameter, 404, 405 (with Allow), 414,
#    413/431 for oversized headers, path traversal refused;
#  - gzip, ETag/If-None-Match and Last-Modified/If-Modified-Since (304),
#    HEAD, keep-alive, the security headers, the markup name escaped;
#  - the saved state's routes (/api/v1/state/...) are as, prefix and
#    country --db --json; the web pages' HTML (home, search, an origin's
#    window, an event) and their errors (their browser tests are
#    tests/web/pages.sh);
#  - the OpenAPI document is JSON and lists exactly the routes the router
#    takes (the pages left out); /metrics is Prometheus' text format; the
#    store is unchanged;
#  - collect --http, fed by a BGP peer (api_peer.py): the routes now, the
#    event stream (the events collect prints, in order, with store cursors
#    as ids; filtered; resumed with Last-Event-ID from memory and, after a
#    restart, from the store), the collector's counters.
#
# PostgreSQL: $RW_TEST_PG (a URI) when set, else a private server started
# with scripts/pg-server.sh (as tests/cli/store.sh does).
#
# Usage: tests/cli/api.sh [BUILD_DIR]. Prints "ok - api/NAME" lines and
# "N passed, N failed".
set -u
SUITE=api
. "$(dirname "$0")/lib_check.sh"
ROOT=$(cd "$HERE/../.." && pwd)
need curl jq python3 sqlite3
srv_pid="" pgdir="" bg=""
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	for p in $bg; do kill "$p" 2>/dev/null; done
	if [ -n "$pgdir" ]; then
		"$ROOT/scripts/pg-server.sh" stop "$pgdir"
		rm -rf "$pgdir"
	fi
	[ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

S=$tmp/sample
"$RW" synth sample "$S" 2>/dev/null
N=$tmp/names.txt
sed 's|^20485\t.*|20485\t<script>alert(1)</script> TRANSTELECOM \& "Co", RU|' "$S/asnames.txt" > "$N"
grep -q '<script>' "$N" || nok names-file "the markup name was not written"

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DB: start `serve` on a free port (U: its base URL)
serve() {
	port=$(free_port)
	U=http://127.0.0.1:$port
	"$RW" serve --db "$1" --listen "127.0.0.1:$port" --countries "$N" > "$tmp/serve.log" 2>&1 &
	srv_pid=$!
	i=0
	while [ $i -lt 100 ] && ! curl -s -o /dev/null "$U/metrics"; do
		sleep 0.1
		i=$((i + 1))
	done
}

stop() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	wait "$srv_pid" 2>/dev/null
	rc_srv=$?
	srv_pid=""
}

# get NAME PATH [CURL ARGS...]: body into $tmp/NAME.body, headers into
# $tmp/NAME.hdr, the status into $code
get() {
	name=$1 path=$2
	shift 2
	code=$(curl -s --path-as-is -D "$tmp/$name.hdr" -o "$tmp/$name.body" -w '%{http_code}' "$@" "$U$path")
}
hdr() { tr -d '\r' < "$tmp/$1.hdr" | sed -n "s/^$2: //Ip" | head -1; }

F=2017-10-01T00:00:00Z T=2017-10-02T00:00:00Z

# suite LABEL DB: every check against `serve --db DB`
suite() {
	L=$1 DB=$2
	serve "$DB"
	check "$L/serve-listens" "curl -s -o /dev/null $U/metrics" "$(head -3 "$tmp/serve.log")"

	# ---- an origin
	get as /api/v1/as/131279
	check "$L/as-summary" "[ $code = 200 ] && jq -e '.origin == 131279 and .name == \"STAR-KP Ryugyong-dong, KP\" and .prefixes == 4
		and .down == false and (.upstreams | map(.asn) | index(4837) != null) and .upstreams_ever >= 2' $tmp/as.body > /dev/null" \
		"$code $(head -c 300 "$tmp/as.body")"
	get history /api/v1/as/AS131279/history
	"$RW" history 131279 --db "$DB" --json > "$tmp/cli-history.json" 2>/dev/null
	check "$L/history-is-history-json" "[ $code = 200 ] && [ \"\$(jq -S . $tmp/history.body)\" = \"\$(jq -S . $tmp/cli-history.json)\" ]" \
		"$code $(diff "$tmp/history.body" "$tmp/cli-history.json" | head -3)"

	# ---- events: the page is events --db --json; filters; paging
	"$RW" events --db "$DB" --json --from $F --until $T > "$tmp/cli-events.json" 2>/dev/null
	get events "/api/v1/events?from=$F&to=$T&limit=1000"
	check "$L/events-are-events-db-json" "[ $code = 200 ] && [ \"\$(jq -S .events $tmp/events.body)\" = \"\$(jq -S -s . $tmp/cli-events.json)\" ] && jq -e '.next_cursor == null and .count > 10' $tmp/events.body > /dev/null" \
		"$code $(jq -c '[.count, .next_cursor]' "$tmp/events.body") vs $(wc -l < "$tmp/cli-events.json")"
	# every page of 4, following next_cursor, gives the same list once
	: > "$tmp/pages.json"
	cur="" pages=0
	while [ $pages -lt 100 ]; do
		get page "/api/v1/events?from=$F&to=$T&limit=4${cur:+&cursor=$cur}"
		[ "$code" = 200 ] || break
		jq -c '.events[]' "$tmp/page.body" >> "$tmp/pages.json"
		pages=$((pages + 1))
		cur=$(jq -r '.next_cursor // empty' "$tmp/page.body")
		[ -n "$cur" ] || break
	done
	check "$L/events-paging" "[ $pages -gt 2 ] && [ \"\$(jq -S -s . $tmp/pages.json)\" = \"\$(jq -S -s . $tmp/cli-events.json)\" ]" \
		"$pages pages, $(wc -l < "$tmp/pages.json") events of $(wc -l < "$tmp/cli-events.json")"
	"$RW" events --db "$DB" --json --from $F --until $T --type upstream_gained,prefix_down > "$tmp/cli-type.json" 2>/dev/null
	get type "/api/v1/events?from=$F&to=$T&type=upstream_gained,prefix_down"
	check "$L/events-type" "[ $code = 200 ] && [ -s $tmp/cli-type.json ] && [ \"\$(jq -S .events $tmp/type.body)\" = \"\$(jq -S -s . $tmp/cli-type.json)\" ]" \
		"$code $(jq .count "$tmp/type.body") vs $(wc -l < "$tmp/cli-type.json")"
	"$RW" events --db "$DB" --json --from $F --until $T --origin 131279 > "$tmp/cli-origin.json" 2>/dev/null
	get origin "/api/v1/events?from=$F&to=$T&origin=AS131279"
	check "$L/events-origin" "[ $code = 200 ] && [ -s $tmp/cli-origin.json ] && [ \"\$(jq -S .events $tmp/origin.body)\" = \"\$(jq -S -s . $tmp/cli-origin.json)\" ]" \
		"$code $(jq .count "$tmp/origin.body") vs $(wc -l < "$tmp/cli-origin.json")"
	get upstream "/api/v1/events?from=$F&to=$T&upstream=20485"
	n=$(jq '[.[] | select((.type == "upstream_gained" or .type == "upstream_lost") and .upstream == 20485)] | length' -s "$tmp/cli-events.json" 2>/dev/null | head -1)
	n=$(jq -s '[.[] | select((.type == "upstream_gained" or .type == "upstream_lost") and .upstream == 20485)] | length' "$tmp/cli-events.json")
	check "$L/events-upstream" "[ $code = 200 ] && [ $n -gt 0 ] && jq -e '.count == $n and all(.events[]; .upstream == 20485)' $tmp/upstream.body > /dev/null" \
		"$code want $n, $(jq -c '[.events[] | [.type, .upstream]]' "$tmp/upstream.body" | head -c 200)"
	get prefix "/api/v1/events?from=$F&to=$T&prefix=175.45.178.0/23"
	n=$(jq -s '[.[] | select(any(.prefixes[]; . == "175.45.178.0/24" or . == "175.45.179.0/24" or . == "175.45.178.0/23"))] | length' "$tmp/cli-events.json")
	check "$L/events-prefix" "[ $code = 200 ] && [ $n -gt 0 ] && jq -e '.count == $n' $tmp/prefix.body > /dev/null" \
		"$code want $n got $(jq .count "$tmp/prefix.body")"
	get coll "/api/v1/events?from=$F&to=$T&collector=rrc00"
	n=$(jq -s '[.[] | select(.type == "collector_gap" and .collector == "rrc00")] | length' "$tmp/cli-events.json")
	check "$L/events-collector" "[ $code = 200 ] && jq -e '.count == $n and all(.events[]; .type == \"collector_gap\")' $tmp/coll.body > /dev/null" \
		"$code want $n got $(jq .count "$tmp/coll.body")"
	get window "/api/v1/events"
	check "$L/events-default-window" "[ $code = 200 ] && jq -e '.count > 0 and .to == \"2017-10-01T13:59:59Z\"' $tmp/window.body > /dev/null" \
		"$code $(jq -c '[.count, .from, .to]' "$tmp/window.body")"

	# ---- report, its text and its chart: the command's, byte for byte
	W="from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z"
	"$RW" report 131279 --db "$DB" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --json > "$tmp/cli-report.json" 2>/dev/null
	"$RW" report 131279 --db "$DB" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --svg "$tmp/cli.svg" > "$tmp/cli-report.txt" 2>/dev/null
	get report "/api/v1/as/131279/report?$W"
	check "$L/report-json" "[ $code = 200 ] && [ \"\$(jq -S . $tmp/report.body)\" = \"\$(jq -S . $tmp/cli-report.json)\" ]" \
		"$code $(head -c 200 "$tmp/report.body")"
	get rtext "/api/v1/as/131279/report?$W&format=text"
	check "$L/report-text" "[ $code = 200 ] && cmp -s $tmp/rtext.body $tmp/cli-report.txt && hdr rtext content-type | grep -q '^text/plain'" \
		"$code $(diff "$tmp/rtext.body" "$tmp/cli-report.txt" | head -3)"
	get chart "/api/v1/as/131279/chart.svg?$W"
	check "$L/chart-svg" "[ $code = 200 ] && cmp -s $tmp/chart.body $tmp/cli.svg && [ \"\$(hdr chart content-type)\" = image/svg+xml ]" \
		"$code $(hdr chart content-type) $(cmp "$tmp/chart.body" "$tmp/cli.svg" 2>&1)"

	# ---- a country (docs/events.md §14; the store was ingested with
	# --countries): its history, story and chart, the commands' own
	"$RW" history --country KP --db "$DB" --json > "$tmp/cli-chist.json" 2>/dev/null
	get chist /api/v1/country/KP/history
	check "$L/country-history" "[ $code = 200 ] && [ \"\$(jq -S . $tmp/chist.body)\" = \"\$(jq -S . $tmp/cli-chist.json)\" ] && jq -e '.country == \"KP\" and (.providers | map(.asn) | index(20485) != null)' $tmp/chist.body > /dev/null" \
		"$code $(head -c 200 "$tmp/chist.body")"
	"$RW" report --country KP --db "$DB" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --json > "$tmp/cli-creport.json" 2>/dev/null
	"$RW" report --country KP --db "$DB" --from 2017-10-01T08:00:00Z --to 2017-10-01T14:00:00Z --svg "$tmp/cli-c.svg" > "$tmp/cli-creport.txt" 2>/dev/null
	get creport "/api/v1/country/kp/report?$W"
	check "$L/country-report" "[ $code = 200 ] && [ \"\$(jq -S . $tmp/creport.body)\" = \"\$(jq -S . $tmp/cli-creport.json)\" ]" \
		"$code $(head -c 200 "$tmp/creport.body")"
	get ctext "/api/v1/country/KP/report?$W&format=text"
	check "$L/country-report-text" "[ $code = 200 ] && cmp -s $tmp/ctext.body $tmp/cli-creport.txt && grep -q 'KP gained a new international provider, AS20485' $tmp/ctext.body" \
		"$code $(diff "$tmp/ctext.body" "$tmp/cli-creport.txt" | head -3)"
	get cchart "/api/v1/country/KP/chart.svg?$W"
	check "$L/country-chart" "[ $code = 200 ] && cmp -s $tmp/cchart.body $tmp/cli-c.svg" "$code $(cmp "$tmp/cchart.body" "$tmp/cli-c.svg" 2>&1)"
	get c404 /api/v1/country/JP/history
	check "$L/country-404" "[ $code = 404 ] && jq -e '.parameter == \"cc\" or .param == \"cc\"' $tmp/c404.body > /dev/null" "$code $(cat "$tmp/c404.body")"
	get c400 /api/v1/country/K1/report
	check "$L/country-400" "[ $code = 400 ] && grep -q 'cc' $tmp/c400.body" "$code $(cat "$tmp/c400.body")"

	# ---- the saved state (as, prefix, country --db --json)
	for q in "as 131279" "prefix 175.45.176.0/22" "prefix 175.45.178.0/24" "country KP" "as 64999" "country JP"; do
		set -- $q
		"$RW" "$1" "$2" --db "$DB" --names "$N" --countries "$N" --json > "$tmp/cli-state.json" 2> "$tmp/cli-state.err" ||
			"$RW" "$1" "$2" --db "$DB" --names "$N" --json > "$tmp/cli-state.json" 2> "$tmp/cli-state.err"
		get state "/api/v1/state/$1/$2"
		check "$L/state-$1-$2" "[ $code = 200 ] && [ -s $tmp/cli-state.json ] && [ \"\$(jq -S . $tmp/state.body)\" = \"\$(jq -S . $tmp/cli-state.json)\" ]" \
			"$code $(diff "$tmp/state.body" "$tmp/cli-state.json" | head -3) $(head -2 "$tmp/cli-state.err")"
	done
	for t in "as/AS0x1 asn" "prefix/175.45.176.0/33 prefix" "prefix/notaprefix prefix" "country/K1 cc" "country/KPX cc" \
		"as/131279?from=2017-10-01 from"; do
		p=${t% *} want=${t##* }
		get e400 "/api/v1/state/$p"
		if [ "$code" = 400 ] && jq -e --arg w "$want" '.status == 400 and .parameter == $w' "$tmp/e400.body" > /dev/null; then
			ok "$L/state-400/$p"
		else
			nok "$L/state-400/$p" "$code $(cat "$tmp/e400.body")"
		fi
	done
	get e405s /api/v1/state/as/131279 -X POST
	check "$L/state-405" "[ $code = 405 ]" "$code"

	# ---- serve's reader threads: many clients at once on targets the
	# cache has not (a page, the state, a country) all get the answer
	# made alone, whether they share a target or not
	par=""
	for k in 1 2 3 4 5 6 7 8; do
		for t in "/api/v1/events?from=$F&to=$T&limit=7$k" "/as/131279?from=2017-10-01T0$k:00:00Z&to=2017-10-01T1$k:00:00Z" \
			"/api/v1/state/prefix/175.45.176.0/22" "/country/KP?from=2017-10-01T0$k:00:00Z&to=2017-10-01T1$k:00:00Z"; do
			curl -s -o "$tmp/par-$k-$(echo "$t" | cksum | cut -d' ' -f1).body" "$U$t" &
			par="$par $!"
		done
	done
	for p in $par; do wait "$p"; done
	bad=0
	for k in 1 2 3 4 5 6 7 8; do
		for t in "/api/v1/events?from=$F&to=$T&limit=7$k" "/as/131279?from=2017-10-01T0$k:00:00Z&to=2017-10-01T1$k:00:00Z" \
			"/api/v1/state/prefix/175.45.176.0/22" "/country/KP?from=2017-10-01T0$k:00:00Z&to=2017-10-01T1$k:00:00Z"; do
			get par1 "$t"
			cmp -s "$tmp/par1.body" "$tmp/par-$k-$(echo "$t" | cksum | cut -d' ' -f1).body" && [ -s "$tmp/par1.body" ] || bad=$((bad + 1))
		done
	done
	check "$L/readers-parallel-answers" "[ $bad = 0 ]" "$bad of 32 parallel answers differ from the one made alone"

	# ---- the web pages: HTML from the store, markup in names escaped,
	# errors as pages or as the API's JSON (the router's)
	get ph /
	check "$L/page-home" "[ $code = 200 ] && grep -q '<form role=\"search\" action=\"/search\"' $tmp/ph.body &&
		grep -q '<label for=\"q\">' $tmp/ph.body && grep -q '<main id=\"main\"' $tmp/ph.body &&
		grep -q '<td>rrc00</td><td>[0-9]*</td>' $tmp/ph.body && grep -q 'href=\"/event/1506' $tmp/ph.body &&
		! grep -q '<script>' $tmp/ph.body" "$code $(grep -c '<tr' "$tmp/ph.body") rows"
	get pas "/as/131279?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z"
	check "$L/page-origin" "[ $code = 200 ] && grep -q 'id=\"origin-title\" data-asn=\"131279\">AS131279 STAR-KP' $tmp/pas.body &&
		grep -q 'href=\"/event/1506848871.0.131279.20485\"' $tmp/pas.body &&
		grep -q 'src=\"/api/v1/as/131279/chart.svg?from=2017-10-01T08:00:00Z&amp;to=2017-10-01T14:00:00Z\"' $tmp/pas.body &&
		grep -q '<rect class=\"iv c[0-9]\"[^>]*data-upstream=\"20485\"' $tmp/pas.body &&
		grep -q '<td><a href=\"/prefix/175.45.176.0/24\">175.45.176.0/24</a></td>' $tmp/pas.body && grep -q '&lt;script&gt;alert(1)&lt;/script&gt; TRANSTELECOM' $tmp/pas.body &&
		! grep -q '<script>alert' $tmp/pas.body && hdr pas content-security-policy | grep -q \"script-src 'self'\"" \
		"$code $(grep -o 'id="origin-title"[^<]*' "$tmp/pas.body")"
	get pev /event/1506848871.0.131279.20485
	check "$L/page-event" "[ $code = 200 ] && grep -q 'gained upstream AS20485 &lt;script&gt;' $tmp/pev.body &&
		grep -q '<pre id=\"event-json\">{&quot;type&quot;:&quot;upstream_gained&quot;,&quot;time&quot;:&quot;2017-10-01T09:07:51Z&quot;' $tmp/pev.body &&
		! grep -q '<script>alert' $tmp/pev.body" "$code $(grep -o '<p id="event-line">[^<]*' "$tmp/pev.body")"
	# docs/events.md §15: the peer that saw it first and the record that
	# proves it; the record as MRT reads back, with dump, as the same lines
	get evp /api/v1/events/1506848871.0.131279.20485
	check "$L/event-first-seen" "[ $code = 200 ] && jq -e '.type == \"upstream_gained\" and .upstream == 20485 and (.first_seen.collector | length > 0)
		and (.first_seen.peer | test(\"^[0-9a-f.:]+$\")) and .first_seen.peer_asn > 0 and .first_seen.time == \"2017-10-01T09:07:51Z\"' $tmp/evp.body > /dev/null" \
		"$code $(jq -c .first_seen "$tmp/evp.body" 2>&1 | head -c 300)"
	check "$L/event-proof-record" "jq -e '(.proof.record | test(\"\\\\|175\\\\.45\\\\.176\\\\.0/24\\\\|[0-9 ]* 20485 131279\\\\|\")) and (.proof.file | test(\"updates\")) and .proof.offset > 0
		and .proof.cause == null and .proof.record_mrt == \"/api/v1/events/1506848871.0.131279.20485/record.mrt\"' $tmp/evp.body > /dev/null" \
		"$(jq -c .proof "$tmp/evp.body" 2>&1 | head -c 400)"
	get evr /api/v1/events/1506848871.0.131279.20485/record.mrt
	jq -r .proof.record "$tmp/evp.body" > "$tmp/evp.lines"
	"$RW" dump "$tmp/evr.body" > "$tmp/evr.lines" 2> "$tmp/evr.err"
	check "$L/event-record-mrt-dumps-the-same" "[ $code = 200 ] && hdr evr content-type | grep -q '^application/octet-stream' && [ -s $tmp/evr.lines ] &&
		cmp -s $tmp/evp.lines $tmp/evr.lines" "$code $(diff "$tmp/evp.lines" "$tmp/evr.lines" | head -4) $(head -2 "$tmp/evr.err")"
	get evo /api/v1/events/1506855134.2.131279.0
	check "$L/event-proof-cause" "[ $code = 200 ] && jq -e '.type == \"origin_down\" and .proof.record == null and (.proof.cause | length > 0)' $tmp/evo.body > /dev/null" \
		"$code $(jq -c .proof "$tmp/evo.body" 2>&1 | head -c 300)"
	get evn /api/v1/events/1506848871.0.131279.174
	check "$L/event-not-stored" "[ $code = 404 ] && jq -e '.parameter == \"event\"' $tmp/evn.body > /dev/null" "$code $(head -c 200 "$tmp/evn.body")"
	check "$L/page-event-proof" "grep -q '<section id=\"proof\"' $tmp/pev.body && grep -q '<span id=\"first-peer\">[0-9a-f.:]*</span> (AS[0-9]*) of collector <span id=\"first-collector\">' $tmp/pev.body &&
		grep -q '<pre id=\"proof-record\"[^>]*>BGP4MP|1506848871|A|[^|]*|[0-9]*|175.45.176.0/24|[0-9 ]* 20485 131279|' $tmp/pev.body &&
		grep -q 'href=\"/api/v1/events/1506848871.0.131279.20485/record.mrt\"' $tmp/pev.body" "$(sed -n '/id=\"proof\"/,/<\/section>/p' "$tmp/pev.body" | head -c 400)"
	get pcev /event/1506848871.30.19280.20485
	check "$L/page-event-of-a-country" "[ $code = 200 ] && grep -q 'country_provider_gained of country KP' $tmp/pcev.body &&
		grep -q 'country KP gained international provider AS20485' $tmp/pcev.body" "$code $(grep -o '<h1[^<]*' "$tmp/pcev.body")"
	get psr "/search?q=ryugyong"
	check "$L/page-search" "[ $code = 200 ] && grep -q '<a href=\"/as/131279\">AS131279</a>' $tmp/psr.body" "$code"
	# a prefix's page: its routes now (prefix --db's), its events and
	# its more-specifics', linked from search and the origin's page
	get ppf "/prefix/175.45.176.0/22?from=2017-10-01T00:00:00Z&to=2017-10-02T00:00:00Z"
	check "$L/page-prefix" "[ $code = 200 ] && grep -q 'id=\"prefix-title\" data-prefix=\"175.45.176.0/22\"' $tmp/ppf.body &&
		grep -q '<td><a href=\"/prefix/175.45.178.0/24\">175.45.178.0/24</a></td><td><a href=\"/as/131279\">AS131279</a>' $tmp/ppf.body &&
		grep -q 'href=\"/event/1506848871.0.131279.20485\"' $tmp/ppf.body && grep -q 'href=\"/event/1506848871.30.19280.20485\"' $tmp/ppf.body &&
		grep -q '&lt;script&gt;alert(1)&lt;/script&gt; TRANSTELECOM' $tmp/ppf.body && ! grep -q '<script>alert' $tmp/ppf.body &&
		hdr ppf content-security-policy | grep -q \"script-src 'self'\"" "$code $(grep -o '<h1[^<]*' "$tmp/ppf.body")"
	get ppf1 "/prefix/175.45.176.0%2F24"
	check "$L/page-prefix-one-segment" "[ $code = 200 ] && grep -q 'data-prefix=\"175.45.176.0/24\"' $tmp/ppf1.body" "$code"
	check "$L/page-origin-links-prefixes-and-country" "grep -q '<td><a href=\"/prefix/175.45.176.0/24\">175.45.176.0/24</a></td>' $tmp/pas.body &&
		grep -q 'registered in <a href=\"/country/KP\">country KP</a>' $tmp/pas.body" "$(grep -o 'registered in[^.]*' "$tmp/pas.body")"
	get psp "/search?q=175.45.176.0/24"
	check "$L/page-search-links-the-prefix" "[ $code = 200 ] && grep -q '<p id=\"prefix-result\">The prefix.s page: <a href=\"/prefix/175.45.176.0/24\">' $tmp/psp.body" "$code"
	get psc "/search?q=kp"
	check "$L/page-search-links-the-country" "[ $code = 200 ] && grep -q '<p id=\"country-result\">The country.s page: <a href=\"/country/KP\">country KP</a>' $tmp/psc.body" "$code"
	# a country's page: its providers' shares now (country --db's), the
	# window's chart, events and report, its providers' intervals
	"$RW" country KP --db "$DB" --countries "$N" --json > "$tmp/cli-country.json" 2>/dev/null
	get pcc "/country/kp?from=2017-10-01T08:00:00Z&to=2017-10-01T14:00:00Z"
	check "$L/page-country" "[ $code = 200 ] && grep -q 'id=\"country-title\" data-cc=\"KP\">Country KP' $tmp/pcc.body &&
		grep -q '<tr data-provider=\"20485\"><td><a href=\"/as/20485\">AS20485</a>' $tmp/pcc.body &&
		grep -q '<tr data-provider=\"4837\">' $tmp/pcc.body &&
		grep -q 'src=\"/api/v1/country/KP/chart.svg?from=2017-10-01T08:00:00Z&amp;to=2017-10-01T14:00:00Z\"' $tmp/pcc.body &&
		grep -q 'href=\"/event/1506848871.30.19280.20485\"><time datetime=\"2017-10-01T09:07:51Z\">' $tmp/pcc.body &&
		grep -q 'KP gained a new international provider, AS20485 &lt;script&gt;' $tmp/pcc.body &&
		grep -q '<rect class=\"iv c[0-9]\"[^>]*data-upstream=\"20485\" data-start=\"1506848871\"' $tmp/pcc.body &&
		! grep -q '<script>alert' $tmp/pcc.body && hdr pcc content-security-policy | grep -q \"script-src 'self'\"" \
		"$code $(grep -o '<h1[^<]*' "$tmp/pcc.body")"
	# the providers' shares are country --db --json's, rounded
	want=$(jq -r '[.providers[] | "\(.asn) \(.share * 1000 | round / 10)"] | join(",")' "$tmp/cli-country.json" 2>/dev/null)
	got=$(grep -o '<tr data-provider="[0-9]*"><td>.*</td><td>[0-9.]*%</td>' "$tmp/pcc.body" | sed 's/^<tr data-provider="\([0-9]*\)".*<td>\([0-9.]*\)%<\/td>$/\1 \2/' | sed 's/\.0$//' | paste -sd, -)
	check "$L/page-country-is-the-command" "[ -n \"$want\" ] && [ \"$want\" = \"$got\" ]" "want '$want' got '$got'"
	check "$L/page-country-event-links-the-country" "grep -q 'href=\"/country/KP?from=2017-10-01T06:07:51Z' $tmp/pcev.body" "$(grep -o 'country.s page[^<]*' "$tmp/pcev.body")"
	get pcj "/country/JP"
	check "$L/page-country-without-history" "[ $code = 200 ] && grep -q 'id=\"country-none\"' $tmp/pcj.body" "$code"
	get psx "/search?q=%3Cscript%3E"
	check "$L/page-search-escapes-the-query" "[ $code = 200 ] && grep -q 'Search: &lt;script&gt;' $tmp/psx.body && ! grep -q '<script>' $tmp/psx.body" "$code"
	get p404 /as/64999
	get p404e /event/1506848871.0.131279.1
	check "$L/page-404" "[ $code = 404 ] && grep -q 'No such event' $tmp/p404e.body && grep -q 'AS64999 is not in the history store' $tmp/p404.body" "$code"
	for t in "as/ASX asn" "event/1.2.3 event" "event/1506848871.99.1.1 event" "as/131279?from=never from" "search?q= q" \
		"search?cursor=1 cursor" "prefix/175.45.176.0/33 prefix" "prefix/x prefix" "country/K1 cc" "country/KP?limit=1 limit" \
		"prefix/175.45.176.0/24?cursor=x cursor"; do
		p=${t% *} want=${t##* }
		get e400 "/$p"
		if [ "$code" = 400 ] && jq -e --arg w "$want" '.status == 400 and .parameter == $w' "$tmp/e400.body" > /dev/null; then
			ok "$L/page-400/$p"
		else
			nok "$L/page-400/$p" "$code $(cat "$tmp/e400.body")"
		fi
	done
	get pnq /search
	check "$L/page-search-without-q" "[ $code = 400 ] && grep -q 'Give an AS number' $tmp/pnq.body" "$code"

	# ---- prefix, search
	get pfx "/api/v1/prefix/175.45.176.0/24?from=$F&to=$T"
	check "$L/prefix" "[ $code = 200 ] && jq -e '.prefix == \"175.45.176.0/24\" and (.origins | type == \"array\") and .count > 0
		and all(.events[]; any(.prefixes[]; . == \"175.45.176.0/24\"))' $tmp/pfx.body > /dev/null" "$code $(head -c 300 "$tmp/pfx.body")"
	get pfx2 "/api/v1/prefix/175.45.176.0%2F24?from=$F&to=$T"
	check "$L/prefix-encoded-slash" "[ $code = 200 ] && cmp -s $tmp/pfx.body $tmp/pfx2.body" "$code"
	get s1 "/api/v1/search?q=AS131279"
	get s2 "/api/v1/search?q=ryugyong"
	get s3 "/api/v1/search?q=4837"
	check "$L/search" "jq -e '.kind == \"asn\" and .results[0].asn == 131279' $tmp/s1.body > /dev/null &&
		jq -e '.kind == \"name\" and (.results | map(.asn) | index(131279) != null)' $tmp/s2.body > /dev/null &&
		jq -e '.results[0].name | startswith(\"CHINA169\")' $tmp/s3.body > /dev/null" \
		"$(cat "$tmp/s1.body" "$tmp/s2.body" "$tmp/s3.body" | head -c 400)"
	get s4 "/api/v1/search?q=175.45.176.0/24"
	check "$L/search-prefix" "[ $code = 200 ] && jq -e '.kind == \"prefix\"' $tmp/s4.body > /dev/null" "$code $(cat "$tmp/s4.body")"

	# ---- a name with markup is escaped everywhere it is served
	get evil "/api/v1/as/131279/history"
	check "$L/markup-name-escaped-json" "! grep -q '<script' $tmp/evil.body && grep -q 'u003cscript' $tmp/evil.body &&
		jq -e '[.upstreams[] | select(.asn == 20485) | .name] == [\"<script>alert(1)</script> TRANSTELECOM & \\\"Co\\\", RU\"]' $tmp/evil.body > /dev/null" \
		"$(grep -o '.\{20\}script.\{40\}' "$tmp/evil.body" | head -2)"
	check "$L/markup-name-escaped-svg" "! grep -q '<script' $tmp/chart.body && grep -q '&lt;script&gt;' $tmp/chart.body" \
		"$(grep -o '.\{10\}script.\{20\}' "$tmp/chart.body" | head -2)"
	get ev2 "/api/v1/events?from=$F&to=$T&upstream=20485"
	check "$L/markup-name-escaped-events" "! grep -q '<' $tmp/ev2.body && [ \$(jq '[.events[].upstream_name] | map(select(startswith(\"<script>\"))) | length' $tmp/ev2.body) -gt 0 ]" \
		"$(head -c 300 "$tmp/ev2.body")"

	# ---- headers
	check "$L/security-headers" "hdr as content-security-policy | grep -q \"default-src 'none'\" && [ \"\$(hdr as x-content-type-options)\" = nosniff ] &&
		hdr history content-security-policy | grep -q \"default-src 'none'\"" "$(cat "$tmp/as.hdr")"

	# ---- ETag, Last-Modified, 304
	etag=$(hdr history etag) lm=$(hdr history last-modified)
	get h304 /api/v1/as/131279/history -H "If-None-Match: $etag"
	c1=$code
	get h304b /api/v1/as/131279/history -H "If-None-Match: \"other\", $etag"
	c2=$code
	get h200 /api/v1/as/131279/history -H 'If-None-Match: "0000"'
	c3=$code
	get hims /api/v1/as/131279/history -H "If-Modified-Since: $lm"
	c4=$code
	check "$L/etag-304" "[ -n '$etag' ] && [ '$lm' = 'Sun, 01 Oct 2017 13:59:59 GMT' ] && [ $c1 = 304 ] && [ ! -s $tmp/h304.body ] &&
		[ $c2 = 304 ] && [ $c3 = 200 ] && [ $c4 = 304 ] && [ \"\$(hdr h304 etag)\" = '$etag' ]" \
		"etag '$etag' lm '$lm': $c1 $c2 $c3 $c4"

	# ---- gzip: big answers when asked, the same bytes once unzipped
	get gz "/api/v1/events?from=$F&to=$T&limit=1000" -H 'Accept-Encoding: gzip'
	gunzip -c < "$tmp/gz.body" > "$tmp/gz.plain" 2>/dev/null
	check "$L/gzip" "[ $code = 200 ] && [ \"\$(hdr gz content-encoding)\" = gzip ] && cmp -s $tmp/gz.plain $tmp/events.body &&
		[ \$(wc -c < $tmp/gz.body) -lt \$(wc -c < $tmp/events.body) ] && hdr gz vary | grep -qi accept-encoding &&
		[ -z \"\$(hdr events content-encoding)\" ]" "$code '$(hdr gz content-encoding)'"
	# again, from the cache: the gzip made once is sent again, with the
	# same ETag as the plain answer (the identity body's)
	get gz2 "/api/v1/events?from=$F&to=$T&limit=1000" -H 'Accept-Encoding: gzip'
	get gz3 "/api/v1/events?from=$F&to=$T&limit=1000"
	check "$L/gzip-cached" "[ $code = 200 ] && cmp -s $tmp/gz.body $tmp/gz2.body && cmp -s $tmp/gz3.body $tmp/events.body &&
		[ -n \"\$(hdr gz2 etag)\" ] && [ \"\$(hdr gz2 etag)\" = \"\$(hdr gz3 etag)\" ] && [ \"\$(hdr gz2 etag)\" = \"\$(hdr gz etag)\" ]" \
		"$code etags '$(hdr gz etag)' '$(hdr gz2 etag)' '$(hdr gz3 etag)'"
	get gzs /api/v1/search?q=AS131279 -H 'Accept-Encoding: gzip'
	check "$L/gzip-not-for-small" "[ -z \"\$(hdr gzs content-encoding)\" ] && jq -e . $tmp/gzs.body > /dev/null" "$(hdr gzs content-encoding)"

	# ---- HEAD, keep-alive
	# HEAD (curl -I writes the headers where the body would go): no body,
	# so a GET on the same connection after it is read whole
	get head /api/v1/as/131279/history -I
	codes=$(curl -s -I -o /dev/null -w '%{http_code} ' "$U/api/v1/as/131279/history" --next -s -o "$tmp/after-head.body" -w '%{http_code} %{num_connects}' "$U/api/v1/as/131279/history")
	check "$L/head" "[ $code = 200 ] && ! grep -q origin $tmp/head.body && [ \"\$(hdr head content-length)\" = \$(wc -c < $tmp/history.body) ] &&
		[ \"\$(hdr head etag)\" = '$etag' ] && [ '$codes' = '200 200 0' ] && cmp -s $tmp/after-head.body $tmp/history.body" \
		"$code $(hdr head content-length) then: $codes"
	conns=$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects}\n' "$U/api/v1/as/131279" "$U/metrics" "$U/api/v1/openapi.json" | tr '\n' ' ')
	check "$L/keep-alive" "[ '$conns' = '1 0 0 ' ]" "connects per request: $conns"

	# ---- errors: 400 naming the parameter
	for t in "events?from=yesterday from" "events?to=2017-13-01 to" "events?type=upstream_gone type" \
		"events?origin=ASX origin" "events?upstream=-3 upstream" "events?prefix=175.45.176.0 prefix" \
		"events?collector=../etc collector" "events?cursor=abc cursor" "events?limit=100000 limit" \
		"events?limit=0 limit" "events?from=2017-10-02&to=2017-10-01 to" "events?from=2010-01-01&to=2017-01-01 to" \
		"events?limit=1&limit=2 limit" "as/131279/report?format=xml format" "as/131279/report?from=2017-10-02&to=2017-10-01 to" \
		"as/notanasn asn" "as/99999999999/history asn" "prefix/175.45.176.0/99 prefix" "search?q= q" \
		"as/131279?from=2017-10-01 from" "events?bogus=1 query" "search?q=%zz q"; do
		p=${t% *} want=${t##* }
		get e400 "/api/v1/$p"
		if [ "$code" = 400 ] && jq -e --arg w "$want" '.status == 400 and .parameter == $w and (.message | length > 5)' "$tmp/e400.body" > /dev/null; then
			ok "$L/400/$p"
		else
			nok "$L/400/$p" "$code $(cat "$tmp/e400.body")"
		fi
	done
	get e404 /api/v1/as/64999/history
	check "$L/404-unknown-as" "[ $code = 404 ] && jq -e '.parameter == \"asn\" and (.message | contains(\"AS64999\"))' $tmp/e404.body > /dev/null" "$code $(cat "$tmp/e404.body")"
	get e404r /api/v1/as/64999/report
	check "$L/404-unknown-as-report" "[ $code = 404 ]" "$code"
	get e404b /api/v2/nothing
	check "$L/404-no-route" "[ $code = 404 ] && jq -e '.status == 404 and .parameter == \"path\"' $tmp/e404b.body > /dev/null" "$code $(cat "$tmp/e404b.body")"
	get e404l /api/v1/live/as/131279
	check "$L/404-live-route-under-serve" "[ $code = 404 ] && jq -e '.message | contains(\"collect --http\")' $tmp/e404l.body > /dev/null" "$code $(cat "$tmp/e404l.body")"
	get e405 /api/v1/as/131279 -X POST -d x=1
	check "$L/405" "[ $code = 405 ] && [ \"\$(hdr e405 allow)\" = 'GET, HEAD' ] && jq -e '.parameter == \"method\"' $tmp/e405.body > /dev/null" "$code $(cat "$tmp/e405.body")"
	for m in DELETE PUT PATCH OPTIONS TRACE; do
		get e405d /api/v1/as/131279 -X $m
		check "$L/405-$m" "[ $code = 405 ] && jq -e '.status == 405' $tmp/e405d.body > /dev/null" "$code $(head -c 100 "$tmp/e405d.body")"
	done
	long=$(head -c 3000 /dev/zero | tr '\0' a)
	get e414 "/api/v1/events?q=$long"
	check "$L/414-long-query" "[ $code = 414 ] && jq -e '.parameter == \"query\"' $tmp/e414.body > /dev/null" "$code $(head -c 200 "$tmp/e414.body")"
	get e414p "/api/v1/$long"
	check "$L/414-long-path" "[ $code = 414 ]" "$code"
	big=$(head -c 10000 /dev/zero | tr '\0' b)
	get e413 /api/v1/as/131279 -H "X-Big: $big"
	check "$L/431-big-headers" "[ $code = 431 ] && jq -e '.status == 431' $tmp/e413.body > /dev/null" "$code $(head -c 200 "$tmp/e413.body")"
	big=$(head -c 40000 /dev/zero | tr '\0' b)
	get e413c /api/v1/as/131279 -H "X-Big: $big"
	check "$L/huge-headers-refused" "[ $code = 400 ] || [ $code = 413 ] || [ $code = 431 ]" "$code"
	get e413b /api/v1/as/131279 -X GET --data-binary "@$tmp/cli-events.json"
	check "$L/413-big-body" "[ $code = 413 ]" "$code"
	for p in "/api/v1/../../../etc/passwd" "/api/v1/%2e%2e/%2e%2e/etc/passwd" "/api/v1/as/..%2f..%2fetc%2fpasswd" "/../etc/passwd" "/api/v1/as/131279/%00"; do
		get trav "$p"
		if { [ "$code" = 400 ] || [ "$code" = 404 ]; } && ! grep -q 'root:' "$tmp/trav.body" && jq -e .status "$tmp/trav.body" > /dev/null; then
			ok "$L/traversal $p"
		else
			nok "$L/traversal $p" "$code $(head -c 200 "$tmp/trav.body")"
		fi
	done
	# still serving after all of it
	get after /api/v1/as/131279
	check "$L/still-serving" "[ $code = 200 ]" "$code"

	# ---- the web page: static files, a CSP that allows nothing inline,
	# a DOM made with textContent only
	get page /
	get pjs /app.js
	get pcss /app.css
	check "$L/page" "[ $code = 200 ] && hdr page content-type | grep -q '^text/html' &&
		hdr page content-security-policy | grep -q \"script-src 'self'\" && ! hdr page content-security-policy | grep -q unsafe &&
		[ \$(grep -o '<script[^>]*>' $tmp/page.body | grep -vc ' src=') -eq 0 ] && ! grep -q '<script[^>]*>[^<]' $tmp/page.body &&
		! grep -q ' on[a-z]*=' $tmp/page.body && [ \"\$(hdr pjs content-type)\" = 'text/javascript; charset=utf-8' ] &&
		! grep -q 'innerHTML\|outerHTML\|insertAdjacentHTML\|document.write\|eval(' $tmp/pjs.body &&
		hdr pcss content-type | grep -q '^text/css'" "$code $(hdr page content-security-policy)"
	etp=$(hdr page etag)
	get p304 / -H "If-None-Match: $etp"
	c1=$code
	get phead / -I
	check "$L/page-etag-head" "[ $c1 = 304 ] && [ $code = 200 ] && [ \"\$(hdr phead content-length)\" = \$(wc -c < $tmp/page.body) ]" "$c1 $code"
	# (the pages in a browser, their DOM, zoom and live list: tests/web/pages.sh)

	# ---- OpenAPI: JSON, 3.x, every path of it taken by the router
	get openapi /api/v1/openapi.json
	check "$L/openapi-json" "[ $code = 200 ] && jq -e '(.openapi | startswith(\"3.\")) and (.paths | length) >= 10' $tmp/openapi.body > /dev/null" \
		"$code $(head -c 200 "$tmp/openapi.body")"
	bad=""
	for p in $(jq -r '.paths | keys[]' "$tmp/openapi.body"); do
		q=$(echo "$p" | sed 's/{asn}/131279/; s|{prefix}|175.45.176.0/24|; s/{cc}/KP/; s/{event}/1506848871.0.131279.20485/')
		c=$(curl -s -o "$tmp/op.body" -w '%{http_code}' "$U$q")
		if [ "$c" = 404 ] && jq -e '.message | startswith("no such route")' "$tmp/op.body" > /dev/null; then
			bad="$bad $p"
		fi
	done
	nr=$(jq '.paths | length' "$tmp/openapi.body")
	check "$L/openapi-routes-agree" "[ -z '$bad' ] && [ $nr -eq 20 ] && ! jq -e '.paths | has(\"/as/{asn}\")' $tmp/openapi.body > /dev/null" \
		"not routed:$bad; $nr paths"

	# ---- /metrics: Prometheus' text format
	get metrics /metrics
	python3 - "$tmp/metrics.body" > "$tmp/prom.out" 2>&1 <<'PY'
import re, sys
text = open(sys.argv[1]).read()
meta, seen, bad = {}, set(), []
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)$')
for line in text.splitlines():
    if line.startswith('# HELP ') or line.startswith('# TYPE '):
        parts = line.split(' ', 3)
        meta.setdefault(parts[2], set()).add(parts[1])
        if parts[1] == 'TYPE' and parts[3] not in ('counter', 'gauge', 'histogram', 'summary', 'untyped'):
            bad.append(line)
        continue
    m = sample.match(line)
    if not m:
        bad.append(line); continue
    name = m.group(1); seen.add(name)
    if meta.get(name) != {'HELP', 'TYPE'}:
        bad.append('no HELP/TYPE: ' + line)
    if not (name.startswith('routewatch_') or name.startswith('process_')):
        bad.append('prefix: ' + name)
for n in seen:
    if n.endswith('_total') != any(l.startswith('# TYPE %s counter' % n) for l in text.splitlines()):
        bad.append('counter naming: ' + n)
need = ['routewatch_http_requests_total', 'routewatch_memory_bytes', 'routewatch_store_clock_seconds', 'process_resident_memory_bytes']
bad += ['missing ' + n for n in need if n not in seen]
print('\n'.join(bad[:5]))
sys.exit(1 if bad else 0)
PY
	check "$L/metrics-prometheus-format" "[ $? -eq 0 ] && [ $code = 200 ] && hdr metrics content-type | grep -q '^text/plain; version=0.0.4'" "$(cat "$tmp/prom.out")"
	check "$L/metrics-count-requests" "grep -q '^routewatch_http_requests_total{route=\"history\"} [1-9]' $tmp/metrics.body &&
		grep -q '^routewatch_http_responses_total{code=\"4xx\"} [1-9]' $tmp/metrics.body &&
		grep -q '^routewatch_store_clock_seconds 1506866399$' $tmp/metrics.body" "$(grep -v '^#' "$tmp/metrics.body" | head -5)"

	stop
	check "$L/clean-stop" "[ $rc_srv -eq 0 ]" "exit $rc_srv: $(tail -3 "$tmp/serve.log")"
}

# ---------------------------------------------------------------- SQLite
"$RW" ingest -q --db "$tmp/s.db" --names "$N" --countries "$N" "$S" > /dev/null 2>&1
sum0=$(cat "$tmp/s.db"* | md5sum)
suite sqlite "$tmp/s.db"
check sqlite/store-unchanged "[ \"\$(cat $tmp/s.db* | md5sum)\" = '$sum0' ]" "the store's files changed"
# serve --names A --names B on a store without names: the pages made on
# the reader threads name ASNs from both files (they once had the last)
"$RW" ingest -q --db "$tmp/nn.db" "$S" > /dev/null 2>&1
grep -v '^20485	' "$N" > "$tmp/names-a.txt"
grep '^20485	' "$N" > "$tmp/names-b.txt"
port=$(free_port)
U=http://127.0.0.1:$port
"$RW" serve --db "$tmp/nn.db" --listen "127.0.0.1:$port" --names "$tmp/names-a.txt" --names "$tmp/names-b.txt" > "$tmp/serve-nn.log" 2>&1 &
srv_pid=$!
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "$U/metrics"; do sleep 0.1; i=$((i + 1)); done
get nnpage "/as/131279?from=$F&to=$T"
check sqlite/names-files-all-read "[ $code = 200 ] && grep -q 'AS131279 STAR-KP' $tmp/nnpage.body && grep -q 'TRANSTELECOM' $tmp/nnpage.body &&
	[ -s $tmp/names-b.txt ]" "$code: $(grep -o 'AS[0-9]* [A-Z-]*' "$tmp/nnpage.body" | sort -u | head -5 | tr '\n' ' ')"
stop
# serve --relationships (docs/events.md §14): what each upstream is to the
# origin and the customer cones, in the summary and the history
printf '4837|131279|-1\n20485|131279|-1\n3356|20485|-1\n' > "$tmp/rel.txt"
port=$(free_port)
U=http://127.0.0.1:$port
"$RW" serve --db "$tmp/s.db" --listen "127.0.0.1:$port" --relationships "$tmp/rel.txt" > "$tmp/serve-rel.log" 2>&1 &
srv_pid=$!
i=0
while [ $i -lt 100 ] && ! curl -s -o /dev/null "$U/metrics"; do sleep 0.1; i=$((i + 1)); done
get relas /api/v1/as/131279
check sqlite/relationships-summary "[ $code = 200 ] && jq -e '.customer_cone == 1 and any(.upstreams[]; .asn == 4837 and .relationship == \"provider\" and .customer_cone == 2)' $tmp/relas.body > /dev/null" \
	"$code $(head -c 300 "$tmp/relas.body")"
get cnog /api/v1/state/country/KP
check sqlite/state-country-without-countries "[ $code = 404 ] && jq -e '.parameter == \"cc\" and (.message | contains(\"--countries\"))' $tmp/cnog.body > /dev/null" \
	"$code $(cat "$tmp/cnog.body")"
get relh /api/v1/as/131279/history
"$RW" history 131279 --db "$tmp/s.db" --json --relationships "$tmp/rel.txt" > "$tmp/cli-relh.json" 2>/dev/null
check sqlite/relationships-history "[ $code = 200 ] && [ \"\$(jq -S . $tmp/relh.body)\" = \"\$(jq -S . $tmp/cli-relh.json)\" ] && jq -e 'any(.upstreams[]; .asn == 20485 and .relationship == \"provider\")' $tmp/relh.body > /dev/null" \
	"$code $(head -c 300 "$tmp/relh.body")"
stop
# the answers kept in the cache go when the store's clock moves (a
# writer's checkpoint): here the clock is moved by hand
serve "$tmp/s.db"
get c1 /api/v1/as/131279/history
get c2 /api/v1/as/131279/history
sqlite3 "$tmp/s.db" "UPDATE meta SET value = value + 60 WHERE key = 'clock'"
sleep 1.1 # the clock is read at most once a second
get c3 /api/v1/as/131279/history
get cm /metrics
stop
check sqlite/cache-until-the-clock-moves "cmp -s $tmp/c1.body $tmp/c2.body && [ \"\$(hdr c1 etag)\" = \"\$(hdr c2 etag)\" ] &&
	[ \"\$(jq -r .clock $tmp/c3.body)\" = 2017-10-01T14:00:59Z ] && [ \"\$(hdr c3 last-modified)\" = 'Sun, 01 Oct 2017 14:00:59 GMT' ] &&
	grep -q '^routewatch_http_cache_hits_total [1-9]' $tmp/cm.body" "$(jq -r .clock "$tmp/c3.body") $(hdr c3 last-modified) $(grep cache_hits "$tmp/cm.body" | tail -1)"
# usage errors
"$RW" serve --db "$tmp/s.db" --listen nonsense > "$tmp/bad.out" 2>&1
rc=$?
check usage-bad-listen "[ $rc -eq 2 ] && grep -q 'listen' $tmp/bad.out" "exit $rc $(cat "$tmp/bad.out")"
"$RW" serve --db "$tmp/none.db" --listen 127.0.0.1:0 > "$tmp/bad2.out" 2>&1
rc=$?
check usage-no-store "[ $rc -ne 0 ]" "exit $rc $(cat "$tmp/bad2.out")"

# ---------------------------------------------------------------- collect --http
# wait_grep FILE PATTERN SECONDS
wait_grep() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# collect_up NAME: a collector with --http and --db $tmp/live.db (LU: its URL)
collect_up() {
	CP=$(free_port) HP=$(free_port)
	LU=http://127.0.0.1:$HP
	"$RW" collect --asn 65000 --bgp "127.0.0.1:$CP" --accept 127.0.0.0/8 --min-peers 1 --json --db "$tmp/live.db" \
		--checkpoint 1 --names "$N" --http "127.0.0.1:$HP" > "$tmp/$1.out" 2> "$tmp/$1.err" &
	col_pid=$!
	i=0
	while [ $i -lt 100 ] && ! curl -s -o /dev/null "$LU/metrics"; do
		sleep 0.1
		i=$((i + 1))
	done
}
collect_up live
check live/listens "curl -s -o /dev/null $LU/metrics" "$(head -3 "$tmp/live.err")"
curl -sN "$LU/api/v1/stream" > "$tmp/sse1.txt" &
bg="$bg $!"
curl -sN "$LU/api/v1/stream?type=prefix_down,prefix_up" > "$tmp/sse2.txt" &
bg="$bg $!"
sleep 0.3
python3 "$HERE/api_peer.py" "$CP" 127.0.0.2 65001 2 9 > "$tmp/peer.out" 2>&1 &
peer=$!
wait_grep "$tmp/sse1.txt" 'event: upstream_lost' 10
# lget NAME PATH: get from the collector, again while it answers 503 (a
# checkpoint thread reads the engine: "ask again in a second")
lget() {
	k=0
	while :; do
		U=$LU get "$@" --max-time 5
		[ "$code" = 503 ] && [ $k -lt 20 ] || break
		sleep 0.1
		k=$((k + 1))
	done
}
lget las "/api/v1/live/as/AS65551"
check live/as-now "[ $code = 200 ] && jq -e '.origin == 65551 and .prefix_count == 2 and (.upstreams | map(.asn) | sort) == [64500, 64501]' $tmp/las.body > /dev/null" \
	"$code $(head -c 300 "$tmp/las.body")"
lget lpfx "/api/v1/live/prefix/10.0.0.0%2F8"
check live/prefix-now "[ $code = 200 ] && jq -e '.prefix == \"10.0.0.0/8\" and .more_specifics == 2' $tmp/lpfx.body > /dev/null" \
	"$code $(head -c 300 "$tmp/lpfx.body")"
# the saved state is serve's: the collector points to its live routes
lget lstate "/api/v1/state/as/65551"
check live/state-points-to-live "[ $code = 404 ] && jq -e '.message | contains(\"/api/v1/live/as/\")' $tmp/lstate.body > /dev/null" \
	"$code $(head -c 300 "$tmp/lstate.body")"
lget lpage "/"
check live/home-page "[ $code = 200 ] && grep -q 'data-live=\"1\"' $tmp/lpage.body" "$code $(head -c 300 "$tmp/lpage.body")"
# the pages show the collector's table now: the home page its collectors'
# peers, the origin's and the prefix's pages their routes (not cached)
check live/home-collectors "grep -q '<tbody id=\"live-collectors\">' $tmp/lpage.body &&
	grep -Eq '^<tr><td>[^<]+</td><td>[1-9][0-9]*</td><td>[1-9][0-9]*</td><td>[1-9][0-9]*</td></tr>$' $tmp/lpage.body" \
	"$(grep -A3 'live-collectors' "$tmp/lpage.body" | head -5)"
k=0
while :; do
	lget lop "/as/65551"
	[ "$code" = 404 ] && [ $k -lt 30 ] || break
	sleep 0.3
	k=$((k + 1))
done
check live/origin-page-routes-now "[ $code = 200 ] && grep -q '<p id=\"prefixes-live\">The collector.s routes now' $tmp/lop.body &&
	[ \$(grep -c '^<tr><td><a href=\"/prefix/10\\.' $tmp/lop.body) -eq 2 ] && grep -q 'AS64500' $tmp/lop.body &&
	! grep -qi '^last-modified' $tmp/lop.hdr" "$code $(grep -A2 'pfx-h' "$tmp/lop.body" | head -4)"
lget lpp "/prefix/10.0.0.0/8"
check live/prefix-page-routes-now "[ $code = 200 ] && grep -q '<p id=\"prefix-live\">The collector.s routes now' $tmp/lpp.body &&
	[ \$(grep -c '^<tr><td><a href=\"/prefix/10\\.' $tmp/lpp.body) -eq 2 ]" "$code $(grep -A2 'now-h' "$tmp/lpp.body" | head -4)"
wait "$peer"
wait_grep "$tmp/sse1.txt" 'event: prefix_up' 10
sleep 0.5
sed -n 's/^data: //p' "$tmp/sse1.txt" | jq -S -c . > "$tmp/sse1.ev" 2>/dev/null
jq -S -c . "$tmp/live.out" > "$tmp/live.ev" 2>/dev/null
check live/stream-is-collect-output "[ \$(wc -l < $tmp/sse1.ev) -ge 5 ] && cmp -s $tmp/sse1.ev $tmp/live.ev" \
	"$(wc -l < "$tmp/sse1.ev") streamed, $(wc -l < "$tmp/live.ev") printed: $(diff "$tmp/sse1.ev" "$tmp/live.ev" | head -3)"
sed -n 's/^id: //p' "$tmp/sse1.txt" > "$tmp/ids"
sort -t. -k1,1n -k2,2n -k3,3n -k4,4n "$tmp/ids" | cmp -s - "$tmp/ids"
check live/stream-ids-in-order "[ $? -eq 0 ] && [ \$(sort -u $tmp/ids | wc -l) -eq \$(wc -l < $tmp/ids) ] && [ \$(grep -c '^event: ' $tmp/sse1.txt) -eq \$(wc -l < $tmp/ids) ]" \
	"$(tr '\n' ' ' < "$tmp/ids")"
check live/stream-filter "[ \"\$(sed -n 's/^event: //p' $tmp/sse2.txt | tr '\n' ' ')\" = 'prefix_down prefix_up ' ]" \
	"$(sed -n 's/^event: //p' "$tmp/sse2.txt" | tr '\n' ' ')"
U=$LU get shead /api/v1/stream -I
check live/stream-head "[ $code = 200 ] && hdr shead content-type | grep -q '^text/event-stream'" "$code $(hdr shead content-type)"
id2=$(sed -n 2p "$tmp/ids")
curl -sN --max-time 2 -H "Last-Event-ID: $id2" "$LU/api/v1/stream" > "$tmp/sse3.txt"
sed -n 's/^id: //p' "$tmp/sse3.txt" > "$tmp/ids3"
check live/resume-from-memory "[ -s $tmp/ids3 ] && tail -n +3 $tmp/ids | cmp -s - $tmp/ids3" "after $id2: $(tr '\n' ' ' < "$tmp/ids3")"
U=$LU get lmet /metrics
check live/metrics "grep -q '^routewatch_messages_total [1-9]' $tmp/lmet.body && grep -q '^routewatch_http_streams 2$' $tmp/lmet.body &&
	grep -q '^routewatch_events_total [1-9]' $tmp/lmet.body && grep -q '^routewatch_engine_elements_total [1-9]' $tmp/lmet.body &&
	grep -q '^routewatch_store_checkpoints_total [1-9]' $tmp/lmet.body" "$(grep -v '^#' "$tmp/lmet.body" | grep -v 'http_\|memory' | tr '\n' ' ')"
U=$LU get lev "/api/v1/events?origin=65551&from=2026-01-01&to=2027-01-01"
check live/history-routes "[ $code = 200 ] && jq -e '.count >= 1' $tmp/lev.body > /dev/null" "$code $(head -c 200 "$tmp/lev.body")"
kill "$col_pid"
wait "$col_pid"
rc=$?
check live/clean-stop "[ $rc -eq 0 ]" "exit $rc: $(tail -3 "$tmp/live.err")"
# a restart: no event in memory, the resume comes from the store
collect_up live2
id1=$(sed -n 1p "$tmp/ids")
curl -sN --max-time 2 -H "Last-Event-ID: $id1" "$LU/api/v1/stream" > "$tmp/sse4.txt"
sed -n 's/^id: //p' "$tmp/sse4.txt" > "$tmp/ids4"
check live/resume-from-store "[ -s $tmp/ids4 ] && tail -n +2 $tmp/ids | cmp -s - $tmp/ids4" "after $id1: $(tr '\n' ' ' < "$tmp/ids4")"
kill "$col_pid"
wait "$col_pid"

# docs/events.md §15: an event a session drop made has a cause and no
# record. Four peers of one collector announce 198.51.100.0/24 of AS65100
# (two through AS65010, two through AS65020) on 2017-10-02; a minute
# later the two sessions through AS65010 go down: upstream_lost of
# AS65010, the prefix still seen. Ingested after the sample (the store's
# clock is before it); L DB: the backend's label and store.
mkdir -p "$tmp/sess"
python3 - > "$tmp/sess/sess.updates.20171002.0000" <<'PY'
import struct, sys
t0 = 1506902400
def rec(ts, sub, body):
    return struct.pack('>IHHI', ts, 16, sub, len(body)) + body
def hdr(asn, ip):
    return struct.pack('>IIHH', asn, 6447, 0, 1) + bytes(ip) + bytes([192, 0, 2, 254])
def update(path, nh):
    aspath = struct.pack('>BB', 2, len(path)) + b''.join(struct.pack('>I', a) for a in path)
    attrs = bytes([0x40, 1, 1, 0, 0x40, 2, len(aspath)]) + aspath + bytes([0x40, 3, 4]) + bytes(nh)
    body = struct.pack('>HH', 0, len(attrs)) + attrs + bytes([24, 198, 51, 100])
    return b'\xff' * 16 + struct.pack('>HB', 19 + len(body), 2) + body
peers = [(65001, [10, 0, 0, 1], 65010), (65002, [10, 0, 0, 2], 65010),
         (65003, [10, 0, 0, 3], 65020), (65004, [10, 0, 0, 4], 65020)]
out = b''
for asn, ip, up in peers:
    out += rec(t0, 4, hdr(asn, ip) + update([asn, up, 65100], ip))  # BGP4MP_MESSAGE_AS4
for asn, ip, up in peers[:2]:
    out += rec(t0 + 60, 5, hdr(asn, ip) + struct.pack('>HH', 6, 1))  # STATE_CHANGE_AS4: Established -> Idle
sys.stdout.buffer.write(out)
PY
session_proof() {
	L=$1 DB=$2
	"$RW" ingest -q --db "$DB" "$tmp/sess" > "$tmp/sess-ingest.out" 2>&1
	check "$L/session-ingest" "[ $? -eq 0 ]" "$(head -3 "$tmp/sess-ingest.out")"
	serve "$DB"
	get sdrop /api/v1/events/1506902460.1.65100.65010
	check "$L/event-session-drop-cause" "[ $code = 200 ] && jq -e '.type == \"upstream_lost\" and .proof.record == null and .proof.record_mrt == null
		and .proof.cause == \"peer session went down\" and .first_seen.collector == \"sess\" and (.first_seen.peer | test(\"^10\\\\.0\\\\.0\\\\.[12]$\"))'  $tmp/sdrop.body > /dev/null" \
		"$code $(head -c 400 "$tmp/sdrop.body")"
	get sdropr /api/v1/events/1506902460.1.65100.65010/record.mrt
	check "$L/event-session-drop-no-record" "[ $code = 404 ] && jq -e '.parameter == \"event\"' $tmp/sdropr.body > /dev/null" "$code"
	get psdrop /event/1506902460.1.65100.65010
	check "$L/page-event-session-drop" "[ $code = 200 ] && grep -q '<span id=\"proof-cause\">peer session went down</span>' $tmp/psdrop.body &&
		! grep -q 'id=\"proof-record\"' $tmp/psdrop.body" "$code"
	stop
}
session_proof sqlite "$tmp/s.db"

# ---------------------------------------------------------------- PostgreSQL
PG=${RW_TEST_PG:-}
if [ -z "$PG" ]; then
	pgdir=$(mktemp -d /tmp/rw-pg.XXXXXX)
	PG=$("$ROOT/scripts/pg-server.sh" start "$pgdir" 2> "$tmp/pg.err") || PG=""
fi
if [ -z "$PG" ]; then
	nok postgresql "no PostgreSQL server: $(cat "$tmp/pg.err")"
else
	db="rwapi_$$"
	base=${PG%%\?*}
	query=${PG#"$base"}
	psql "$PG" -qAt -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" > "$tmp/pg.log" 2>&1
	PU="${base%/*}/$db$query"
	"$RW" ingest -q --db "$PU" --names "$N" --countries "$N" "$S" > "$tmp/pg-ingest.out" 2>&1
	check pg/ingest "[ $? -eq 0 ]" "$(head -3 "$tmp/pg-ingest.out")"
	suite pg "$PU"
	session_proof pg "$PU"
	psql "$PG" -qAt -c "DROP DATABASE IF EXISTS $db" >> "$tmp/pg.log" 2>&1
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
