#!/bin/sh
# CI checks of the example programs (and of package stream's server-sent
# events in a browser, e2e/stream.mjs): build them, start each on a free
# loopback port, run e2e/examples.mjs against them (HTTP checks and
# headless Chromium), then stop them with SIGTERM and check that they shut
# down cleanly. Exits non-zero on any failure.
#
# Needs: Go, Node.js 20+, `npm ci` run in e2e/ (the showcase serves Swagger
# UI and ReDoc from e2e/node_modules), and Chromium (Debian: apt-get
# install -y chromium; or set CHROMIUM to its path).
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
pids=""
cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$out"
}
trap cleanup EXIT
. e2e/lib.sh

for name in greetings webapp usermeta showcase fullstack; do
	go build -o "$out/$name" "./examples/$name"
done
go build -o "$out/reconnect" ./stream/internal/reconnect

# start NAME [ARGS...]: runs the program on port 0, waits for its
# "listening on URL" line and sets NAME_url and NAME_pid.
start() {
	name=$1
	shift
	"$out/$name" -addr 127.0.0.1:0 "$@" >"$out/$name.out" 2>"$out/$name.log" &
	pid=$!
	pids="$pids $pid"
	url=$(wait_url "$out/$name.out" '^listening on ' "$pid" "$name")
	eval "${name}_url=\$url"
	eval "${name}_pid=$pid"
}

# stop NAME: sends SIGTERM and checks that the program exits with status 0
# after a graceful shutdown.
stop() {
	eval "pid=\$${1}_pid"
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	if [ "$status" -ne 0 ] || ! grep -q 'msg=stopped' "$out/$1.log"; then
		echo "$1 did not shut down cleanly (exit status $status):" >&2
		tail -n 20 "$out/$1.log" >&2
		exit 1
	fi
	echo "$1: clean shutdown on SIGTERM"
}

api_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
start greetings
start webapp
start usermeta
SHOWCASE_API_KEY=$api_key start showcase -docs-assets e2e/node_modules
start fullstack -docs-assets e2e/node_modules

GREETINGS_URL=$greetings_url WEBAPP_URL=$webapp_url USERMETA_URL=$usermeta_url \
	SHOWCASE_URL=$showcase_url SHOWCASE_API_KEY=$api_key FULLSTACK_URL=$fullstack_url node e2e/examples.mjs

# Server-sent events in a real browser: typed events and reconnection with
# Last-Event-ID (stream/internal/reconnect ends its stream every two events).
start reconnect
RECONNECT_URL=$reconnect_url node e2e/stream.mjs
kill "$reconnect_pid"
wait "$reconnect_pid" 2>/dev/null || true

for name in greetings webapp usermeta showcase fullstack; do
	stop "$name"
done
pids=""
echo "examples e2e: all checks passed"
