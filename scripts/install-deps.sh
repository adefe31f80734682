#!/bin/sh
# Install the Debian packages routewatch needs. Installs only what is
# missing; runs apt-get update only then.
#
# Usage: scripts/install-deps.sh build|test
#   build  what building (the binary and its man pages) and `make demo` need
#   test   build's, and what the test suite, the golden comparison and the
#          fuzzing need: the BGP speakers, bgpdump, PostgreSQL, the
#          sanitizers, the compressors' command-line tools, a browser for
#          the SVG check, groff for the man pages
set -eu
MODE=${1:-}
BUILD="gcc make meson ninja-build pkg-config help2man
zlib1g-dev libbz2-dev liblzma-dev libzstd-dev libjson-c-dev librtr-dev
libsqlite3-dev libpq-dev libevent-dev libcurl4-openssl-dev libyaml-dev
libwebsockets-dev"
TEST="clang libclang-rt-dev
bgpdump gzip bzip2 xz-utils zstd time jq curl groff-base
sqlite3 postgresql chromium fonts-dejavu-core python3-pil python3-jsonschema
exabgp bird2 frr gobgpd stayrtr"
case $MODE in
build) PKGS=$BUILD ;;
test) PKGS="$BUILD $TEST" ;;
*)
	echo "usage: $0 build|test" >&2
	exit 2
	;;
esac
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all $MODE packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
