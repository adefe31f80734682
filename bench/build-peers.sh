#!/usr/bin/env bash
# Build the peer tools the benchmark compares routewatch against.
#
#   bench/build-peers.sh [BGPSCANNER_SRC]
#
# * bgpdump: Debian's package (apt-get install bgpdump when missing and root).
# * bgpscanner (Isolario): built from source with meson, OUTSIDE the repo, in
#   $PEERS_DIR (default /tmp/rw-peers). The source is taken from, in order:
#     1. the argument BGPSCANNER_SRC, or $BGPSCANNER_SRC: a bgpscanner source
#        tree (a checkout, or a bare git dir, whose HEAD is checked out);
#     2. a mirror of the public repository under $MIRROR_ROOT (default
#        /work/.mirror), e.g. /work/.mirror/rfperuch+bgpscanner/repo;
#     3. a git clone of $BGPSCANNER_URL (only if set; no network is assumed).
#   bgpscanner needs the isocore library (a meson subproject). It is taken
#   from <src>/subprojects/isocore if present, else $ISOCORE_SRC, else a mirror
#   (…+isocore/repo) under $MIRROR_ROOT, else an installed isocore (pkg-config),
#   else meson's wrap download (gitlab.com, needs network).
#
# On success the binary is at $PEERS_DIR/bin/bgpscanner and the last line of
# output is "bgpscanner: OK <path>". On failure it prints
# "bgpscanner: NOT BUILT: <reason>", writes the reason to
# $PEERS_DIR/bgpscanner.status and exits 1; bench/run.sh then reports
# bgpscanner as missing.
set -u -o pipefail

