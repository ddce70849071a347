// Package bench compares stdapi with hand-written net/http, huma v2 (on
// the standard library's ServeMux), gin and echo on the same endpoints, and
// with the seed FastAPI application end to end. It is a nested module, so
// that none of these frameworks enters the main module's dependencies.
//
//	cd bench
//	go test ./...                        # every implementation answers alike (quick; CI)
//	go test -run '^$' -bench . -benchmem # scenarios 1-5
//	./run                                # everything, wrk included; writes RESULTS.md
//
// # Endpoints
//
// Every implementation (see Implementations) serves the same endpoints,
// written the way a user of that framework writes them:
//
//	GET  /greetings/{lang}     {"lang":"en","text":"Hello"}; 404 for an unknown language
//	POST /items/{id}?limit=5   path id >= 1, query limit 1-100 (default 10), header X-Token
//	                           required, JSON body ItemBody; 201 with the Item, or 422 listing
//	                           every error (stdapi and net/http: the problem body; huma: its
//	                           own; gin and echo: {"errors":[{"loc":"body.name","rule":"min"}]})
//	GET  /users/me             stdapi and net/http only: a bearer HS256 JWT with scope "me";
//	                           401 without or with a bad token, 403 without the scope
//
// TestIdenticalResponses checks that all of them answer the benchmark's
// requests, and the bad inputs around them, alike: the same status, the
// same JSON on success and the same failing fields on a 422. The few
// answers that differ (huma's 400 for malformed or empty JSON; gin's and
// echo's 422 for a text/plain body, which the others refuse with 415) are
// listed in TestRejectsMalformedInput.
//
// # Scenarios
//
//  1. BenchmarkGreeting: GET /greetings/en.
//  2. BenchmarkCreateItem: POST /items/42?limit=5, valid.
//  3. BenchmarkCreateItemInvalid: the same with three errors in the body, 422.
//  4. BenchmarkValidate: stdapi's validate against go-playground/validator
//     v10 on a simple and a complex struct, valid and invalid.
//  5. BenchmarkProtected: GET /users/me, stdapi's security against
//     golang-jwt used by hand.
//  6. bench/run: each implementation's server (cmd/stdapi, cmd/nethttp,
//     cmd/huma, cmd/gin, cmd/echo; flag -addr, default 127.0.0.1:8000)
//     driven by wrk on loopback, and fastapi/app.py under uvicorn.
//
// Benchmarks make a fresh request and recorder per iteration and report
// allocations and cpu-ns/op, the process's CPU time per operation, which
// varies less than elapsed time on a shared machine.
//
// # bench/run
//
// The script needs go, wrk, curl and Debian's python3-fastapi and
// python3-uvicorn (run as root, it installs the missing packages). Its
// environment knobs, with their defaults: COUNT=6 runs of each Go
// benchmark, BENCHTIME=300ms each, DURATION=5s of wrk per server with
// THREADS=2 and CONNECTIONS=50, OUT=RESULTS.md ("-" prints only). It
// prints one markdown table (medians of the runs, with ratios to
// hand-written net/http), checks the goals of the issue, and writes both
// to OUT with the machine, the date and the load average.
package bench
