// Package app is the stdapi showcase service, one realistic application
// built from every stdapi package: items CRUD with binding and validation,
// an OAuth2 password flow issuing JWTs, API-key and HTTP Basic routes, a
// background task, a queued job, a WebSocket chat with its page, a live
// feed of item changes (server-sent events) with its page, a JSON Lines
// export, a
// per-request database session, and the OpenAPI document with Swagger UI
// and ReDoc. It is a package, not only a program, so that two commands
// serve it: examples/showcase with the in-memory job queue, and
// tasks/river/cmd/showcase (in the tasks/river module, which may depend on
// PostgreSQL) with the queue's jobs in PostgreSQL through River.
//
//	func main() {
//		var f app.Flags
//		f.Register(flag.CommandLine)
//		flag.Parse()
//		app.Main(func(ctx context.Context) error {
//			return app.Run(ctx, f.Addr, f.Config())
//		})
//	}
//
// Routes:
//
//	POST   /token                       OAuth2 password flow: a JWT for alice / wonderland
//	GET    /users/me                    the current user (bearer token, scope me)
//	GET    /items, /items/{id}          items (scope items:read), from a per-request DB session
//	POST   /items, PUT/DELETE /items/{id}  (scope items:write), validated: 422 on bad input
//	POST   /send-notification/{email}   a background task, run after the response
//	POST   /reports                     a queued job with retries (scope items:read)
//	GET    /outbox                      the newest 100 mails sent by both (HTTP Basic, alice / wonderland)
//	GET    /stats                       counters (API key in X-API-Key)
//	GET    /chat, /ws                   the chat page and its WebSocket
//	GET    /feed, /items/changes        the live feed page and its server-sent events (public)
//	GET    /items/export                every item as JSON Lines, streamed (scope items:read)
//	GET    /.well-known/jwks.json       the public key of the tokens
//	GET    /openapi.json, /docs, /redoc the API's documentation (also /openapi.yaml, /openapi-3.0.json); GET / redirects to /docs
//
// # Configuration and its defaults
//
//   - Config.JWTSecret: "", a new ES256 key at every New; an HS256 secret
//     of at least 32 bytes makes tokens survive restarts and work on every
//     instance.
//   - Config.APIKey: required by New; Run generates one when it is empty
//     and prints it once to stderr (not to the log).
//   - Config.DocsAssets: nil, the docs pages load Swagger UI and ReDoc from
//     the CDN.
//   - Config.Backend: nil, the queue of POST /reports is in memory (two
//     workers, at most MaxBacklog, 10 seconds, of work: beyond, 503 with
//     Retry-After). A tasks/river Backend stores the jobs in PostgreSQL:
//     they survive restarts and run on whichever instance fetches them.
//   - Config.JobsFile: "", the in-memory jobs that a shutdown cannot finish
//     are logged one by one, payload included, as dropped; a path keeps
//     them there for the next New, which re-enqueues them. A process that
//     dies (SIGKILL, crash) still loses the in-memory jobs.
//   - Config.Timeouts: the defaults of the server's timeouts, 5s for a
//     request's headers, 30s for the whole request, 30s to handle it and
//     write the response, 120s idle between requests.
//   - Config.DebugAddr: "", no debug listener; a loopback address serves
//     /debug/vars (request metrics "http", App.Vars: "tasks", "ws") and
//     /debug/pprof/ there. Other addresses are refused.
//   - Config.AccessLog: 5xx and requests slower than 1s logged at Warn,
//     4xx at Info, 1 in 100 of the others.
//
// Flags.Register defines the flags -addr (default DefaultAddr,
// 127.0.0.1:8000), -docs-assets (default "", the CDN), -debug-addr
// (default "", none), -access-log (default sample), -slow-request
// (default 1s) and the timeouts
// (-read-header-timeout, -read-timeout, -write-timeout, -idle-timeout);
// Flags.Config reads SHOWCASE_JWT_SECRET and SHOWCASE_API_KEY from the
// environment.
//
// Failed logins are throttled (security.Throttle): after 5 wrong passwords
// for one user, or 20 from one client address, within 15 minutes, POST
// /token and GET /outbox answer 429 with Retry-After without checking the
// password. The counts are in memory, per instance.
//
// Everything but the queue with a durable Backend lives in the process:
// the items, the users and the outbox that the jobs write to. With several
// instances on one database, a job's mail shows in the GET /outbox of the
// instance that ran it, and its report counts that instance's items.
//
// # Security
//
//   - The outbox is bounded: POST /send-notification/{email} needs no
//     credentials, so the Outbox keeps the newest DefaultOutboxCapacity
//     (100) mails and drops the oldest; GET /stats counts the dropped
//     ones. Dropping, rather than answering 429 or 503 when full, keeps the
//     endpoint working, since nothing else empties the outbox.
//   - A generated API key is printed once to stderr, outside the
//     structured log, which shows only its fingerprint (sha256:, 8 bytes
//     in hex): logs are kept and read by more people than the key's owner.
//   - Run bounds every connection with Config.Timeouts (see
//     Config.Timeouts): slow senders and clients that never read are
//     disconnected; the chat's WebSockets are not bounded by them.
//
// # Shutdown
//
// Stop an App with CloseConns (WebSockets get 1001, live feeds end: the
// server's Shutdown would wait for them) then, once the server
// has stopped, Drain: it waits for the requests' background tasks, shuts
// the queue down (the jobs running finish; with a durable Backend the jobs
// waiting stay in the database) and waits for the database sessions. When
// its context ends first, the in-memory jobs not finished are saved to
// Config.JobsFile or logged (see Config.JobsFile). Run does both on
// cancellation of its context, within 15 seconds, and Main cancels it on
// SIGINT or SIGTERM.
package app
