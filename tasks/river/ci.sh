# ci.sh: sourced by CI (bash) before the tests of the tasks/river module.
#
#	source tasks/river/ci.sh && (cd tasks/river && go test -race ./...)
#
# It installs PostgreSQL (Debian package "postgresql") when it is missing,
# starts a throwaway server on 127.0.0.1 with its data directory under a
# temporary directory, waits until it accepts connections, creates the
# database stdapi_river and exports DATABASE_URL. It is idempotent: when the
# server it would start already answers on the port, it only exports
# DATABASE_URL. The port is STDAPI_RIVER_PGPORT, 54329 by default. Stop the
# server with: pg_ctl -D "$STDAPI_RIVER_PGDATA" stop (as the postgres user
# when run as root). Safe under set -euo pipefail; it never exits the shell.
#
# The server is fast and not durable (fsync, synchronous_commit and
# full_page_writes off): a crash of it may lose commits it acknowledged,
# which the ordinary tests never cause. The durability test
# (TestPostgresCrashLosesNothingAcknowledged) starts and crashes a server of
# its own, with the durable settings, on a fresh port and a temporary data
# directory (internal/testdb.StartServer); ci.sh exports
# STDAPI_RIVER_PGBIN, the directory of initdb and pg_ctl, for it.

stdapi_river_ci() {
	local port="${STDAPI_RIVER_PGPORT:-54329}"
	local bindir dir
	bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
		apt-get update -qq || return 1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql || return 1
		bindir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
	fi
	export STDAPI_RIVER_PGBIN="$bindir"
	# Run the server as the postgres user when we are root: initdb refuses root.
	local as=()
	if [ "$(id -u)" = 0 ]; then
		as=(runuser -u postgres --)
	fi
	export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/stdapi_river?sslmode=disable"
	if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
		local psql=("$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -tA)
		if [ "$("${psql[@]}" -c "SELECT count(*) FROM pg_database WHERE datname = 'stdapi_river'")" != 1 ]; then
			"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres stdapi_river || return 1
		fi
		STDAPI_RIVER_PGDATA=$("${psql[@]}" -c "SHOW data_directory") || return 1
		export STDAPI_RIVER_PGDATA
		echo "tasks/river: PostgreSQL already running on 127.0.0.1:$port"
		return 0
	fi
	# Under /tmp when root: the postgres user must reach the directory.
	local parent="${TMPDIR:-/tmp}"
	if [ "${#as[@]}" -gt 0 ]; then
		parent=/tmp
	fi
	dir=$(mktemp -d "$parent/stdapi-river-pg.XXXXXX") || return 1
	chmod 755 "$dir"
	if [ "${#as[@]}" -gt 0 ]; then
		chown postgres: "$dir" || return 1
	fi
	"${as[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log"
		return 1
	}
	"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || {
		cat "$dir/server.log"
		return 1
	}
	"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres stdapi_river || return 1
	export STDAPI_RIVER_PGDATA="$dir/data"
	echo "tasks/river: PostgreSQL started on 127.0.0.1:$port (data in $dir/data)"
}

stdapi_river_ci
