# Helpers the bench scripts share (sourced by bash scripts).
# median_secs N CMD...: the median wall time in seconds of N runs of CMD,
# its output discarded.
median_secs() {
	local n=$1 i t0 t1 v=()
	shift
	for ((i = 0; i < n; i++)); do
		t0=$EPOCHREALTIME
		"$@" > /dev/null 2>&1
		t1=$EPOCHREALTIME
		v+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')")
	done
	printf '%s\n' "${v[@]}" | sort -g | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'
}

# rib_and_updates S: the inputs of bench/security.sh and bench/countries.sh
# in $S/in/rv: bench/engine.sh's RIB (RIB_PREFIXES x RIB_PEERS, seed 7;
# made when missing; kept in $S for other sizes) and UPD_RECORDS synth
# update records over 15 minutes after it (made again when UPD_RECORDS
# changes). Sets RIB and UPD. Needs RW, BENCH_DIR and the three knobs.
rib_and_updates() {
	local s=$1
	mkdir -p "$s/in/rv"
	if [ "$RIB_PREFIXES" = 1200000 ] && [ "$RIB_PEERS" = 20 ]; then
		RIB=$BENCH_DIR/engine/rib/rv/rib.20240309.0800 # bench/engine.sh's
		mkdir -p "$(dirname "$RIB")"
	else
		RIB=$s/rib.20240309.0800
	fi
	if [ ! -s "$RIB" ]; then
		echo "generating the RIB: $RIB_PREFIXES prefixes x $RIB_PEERS peers" >&2
		"$RW" synth rib --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 -o "$RIB"
	fi
	ln -sf "$RIB" "$s/in/rv/rib.20240309.0800"
	UPD=$s/in/rv/updates.20240309.0800
	if [ ! -s "$UPD" ] || [ "$(cat "$s/upd.stamp" 2> /dev/null)" != "$UPD_RECORDS" ]; then
		"$RW" synth updates --records "$UPD_RECORDS" --prefixes "$RIB_PREFIXES" --peers "$RIB_PEERS" --seed 7 \
			--duration 900 -o "$UPD"
		echo "$UPD_RECORDS" > "$s/upd.stamp"
	fi
}
