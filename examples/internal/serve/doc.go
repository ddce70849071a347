// Package serve runs the HTTP servers of the example programs: it listens,
// counts and logs requests, and shuts down gracefully on SIGINT or
// SIGTERM, closing WebSockets and draining background work.
//
// # Observability
//
//   - Every request is counted by a Metrics published with expvar as
//     "http": requests by status class, in flight, latency histogram.
//   - The access log (AccessLog, flags -access-log and -slow-request)
//     keeps by default what someone looks for: 5xx and requests slower
//     than 1s at Warn, 4xx at Info, and 1 in 100 of the other requests,
//     marked sample=100. Mode all logs every request; errors, only errors
//     and slow ones; off, none.
//   - Options.Debug, a listener from ListenDebug (loopback only, off
//     unless asked for), serves /debug/vars (the expvar variables, without
//     the command line) and /debug/pprof/ (without cmdline), apart from
//     the application's routes. Options.Vars adds variables (the
//     showcase's queue and hub).
//
// # Security
//
//   - Every connection is bounded by Timeouts: 5s to send the headers, 30s
//     to send the whole request, 30s to handle it and read the response,
//     120s idle between requests. Slow senders (slowloris) and clients
//     that never read are disconnected instead of holding the server's
//     connections and buffered responses. A handler that needs longer
//     extends its own deadlines with http.ResponseController; WebSockets
//     keep working without it, because the upgrade clears the server's
//     deadlines and package ws sets its own.
package serve
