# shellcheck shell=bash
# Sourced by .ci/run before the tests of ws/redis:
#
#	source ws/redis/ci.sh
#
# Installs redis-server (Debian) when it is missing or older than 6.2,
# starts a new one on 127.0.0.1 with a new data directory, waits until it
# answers, and exports REDIS_ADDR. The port is WSREDIS_PORT when set, else
# the first free one from a random start in 20000-39999, so that two runs
# on one machine do not meet. It never adopts a server it did not start:
# sourced again in the same shell, it reuses only its own server, if that
# one still answers. wsredis_stop stops it and removes its directory;
# .ci/run calls it from its EXIT trap, also on failure. Safe under
# `set -euo pipefail`.

wsredis_dir=${wsredis_dir:-}
wsredis_port=${wsredis_port:-}

wsredis_stop() {
	if [ -n "$wsredis_port" ]; then
		redis-cli -h 127.0.0.1 -p "$wsredis_port" shutdown nosave >/dev/null 2>&1 || true
	fi
	if [ -n "$wsredis_dir" ] && [ -f "$wsredis_dir/redis.pid" ]; then
		kill "$(cat "$wsredis_dir/redis.pid")" 2>/dev/null || true
	fi
	if [ -n "$wsredis_dir" ] && [ -d "$wsredis_dir" ]; then
		rm -rf -- "$wsredis_dir"
	fi
	wsredis_dir="" wsredis_port=""
}

# wsredis_version_ok: redis-server is installed and at least 6.2.
wsredis_version_ok() {
	command -v redis-server >/dev/null && command -v redis-cli >/dev/null || return 1
	local v
	v=$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')
	[ -n "$v" ] && [ "$(printf '%s\n6.2\n' "$v" | sort -V | head -n1)" = 6.2 ]
}

wsredis_free_port() {
	local port=$((20000 + RANDOM % 20000))
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		port=$((port + 1))
	done
	echo "$port"
}

wsredis_start() {
	if ! wsredis_version_ok; then
		apt-get -o DPkg::Lock::Timeout=300 update -qq
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends redis-server >/dev/null
		wsredis_version_ok || {
			echo "ws/redis: redis-server $(redis-server --version) is older than 6.2" >&2
			return 1
		}
	fi
	if [ -n "$wsredis_port" ] && [ "$(redis-cli -h 127.0.0.1 -p "$wsredis_port" ping 2>/dev/null || true)" = PONG ]; then
		export REDIS_ADDR="127.0.0.1:$wsredis_port"
		return 0
	fi
	wsredis_stop

	wsredis_port=${WSREDIS_PORT:-$(wsredis_free_port)}
	wsredis_dir=$(mktemp -d "${TMPDIR:-/tmp}/stdapi-ws-redis.XXXXXX")
	redis-server --bind 127.0.0.1 --port "$wsredis_port" --dir "$wsredis_dir" --save '' --appendonly no \
		--daemonize yes --pidfile "$wsredis_dir/redis.pid" --logfile "$wsredis_dir/redis.log"

	local i
	for i in $(seq 1 100); do
		if [ "$(redis-cli -h 127.0.0.1 -p "$wsredis_port" ping 2>/dev/null || true)" = PONG ]; then
			export REDIS_ADDR="127.0.0.1:$wsredis_port"
			echo "ws/redis: redis-server $(redis-server --version | awk '{print $3}') on $REDIS_ADDR (data in $wsredis_dir)"
			return 0
		fi
		sleep 0.1
	done
	echo "ws/redis: redis-server did not start on port $wsredis_port; its log:" >&2
	cat "$wsredis_dir/redis.log" >&2 || true
	return 1
}

wsredis_start
