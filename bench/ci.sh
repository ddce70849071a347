# bench/ci.sh, sourced by CI (bash, set -euo pipefail) before the module's
# `go vet`, staticcheck and `go test -race ./...`.
#
# bench's tests need no service and no Debian package: they serve every
# implementation in-process with httptest, or on 127.0.0.1:0 listeners
# they open and close themselves. So this script installs nothing, starts
# nothing and exports nothing; it exists so that CI can treat every nested
# module alike. The timed runs (bench/run: go test -bench, bench/callgrind,
# wrk, FastAPI under uvicorn) are not part of CI: they take minutes;
# bench/run installs what it needs from Debian itself when run as root.
:
