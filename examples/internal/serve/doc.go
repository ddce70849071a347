// Package serve runs the HTTP servers of the example programs: it listens,
// logs every request with log/slog, and shuts down gracefully on SIGINT or
// SIGTERM, closing WebSockets and draining background work.
package serve
