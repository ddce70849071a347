// Package bench compares stdapi with the fastest hand-written net/http
// (Floor, the 1.00 of every table), idiomatic hand-written net/http
// (HandWritten), huma v2 (on the standard library's ServeMux), gin and echo
// on the same endpoints, and with FastAPI end to end. It is a nested
// module, so that none of these frameworks enters the main module's
// dependencies.
//
//	cd bench
//	go test ./...                        # every implementation answers alike (quick; CI)
//	go test -run '^$' -bench . -benchmem # scenarios 1-5, 7 and 8
//	./callgrind                          # instructions per op of each, GC off and on
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
//	GET  /users/me             floor, net/http and stdapi only: a bearer HS256 JWT with scope
//	                           "me"; 401 without or with a bad token, 403 without the scope
//	POST /users/me/items/{id}  floor, net/http and stdapi only: POST /items/{id} behind that JWT
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
//  6. bench/run: each implementation's server (cmd/floor, cmd/nethttp,
//     cmd/stdapi, cmd/huma, cmd/gin, cmd/echo; flag -addr, default
//     127.0.0.1:8000) driven by wrk on loopback with GET /greetings/en,
//     and fastapi/items.py under uvicorn with uvloop and httptools.
//  7. BenchmarkProtectedItem, and bench/run's wrk with post.lua: POST
//     /users/me/items/42, scenario 2 behind the bearer JWT.
//  8. BenchmarkBody: stdapi's bind + validate of a 64 KB and a 1 MB JSON
//     body (Catalog) against json.Unmarshal of the same bytes alone.
//
// Benchmarks make a fresh request and recorder per iteration and report
// allocations and cpu-ns/op, the process's CPU time per operation, which
// varies less than elapsed time on a shared machine. bench/callgrind
// counts instructions per operation, which does not vary at all: the
// figures bench/run checks the goals on.
//
// # bench/run
//
// The script needs go, valgrind, wrk, curl and Debian's python3-fastapi,
// python3-uvicorn, python3-uvloop, python3-httptools and python3-jwt (run
// as root, it installs the missing packages). Its environment knobs, with
// their defaults: COUNT=6 runs of each Go benchmark, BENCHTIME=300ms each,
// CALLGRIND=1 (0 skips the counts), DURATION=5s of wrk per server with
// THREADS=2 and CONNECTIONS=50, WORKERS="1 2 3" uvicorn workers in turn,
// OUT=RESULTS.md ("-" prints only). It prints markdown tables (medians of
// the runs and the counts, with ratios to the floor), checks the goals of
// issue 23, and writes both to OUT with the machine, the versions, the
// date and the load average.
package bench