PEERS_DIR=${PEERS_DIR:-/tmp/rw-peers}
MIRROR_ROOT=${MIRROR_ROOT:-/work/.mirror}
SRC_ARG=${1:-${BGPSCANNER_SRC:-}}
REPO_ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Refuse to build inside the routewatch repository.
case "$(realpath -m "$PEERS_DIR")/" in
"$REPO_ROOT"/*) echo "PEERS_DIR=$PEERS_DIR is inside the repository; use a directory outside it" >&2; exit 1 ;;
esac
mkdir -p "$PEERS_DIR/bin" || exit 1
STATUS="$PEERS_DIR/bgpscanner.status"
LOG="$PEERS_DIR/bgpscanner-build.log"
: > "$LOG"

say() { printf '%s\n' "$*"; }
fail() {
	say "bgpscanner: NOT BUILT: $*" | tee "$STATUS" >&2
	say "  (build log: $LOG)" >&2
	rm -f "$PEERS_DIR/bin/bgpscanner"
	exit 1
}
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
	can_apt || return 1
	say "installing $* with apt-get"
	apt-get install -y "$@" >>"$LOG" 2>&1 ||
		{ apt-get update >>"$LOG" 2>&1 && apt-get install -y "$@" >>"$LOG" 2>&1; }
}


# --- bgpdump ---------------------------------------------------------------
if command -v bgpdump >/dev/null; then
	say "bgpdump: OK $(command -v bgpdump) ($(dpkg-query -W -f='${Version}' bgpdump 2>/dev/null || echo '?'))"
elif apt_install bgpdump && command -v bgpdump >/dev/null; then
	say "bgpdump: OK $(command -v bgpdump) (installed now)"
else
	say "bgpdump: MISSING (apt-get install bgpdump)" >&2
fi

# --- bgpscanner: tools and libraries ----------------------------------------
for t in git meson ninja pkg-config cc; do
	command -v "$t" >/dev/null || apt_install "$( [ "$t" = cc ] && echo gcc || echo "$t" )" ||
		fail "'$t' not found"
done
missing=()
pkg-config --exists zlib    || missing+=(zlib1g-dev)
pkg-config --exists liblzma || missing+=(liblzma-dev)
pkg-config --exists liblz4  || missing+=(liblz4-dev)
[ -e /usr/include/bzlib.h ] || missing+=(libbz2-dev)
if [ ${#missing[@]} -gt 0 ]; then
	apt_install "${missing[@]}" || fail "missing build dependencies: ${missing[*]} (apt-get install ${missing[*]})"
fi

# --- bgpscanner: source --------------------------------------------------
SRC="$PEERS_DIR/bgpscanner-src"
is_bare() { git --git-dir="$1" rev-parse --is-bare-repository >/dev/null 2>&1 && [ ! -e "$1/meson.build" ]; }
# checkout_git GITDIR DEST: a clean work tree of GITDIR's HEAD in DEST
checkout_git() {
	# git archive leaves the (possibly shared, read-only) git dir untouched
	rm -rf "$2" && mkdir -p "$2" &&
		git --git-dir="$1" archive --format=tar HEAD 2>>"$LOG" | tar -x -C "$2" 2>>"$LOG" &&
		say "  $(basename "$2"): $1 @ $(git --git-dir="$1" rev-parse --short HEAD)" | tee -a "$PEERS_DIR/bgpscanner.version.tmp"
}
find_mirror() { # name → first bare git dir under $MIRROR_ROOT whose name ends in +name
	local d
	for d in "$MIRROR_ROOT"/*+"$1"/repo "$MIRROR_ROOT"/*+"$1"; do
		[ -d "$d" ] && is_bare "$d" && { echo "$d"; return 0; }
	done
	return 1
}

rm -f "$PEERS_DIR/bgpscanner.version.tmp"
say "bgpscanner: preparing source in $SRC"
if [ -n "$SRC_ARG" ]; then
	[ -d "$SRC_ARG" ] || fail "source '$SRC_ARG' is not a directory"
	if [ -f "$SRC_ARG/meson.build" ]; then
		rm -rf "$SRC" && cp -a "$SRC_ARG" "$SRC" || fail "cannot copy $SRC_ARG"
		say "  bgpscanner-src: copy of $SRC_ARG" | tee -a "$PEERS_DIR/bgpscanner.version.tmp"
	elif is_bare "$SRC_ARG"; then
		checkout_git "$SRC_ARG" "$SRC" || fail "cannot check out $SRC_ARG"
	else
		fail "'$SRC_ARG' is neither a source tree (no meson.build) nor a git dir"
	fi
elif m=$(find_mirror bgpscanner); then
	checkout_git "$m" "$SRC" || fail "cannot check out mirror $m"
elif [ -n "${BGPSCANNER_URL:-}" ]; then
	rm -rf "$SRC" && git clone --depth 1 "$BGPSCANNER_URL" "$SRC" >>"$LOG" 2>&1 ||
		fail "git clone $BGPSCANNER_URL failed"
else
	fail "no bgpscanner source: pass a source tree or git dir as argument, set BGPSCANNER_SRC or BGPSCANNER_URL, or put a mirror under $MIRROR_ROOT (e.g. of github.com/rfperuch/bgpscanner)"
fi
grep -q "project('bgpscanner'" "$SRC/meson.build" 2>/dev/null || fail "$SRC/meson.build is not bgpscanner's"

# isocore subproject
ISO="$SRC/subprojects/isocore"
wrap_mode=nodownload
if [ -f "$ISO/meson.build" ]; then
	say "  isocore: already in the source tree"
elif [ -n "${ISOCORE_SRC:-}" ] && [ -f "$ISOCORE_SRC/meson.build" ]; then
	mkdir -p "$SRC/subprojects" && cp -a "$ISOCORE_SRC" "$ISO" || fail "cannot copy $ISOCORE_SRC"
	say "  isocore: copy of $ISOCORE_SRC" | tee -a "$PEERS_DIR/bgpscanner.version.tmp"
elif [ -n "${ISOCORE_SRC:-}" ] && is_bare "$ISOCORE_SRC"; then
	checkout_git "$ISOCORE_SRC" "$ISO" || fail "cannot check out $ISOCORE_SRC"
elif m=$(find_mirror isocore); then
	checkout_git "$m" "$ISO" || fail "cannot check out mirror $m"
elif pkg-config --exists isocore; then
	say "  isocore: installed ($(pkg-config --modversion isocore))"
else
	say "  isocore: not found locally; letting meson try its wrap (network: gitlab.com)"
	wrap_mode=default
fi

# --- bgpscanner: build ---------------------------------------------------
BUILD="$PEERS_DIR/bgpscanner-build"
rm -rf "$BUILD"
say "bgpscanner: meson setup + ninja in $BUILD (log: $LOG)"
if ! meson setup --buildtype=release --wrap-mode="$wrap_mode" "$BUILD" "$SRC" >>"$LOG" 2>&1; then
	tail -n 15 "$LOG" >&2
	fail "meson setup failed"
fi
if ! ninja -C "$BUILD" bgpscanner >>"$LOG" 2>&1; then
	tail -n 25 "$LOG" >&2
	fail "ninja failed"
fi
[ -x "$BUILD/bgpscanner" ] || fail "no binary at $BUILD/bgpscanner after the build"

# smoke test: must run and print its usage (it links libisocore.so from the build dir via rpath)
out=$("$BUILD/bgpscanner" -h 2>&1)
grep -qi usage <<<"$out" || fail "built binary does not run: $(head -n 2 <<<"$out")"
ln -sf "$BUILD/bgpscanner" "$PEERS_DIR/bin/bgpscanner"
{ grep -o "version : '[^']*'" "$SRC/meson.build" | head -n 1 | sed "s/version : /bgpscanner /"
  cat "$PEERS_DIR/bgpscanner.version.tmp" 2>/dev/null; } | sed 's/^ *//' > "$PEERS_DIR/bgpscanner.version"
rm -f "$PEERS_DIR/bgpscanner.version.tmp"
echo "OK $BUILD/bgpscanner" > "$STATUS"
say "bgpscanner: OK $PEERS_DIR/bin/bgpscanner"
