#!/bin/sh
# CI checks of the docs package: generate the zoo's OpenAPI document, lint
# it with Redocly, validate it with swagger-parser, and check the Swagger UI
# and ReDoc pages in headless Chromium. Exits non-zero on any failure.
#
# Needs: Go, Node.js 20+, `npm ci` run in e2e/, and Chromium
# (Debian: apt-get install -y chromium; or set CHROMIUM to its path).
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

go run ./docs/internal/docsserver -write "$out/zoo.json"
(cd e2e && npx --no-install redocly lint --config .redocly.yaml "$out/zoo.json")
node e2e/validate.mjs "$out/zoo.json"
node e2e/docs.mjs "$out/zoo.json"
echo "docs e2e: all checks passed"
