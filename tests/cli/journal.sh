#!/bin/sh
# routewatch collect killed with SIGKILL mid-period (issue 10 item 8): the
# archive's current --rotate period is appended to a hidden journal within
# a second of its arrival, and the next start finishes that journal into
# the period's file. ExaBGP announces one new prefix every 0.2 s; the
# collector is killed with kill -9 and started again on the same archive:
# every UPDATE that reached it more than a second before the kill must be
# in the finished file, which routewatch dump and bgpdump -m both read, and
# no hidden file may be left. Plain and gzip archives; a torn last record
# (cut, and said so); a period whose file exists already (never
# overwritten: the journal is kept aside, loudly); a restart within the
# period (its file then holds the records from both sides of it).
# (harness: tests/cli/lib_collect.sh)
set -u
SUITE=journal
. "$(dirname "$0")/lib_collect.sh"

N=${JOURNAL_ROUTES:-25}

now() { date +%s.%N; }

# announce NET: one new prefix 10.NET.I.0/24 every 0.2 s, I = 1..N; the
# time each command was handed to ExaBGP goes to NET.sent ("I TIME")
announce() {
	: > "$tmp/$1.sent"
	i=1
	while [ $i -le $N ]; do
		exa 127.0.0.4 "announce route 10.$1.$i.0/24 next-hop 192.0.2.4 as-path [ 64500 64501 ]"
		echo "$i $(now)" >> "$tmp/$1.sent"
		sleep 0.2
		i=$((i + 1))
	done
}

# killed NAME DIR NET ARGS...: a collector on DIR (rotate 3600) gets N
# announcements from ExaBGP and is killed with SIGKILL right after the
# last; KILLT is when. ExaBGP stops too. 1 when the setup failed.
killed() {
	c=$1 d=$2 net=$3
	shift 3
	mkdir -p "$d"
	if ! start_col "$c" --peer 127.0.0.4,65004 --archive "$d" --rotate 3600 "$@"; then
		nok "$c-start" "the collector did not start" "$tmp/$c.err"
		return 1
	fi
	start_exa 127.0.0.4 65004
	if ! wait_for "$tmp/$c.err" 'peer 127.0.0.4 AS65004: established' 15; then
		nok "$c-established" "ExaBGP did not reach Established" "$tmp/$c.err"
		kill -9 "$COL" "$EXA" 2>/dev/null
		return 1
	fi
	announce "$net"
	kill -9 "$COL"
	KILLT=$(now)
	wait "$COL" 2>/dev/null
	kill "$EXA" 2>/dev/null
	wait "$EXA" 2>/dev/null
	return 0
}

# recovered NAME DIR NET EXT ARGS...: the collector started again on DIR
# finishes the journal; the checks
recovered() {
	c=$1 d=$2 net=$3 ext=$4
	shift 4
	ls -a "$d" > "$tmp/$c.before"
	check "$c-journal-after-kill" "grep -q '^\\.updates\\.[0-9.]*\\.part\$' $tmp/$c.before" \
		"no journal in the archive after kill -9: $(tr '\n' ' ' < $tmp/$c.before)"
	if ! start_col "$c-2" --archive "$d" --rotate 3600 "$@"; then
		nok "$c-restart" "the collector did not start again" "$tmp/$c-2.err"
		return
	fi
	check "$c-recovery-logged" "wait_for $tmp/$c-2.err 'archive: .*updates\\.[0-9.]*$ext recovered from .*\\.part.* records' 10" \
		"no word of the recovery" "$tmp/$c-2.err"
	stop_col
	check "$c-restart-clean-exit" "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/$c-2.err"
	files=$(ls "$d" | grep -c "^updates\\.[0-9]\\{8\\}\\.[0-9]\\{4\\}$ext\$")
	check "$c-finished-file" "[ $files -ge 1 ] && [ $files -le 2 ]" "updates files: $(ls -a $d | tr '\n' ' ')"
	check "$c-no-hidden-file-left" "[ -z \"\$(ls -A $d | grep '^\\.')\" ]" "left: $(ls -A $d | tr '\n' ' ')"
	"$RW" dump "$d"/updates.* > "$tmp/$c.dump" 2> "$tmp/$c.dump.err"
	rc=$?
	cat "$d"/updates.* | bgpdump -m - > "$tmp/$c.bgpdump" 2>/dev/null
	check "$c-dump-reads-it" "[ $rc -eq 0 ] && [ ! -s $tmp/$c.dump.err ] && [ -s $tmp/$c.dump ]" \
		"routewatch dump: status $rc, $(head -c 300 $tmp/$c.dump.err)"
	check "$c-bgpdump-reads-it" "[ -s $tmp/$c.bgpdump ] && [ \$(wc -l < $tmp/$c.bgpdump) -eq \$(wc -l < $tmp/$c.dump) ]" \
		"bgpdump -m $(wc -l < $tmp/$c.bgpdump) lines, routewatch dump $(wc -l < $tmp/$c.dump)"
	# announcement I is in the file when an A line has 10.NET.I.0/24
	got=$(grep -c "|A|127.0.0.4|65004|10\\.$net\\." "$tmp/$c.bgpdump")
	# each announcement's delay from command to collector: the record's
	# time in microseconds (routewatch dump --json) less the command's
	"$RW" dump --json "$d"/updates.* 2>/dev/null | jq -r 'select(.type=="announce") | [.prefix, .timestamp + (.usec // 0) / 1e6] | @tsv' \
		> "$tmp/$c.times" 2>/dev/null
	# the UPDATEs sent more than 1 s before the kill (a command taking at
	# most the largest delay seen to reach the collector), and those missing
	awk -v k="$KILLT" -v net="$net" -v times="$tmp/$c.times" -v bgpd="$tmp/$c.bgpdump" '
		BEGIN {
			while ((getline l < bgpd) > 0) { split(l, f, "|"); if (f[3] == "A") have[f[6]] = 1 }
			while ((getline l < times) > 0) { split(l, f, "\t"); at[f[1]] = f[2] }
		}
		{ sent[$1] = $2; p = "10." net "." $1 ".0/24"; if (p in at && at[p] - $2 > lat) lat = at[p] - $2 }
		END {
			due = 0; miss = 0; first = 0
			for (i in sent) {
				p = "10." net "." i ".0/24"
				if (sent[i] + lat < k - 1) { due++; if (!(p in have)) miss++ }
				if (!(p in have) && (first == 0 || sent[i] < first)) first = sent[i]
			}
			loss = first ? k - first - lat : 0
			printf "%d %d %.3f %.3f\n", due, miss, lat, loss < 0 ? 0 : loss
		}' "$tmp/$net.sent" > "$tmp/$c.due"
	read due miss lat loss < "$tmp/$c.due"
	echo "# $c: $N announced, $got in the file, $due sent more than 1 s before the kill, $miss of them missing;" \
		"largest delay to the collector ${lat} s; loss window ${loss} s before the kill"
	check "$c-every-update-before-the-last-second" "[ $due -gt 0 ] && [ $miss -eq 0 ]" \
		"$miss of the $due UPDATEs sent more than 1 s before the kill are missing ($got of $N in the file)"
}

