# shellcheck shell=bash
# Sourced by .ci/run before the tests of ws/redis:
#
#	source ws/redis/ci.sh
#
# Installs redis-server (Debian) when missing, starts one on 127.0.0.1 with
# a throwaway data directory, waits until it answers, and exports REDIS_ADDR.
# Safe under `set -euo pipefail` and idempotent: sourced again, it reuses the
# server it started if that one still answers. wsredis_stop stops it and
# removes its directory.

wsredis_state="${TMPDIR:-/tmp}/stdapi-ws-redis.state"

wsredis_stop() {
	if [ -f "$wsredis_state" ]; then
		local dir port
		read -r dir port <"$wsredis_state" || true
		if [ -n "${port:-}" ]; then
			redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
		fi
		if [ -n "${dir:-}" ] && [ -d "$dir" ]; then
			rm -rf -- "$dir"
		fi
		rm -f -- "$wsredis_state"
	fi
}

wsredis_start() {
	if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
	fi

	local dir="" port=""
	if [ -f "$wsredis_state" ]; then
		read -r dir port <"$wsredis_state" || true
		if [ -n "$port" ] && [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = PONG ]; then
			export REDIS_ADDR="127.0.0.1:$port"
			return 0
		fi
		wsredis_stop
	fi

	# The first free port from 16379 on: a connection that fails means free.
	port=16379
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/stdapi-ws-redis.XXXXXX")
	printf '%s %s\n' "$dir" "$port" >"$wsredis_state"
	redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
		--daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"

	local i
	for i in $(seq 1 100); do
		if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null || true)" = PONG ]; then
			export REDIS_ADDR="127.0.0.1:$port"
			echo "ws/redis: redis-server $(redis-server --version | awk '{print $3}') on $REDIS_ADDR (data in $dir)"
			return 0
		fi
		sleep 0.1
	done
	echo "ws/redis: redis-server did not start on port $port; its log:" >&2
	cat "$dir/redis.log" >&2 || true
	return 1
}

wsredis_start
