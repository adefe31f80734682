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
