// Package serve runs the HTTP servers of the example programs: it listens,
// logs every request with log/slog, and shuts down gracefully on SIGINT or
// SIGTERM, closing WebSockets and draining background work.
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
