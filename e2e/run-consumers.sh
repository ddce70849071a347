#!/bin/sh
# CI checks of the showcase's OpenAPI document by the tools real clients
# use: Spectral on every example's document (spectral:oas, no error and no warning but the rules
# e2e/.spectral.yaml switches off with a reason), openapi-typescript with a
# typed openapi-fetch client under tsc --strict, run against the live
# server, oapi-codegen's Go client (generated, built, run: a float64 and an
# int64 round-trip exactly), and ogen (3.0 rendering, generated and built).
# Exits non-zero on any failure.
#
# Needs: Go, Node.js 20+ and `npm ci` run in e2e/. The Go tools are run at
# pinned versions with go run, their runtime modules pinned with go get.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
OAPI_CODEGEN=github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
OAPI_RUNTIME=github.com/oapi-codegen/runtime@v1.9.0
OGEN=github.com/ogen-go/ogen/cmd/ogen@v1.24.0
OGEN_RUNTIME=github.com/ogen-go/ogen@v1.24.0

out=$(mktemp -d)
pid=
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT
. "$root/e2e/lib.sh"
step() { printf '\n-- %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
start=$(date +%s)

step "showcase: build, start on a free loopback port"
go build -o "$out/showcase" ./examples/showcase
"$out/showcase" -addr 127.0.0.1:0 >"$out/showcase.out" 2>"$out/showcase.log" &
pid=$!
base=$(wait_url "$out/showcase.out" '^listening on ' "$pid" showcase)
fetch "$base/openapi.json" "$out/showcase.json"
fetch "$base/openapi-3.0.json" "$out/showcase-3.0.json"

step "Spectral (spectral:oas): the showcase"
(cd e2e && npx --no-install spectral lint --quiet --fail-severity=warn -r .spectral.yaml "$out/showcase.json")

step "Spectral (spectral:oas): the other examples' documents"
for name in greetings usermeta fullstack; do
	go build -o "$out/$name" "./examples/$name"
	"$out/$name" -addr 127.0.0.1:0 >"$out/$name.out" 2>"$out/$name.log" &
	epid=$!
	url=$(wait_url "$out/$name.out" '^listening on ' "$epid" "$name")
	fetch "$url/openapi.json" "$out/$name.json"
	kill "$epid"
	wait "$epid" 2>/dev/null || true
	echo "$name"
	(cd e2e && npx --no-install spectral lint --quiet --fail-severity=warn -r .spectral.yaml "$out/$name.json")
done

step "openapi-typescript, tsc --strict on the typed client, run against the server"
(cd e2e && npx --no-install openapi-typescript "$out/showcase.json" --redocly consumers/redocly.yaml -o consumers/schema.d.ts >/dev/null)
(cd e2e && npx --no-install tsc -p consumers/tsconfig.json --outDir "$out/ts")
echo '{"type":"module"}' >"$out/ts/package.json"
ln -s "$root/e2e/node_modules" "$out/node_modules"
wsflag=
node -e 'typeof WebSocket === "function" || process.exit(1)' || wsflag=--experimental-websocket
node $wsflag "$out/ts/client.js" "$base"

step "oapi-codegen: generate, build and run a Go client"
mkdir -p "$out/oapi/client"
sed "/^\/\/go:build ignore$/d" e2e/consumers/oapi/main.go >"$out/oapi/main.go"
(
	cd "$out/oapi"
	go run "$OAPI_CODEGEN" -config "$root/e2e/consumers/oapi/config.yaml" "$out/showcase.json"
	printf 'module oapiclient\n\ngo 1.24\n' >go.mod
	go get "$OAPI_RUNTIME" >/dev/null 2>&1
	go mod tidy >/dev/null 2>&1
	go build -o client.bin .
	./client.bin "$base"
)

step "ogen: generate from the 3.0 rendering and build"
mkdir -p "$out/ogen"
(
	cd "$out/ogen"
	# ogen 1.24 generates neither server-sent events (it emits code that
	# does not build) nor application/jsonl bodies: give it the document
	# without the stream operations (GET /items/changes, /items/export).
	node -e '
		const fs = require("fs");
		const doc = JSON.parse(fs.readFileSync(process.argv[1]));
		const stream = (op) => Object.values(op.responses || {}).some((r) =>
			Object.keys(r.content || {}).some((t) => t === "text/event-stream" || t === "application/jsonl"));
		for (const [path, item] of Object.entries(doc.paths)) {
			for (const [method, op] of Object.entries(item)) if (stream(op)) delete item[method];
			if (Object.keys(item).length === 0) delete doc.paths[path];
		}
		fs.writeFileSync(process.argv[2], JSON.stringify(doc));
	' "$out/showcase-3.0.json" "$out/showcase-3.0-ogen.json"
	go run "$OGEN" --target api --package api --clean "$out/showcase-3.0-ogen.json" >ogen.log 2>&1 || { cat ogen.log; exit 1; }
	printf 'module ogenclient\n\ngo 1.24\n' >go.mod
	go get "$OGEN_RUNTIME" >/dev/null 2>&1
	go mod tidy >/dev/null 2>&1
	go build ./...
)
step "consumers e2e: all checks passed"
