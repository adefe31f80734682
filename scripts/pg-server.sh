#!/bin/sh
# A private PostgreSQL server for the tests: its own cluster in DIR,
# listening only on a Unix socket in DIR (no TCP port, nothing shared with
# a system cluster), trust authentication for the user running the tests.
#
#   scripts/pg-server.sh start DIR   prints the URI to use as --db
#   scripts/pg-server.sh stop DIR
#
# Uses Debian's postgresql package (/usr/lib/postgresql/N/bin). As root the
# server runs as the postgres user (PostgreSQL refuses root) and a role
# named root is created.
set -eu
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "pg-server: PostgreSQL is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
me=$(id -un)
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; exit 1; }
	fi
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c full_page_writes=off" \
		start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
	as_pg "$bin/psql" -h "$dir" -U postgres -d postgres -qAt -c "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1 ||
		as_pg "$bin/psql" -h "$dir" -U postgres -d postgres -q -c "CREATE ROLE \"$me\" LOGIN SUPERUSER"
	echo "postgresql:///postgres?host=$dir&user=$me"
	;;
stop)
	[ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
