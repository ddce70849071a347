#!/bin/sh
# CI check of the showcase's docs pages in headless Chromium, as a reader
# sees them (e2e/pages.mjs): offline, they say what failed and how to
# serve the assets (-docs-assets); with the assets, Swagger UI shows real
# error examples (no "status": 100) and ReDoc no field typed any that has
# a Go type. Screenshots go to $PAGES_SHOTS (default: a temporary
# directory, removed).
#
# Needs: Go, Node.js 20+, `npm ci` run in e2e/, and Chromium.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
shots=${PAGES_SHOTS:-$out}
mkdir -p "$shots"
go build -o "$out/showcase" ./examples/showcase
node e2e/pages.mjs "$out/showcase" "$shots"
echo "pages e2e: all checks passed (screenshots: $shots)"