# ---------------------------------------------------------------- plain
if killed plain "$tmp/arch-p" 71; then
	# a torn last record, as a kill in the middle of a write leaves it: a
	# header and part of its body (the first 20 bytes of the journal: a
	# record's 12-byte header and 8 of its 28 or more)
	j=$(ls -A "$tmp/arch-p" | grep '^\.updates\..*\.part$' | head -1)
	[ -n "$j" ] && head -c 20 "$tmp/arch-p/$j" >> "$tmp/arch-p/$j"
	# a copy for the case of a period whose file exists already
	mkdir -p "$tmp/arch-x"
	[ -n "$j" ] && cp "$tmp/arch-p/$j" "$tmp/arch-x/$j"
	recovered plain "$tmp/arch-p" 71 ""
	check "plain-torn-record-cut" "grep -q 'recovered from .* 20 bytes of a torn last record cut' $tmp/plain-2.err" \
		"the 20 bytes of a torn record were not said to be cut" "$tmp/plain-2.err"
fi

# ---------------------------------------------------------------- a restart within the period
# The collector started again on the archive within the period: the
# period's file, when it is written again, holds the records from before
# the restart too (it is replaced by more, never by the new ones alone).
if [ -s "$tmp/plain.bgpdump" ]; then
	before=$(grep -c '|A|127.0.0.4|65004|10\.71\.' "$tmp/plain.bgpdump")
	if start_col again --peer 127.0.0.4,65004 --archive "$tmp/arch-p" --rotate 3600; then
		start_exa 127.0.0.4 65004
		if wait_for "$tmp/again.err" 'peer 127.0.0.4 AS65004: established' 15; then
			for k in 1 2 3; do
				exa 127.0.0.4 "announce route 10.73.$k.0/24 next-hop 192.0.2.4 as-path [ 64500 64501 ]"
			done
			sleep 2.5
		fi
		stop_col
		kill "$EXA" 2>/dev/null
		wait "$EXA" 2>/dev/null
		check again-clean-exit "[ $COLRC -eq 0 ]" "collect exited with $COLRC" "$tmp/again.err"
		cat "$tmp"/arch-p/updates.* | bgpdump -m - > "$tmp/again.bgpdump" 2>/dev/null
		old=$(grep -c '|A|127.0.0.4|65004|10\.71\.' "$tmp/again.bgpdump")
		new=$(grep -c '|A|127.0.0.4|65004|10\.73\.' "$tmp/again.bgpdump")
		check again-keeps-the-records-before "[ $old -eq $before ] && [ $new -eq 3 ]" \
			"$old of the $before announcements from before the restart and $new of 3 from after it are in the archive"
		check again-no-hidden-file-left "[ -z \"\$(ls -A $tmp/arch-p | grep '^\\.')\" ]" \
			"left: $(ls -A $tmp/arch-p | tr '\n' ' ')"
	else
		nok again-start "the collector did not start" "$tmp/again.err"
	fi
fi

# ---------------------------------------------------------------- the file exists already
f=$(ls "$tmp/arch-p" 2>/dev/null | grep '^updates\.' | head -1)
if [ -n "$f" ] && [ -n "$(ls -A "$tmp/arch-x")" ]; then
	echo "not this run's" > "$tmp/arch-x/$f"
	if start_col exists --archive "$tmp/arch-x" --rotate 3600; then
		check "exists-said-loudly" "wait_for $tmp/exists.err 'error: archive: .*$f exists already.*kept' 10" \
			"no error about the existing file" "$tmp/exists.err"
		stop_col
		check "exists-file-untouched" "[ \"\$(cat $tmp/arch-x/$f)\" = \"not this run's\" ]" "the existing file was overwritten"
		check "exists-journal-kept" "ls -A $tmp/arch-x | grep -q '^\\.updates\\..*\\.part\\.kept-[0-9]*\$' && ! ls -A $tmp/arch-x | grep -q '\\.part\$'" \
			"files: $(ls -A $tmp/arch-x | tr '\n' ' ')"
	else
		nok "exists-start" "the collector did not start" "$tmp/exists.err"
	fi
else
	nok "exists-setup" "no journal to copy from the plain case"
fi

# ---------------------------------------------------------------- gzip
if killed gz "$tmp/arch-g" 72 --compress gz; then
	recovered gz "$tmp/arch-g" 72 "\\.gz" --compress gz
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
