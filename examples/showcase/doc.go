// Command showcase is one realistic service built from every stdapi
// package: items CRUD with binding and validation, an OAuth2 password flow
// issuing JWTs, API-key and HTTP Basic routes, a background task, a queued
// job, a WebSocket chat with its page, a per-request database session, and
// the OpenAPI document with Swagger UI and ReDoc. Everything is in memory,
// the job queue included. The service is package
// github.com/stdapi/stdapi/examples/showcase/app, which lists its routes.
//
//	go run ./examples/showcase
//	open http://127.0.0.1:8000/docs   (Authorize as alice / wonderland)
//	open http://127.0.0.1:8000/chat   (in two tabs)
//
// The same service with its job queue in PostgreSQL (River) is a command of
// the tasks/river module, which holds the Postgres dependencies that this
// module must not require:
//
//	cd tasks/river && go run ./cmd/showcase -database-url postgres://user@host/db
//
// Flags:
//
//	-addr          listen address (default 127.0.0.1:8000)
//	-docs-assets   a node_modules directory holding swagger-ui-dist and redoc,
//	               to serve the docs pages' scripts locally instead of from
//	               the CDN (default: the CDN)
//	-database-url  not supported here: the command exits with status 2 and
//	               tells to run tasks/river's showcase command instead
//	-jobs-file     a file where the shutdown saves the queued jobs it could
//	               not finish, one JSON job per line, and from which the next
//	               start re-enqueues them (default: none, each such job is
//	               logged at ERROR with its payload as dropped)
//	-debug-addr    a loopback address (127.0.0.1:6060) on which to serve
//	               /debug/vars (expvar: "http" request counts by status
//	               class, in flight and latency; "tasks" the job queue;
//	               "ws" the chat's rooms and members; memstats) and
//	               /debug/pprof/ (default: none; other addresses are
//	               refused)
//	-access-log    which requests are logged: sample (default: 5xx and
//	               slow requests at WARN, 4xx at INFO, 1 in 100 of the
//	               rest), all, errors, off
//	-slow-request  the duration past which a request is always logged
//	               (default 1s)
//	-read-header-timeout, -read-timeout, -write-timeout, -idle-timeout
//	               bounds on a connection: sending the headers (default
//	               5s), sending the whole request (30s), handling it and
//	               writing the response (30s), waiting idle for the next
//	               request (2m); the chat's WebSockets are not bounded
//
// Environment:
//
//	SHOWCASE_JWT_SECRET  HS256 secret of at least 32 bytes, so that tokens
//	                     survive a restart and are shared by instances
//	                     (default: a new ES256 key at every start)
//	SHOWCASE_API_KEY     the key of GET /stats, sent as X-API-Key (default:
//	                     a random key, printed once to stderr at
//	                     start-up; the log shows only its fingerprint)
//
// SIGINT or SIGTERM stops the server gracefully: WebSockets are closed
// with 1001, requests in flight finish, background tasks and queued jobs
// drain, within 15 seconds. The queue holds at most 10 seconds of work
// (POST /reports answers 503 with Retry-After beyond), so that what it
// accepted drains; the jobs that still do not finish are saved to
// -jobs-file, or logged.
package main
