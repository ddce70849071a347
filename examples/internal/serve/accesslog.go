package serve

import (
	"log/slog"
	"net/http"
	"time"
)

// AccessLog logs each request with log/slog at level Info once its handler
// has returned: method, path, status, bytes written and duration. The
// response writer it passes on unwraps to the original one, so that
// http.ResponseController (flushes, WebSocket upgrades) still reaches it.
func AccessLog(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			switch {
			case status != 0:
			case r.Header.Get("Upgrade") != "":
				status = http.StatusSwitchingProtocols // hijacked: the upgrade wrote its own status line
			default:
				status = http.StatusOK
			}
			slog.InfoContext(r.Context(), "request",
				"method", r.Method, "path", r.URL.Path, "status", status,
				"bytes", rec.bytes, "duration", time.Since(start))
		}()
		h.ServeHTTP(rec, r)
	})
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap returns the original writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
