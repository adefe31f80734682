#!/bin/sh
# Install the Debian packages routewatch needs. Installs only what is
# missing; runs apt-get update only then.
#
# Usage: scripts/install-deps.sh build|test
#   build  what building (the binary and its man pages) and `make demo` need
#   test   build's, and what the test suite, the golden comparison and the
#          fuzzing need: the BGP speakers, bgpdump, PostgreSQL, the
#          sanitizers, the compressors' command-line tools, a browser for
#          the SVG check and the web pages' tests, node and npm (unless a
#          node is installed already) and, with npm ci, the web tests'
#          puppeteer-core (tests/web/package-lock.json), groff for the
#          man pages
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
# node: Debian's, unless one is installed already (a nodesource node
# conflicts with Debian's npm package and carries its own npm)
NODE=""
command -v node > /dev/null 2>&1 || NODE="nodejs"
command -v npm > /dev/null 2>&1 || NODE="$NODE npm"
case $MODE in
build) PKGS=$BUILD ;;
test) PKGS="$BUILD $TEST $NODE" ;;
*)
	echo "usage: $0 build|test" >&2
	exit 2
	;;
esac
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -z "$missing" ]; then
	echo "install-deps: all $MODE packages present"
else
	echo "install-deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# the web pages' tests (tests/web/pages.sh): puppeteer-core at the version
# of the lock file, again only when it is not there yet
if [ "$MODE" = test ]; then
	WEB=$(cd "$(dirname "$0")/../tests/web" && pwd)
	want=$(sed -n 's/.*"puppeteer-core": "\([0-9.]*\)".*/\1/p' "$WEB/package.json")
	have=$(sed -n 's/.*"version": "\([0-9.]*\)".*/\1/p' "$WEB/node_modules/puppeteer-core/package.json" 2> /dev/null | head -1)
	if [ "$want" != "$have" ]; then
		echo "install-deps: npm ci in tests/web (puppeteer-core $want)"
		(cd "$WEB" && npm ci --no-audit --no-fund --loglevel=error)
	fi
fi
