#!/bin/sh
# CI check of the showcase's OpenAPI document by Prism's validation proxy
# (@stoplight/prism-cli): the showcase is built and started on a free
# loopback port, Prism is started in front of it (`prism proxy`, without
# --errors so that invalid requests reach the server too), and
# e2e/prism.mjs sends its battery of valid and invalid requests through it:
# no answer may break the document. Exits non-zero on any failure.
#
# Needs: Go, Node.js 20+ and `npm ci` run in e2e/.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
out=$(mktemp -d)
pids=""
cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	rm -rf "$out"
}
trap cleanup EXIT

. "$root/e2e/lib.sh"

go build -o "$out/showcase" ./examples/showcase
api_key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
SHOWCASE_API_KEY=$api_key "$out/showcase" -addr 127.0.0.1:0 >"$out/showcase.out" 2>"$out/showcase.log" &
pid=$!
pids="$pids $pid"
base=$(wait_url "$out/showcase.out" '^listening on ' "$pid" showcase)
fetch "$base/openapi.json" "$out/showcase.json"

# Prism has no port 0: take a free one from a random start.
port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
while node -e 'require("net").connect(+process.argv[1], "127.0.0.1").on("connect", () => process.exit(0)).on("error", () => process.exit(1))' "$port"; do
	port=$((port + 1))
done
node "$root/e2e/node_modules/@stoplight/prism-cli/dist/index.js" proxy "$out/showcase.json" "$base" \
	-h 127.0.0.1 -p "$port" >"$out/prism.out" 2>&1 &
pid=$!
pids="$pids $pid"
prism=$(wait_url "$out/prism.out" 'Prism is listening on ' "$pid" prism)

status=0
SHOWCASE_API_KEY=$api_key node e2e/prism.mjs "$prism" || status=$?
if [ "$status" -ne 0 ]; then
	echo "Prism's log, violations:" >&2
	grep -i 'violation' "$out/prism.out" | tail -n 40 >&2 || true
	exit "$status"
fi
echo "prism e2e: all checks passed"
