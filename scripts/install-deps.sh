#!/bin/sh
# Install the Debian packages routewatch needs to build, test and fuzz.
# Installs only what is missing; runs apt-get update only then.
set -eu
PKGS="gcc make meson ninja-build pkg-config
zlib1g-dev libbz2-dev liblzma-dev libzstd-dev libjson-c-dev
libsqlite3-dev libpq-dev libevent-dev libcurl4-openssl-dev
clang libclang-rt-dev
bgpdump gzip bzip2 xz-utils zstd time jq
sqlite3 postgresql chromium fonts-dejavu-core python3-pil
exabgp bird2 frr gobgpd"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
