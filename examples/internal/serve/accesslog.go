package serve

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Access log modes, the values of AccessLog.Mode and of the flag -access-log.
const (
	// AccessLogSample logs the errors (status 4xx and 5xx) and the slow
	// requests, and one in AccessLog.Every of the others. The default.
	AccessLogSample = "sample"
	// AccessLogAll logs every request.
	AccessLogAll = "all"
	// AccessLogErrors logs only the errors and the slow requests.
	AccessLogErrors = "errors"
	// AccessLogOff logs no request.
	AccessLogOff = "off"
)

// Defaults of the zero fields of AccessLog.
const (
	DefaultSlowRequest = time.Second
	DefaultSampleEvery = 100
)

// AccessLog chooses which requests are logged, with log/slog, once their
// handler has returned: method, path, status, bytes written and duration.
// A log line per request costs more than the request itself on a busy
// server (160 MB for 1.3 M requests), so by default only what someone
// would look for is logged: server errors (5xx) and slow requests at level
// Warn, client errors (4xx) at Info, and a sample of the rest at Info with
// the attribute sample=N (each such line stands for about N requests). The
// counts of every request are in Metrics. A zero field takes its default.
type AccessLog struct {
	// Mode is AccessLogSample, AccessLogAll, AccessLogErrors or
	// AccessLogOff. Default: AccessLogSample.
	Mode string
	// Slow is the duration past which a request is logged whatever the
	// mode but off, at level Warn. WebSocket upgrades are never slow.
	// Default: DefaultSlowRequest, 1s.
	Slow time.Duration
	// Every is the sampling of AccessLogSample: the first request that is
	// neither an error nor slow is logged, then one in every Every.
	// Default: DefaultSampleEvery, 100.
	Every int
}

// Register defines the flags -access-log and -slow-request on fs, storing
// into l, with the defaults of AccessLog.
func (l *AccessLog) Register(fs *flag.FlagSet) {
	fs.Func("access-log", "requests logged: sample (errors, slow ones and 1 in 100 of the rest), all, errors or off (default sample)",
		func(s string) error {
			switch s {
			case AccessLogSample, AccessLogAll, AccessLogErrors, AccessLogOff:
				l.Mode = s
				return nil
			}
			return fmt.Errorf("want one of %s", strings.Join([]string{AccessLogSample, AccessLogAll, AccessLogErrors, AccessLogOff}, ", "))
		})
	fs.DurationVar(&l.Slow, "slow-request", DefaultSlowRequest, "requests slower than this are always logged")
}

// Handler returns h with its requests logged as l says. It fails on an
// unknown Mode.
func (l AccessLog) Handler(h http.Handler) (http.Handler, error) {
	log, err := l.logger()
	if err != nil {
		return nil, err
	}
	if log == nil {
		return h, nil
	}
	return observe(h, nil, log), nil
}

// logger returns the function that logs a request that has ended, or nil
// when nothing is logged.
func (l AccessLog) logger() (func(*http.Request, int, int, time.Duration), error) {
	mode := l.Mode
	if mode == "" {
		mode = AccessLogSample
	}
	slow := l.Slow
	if slow <= 0 {
		slow = DefaultSlowRequest
	}
	every := l.Every
	if every <= 0 {
		every = DefaultSampleEvery
	}
	switch mode {
	case AccessLogOff:
		return nil, nil
	case AccessLogSample, AccessLogAll, AccessLogErrors:
	default:
		return nil, fmt.Errorf("serve: unknown access log mode %q", mode)
	}
	var seen atomic.Int64
	return func(r *http.Request, status, bytes int, d time.Duration) {
		level := slog.LevelInfo
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", status, "bytes", bytes, "duration", d}
		switch {
		case status >= 500 || d > slow && status != http.StatusSwitchingProtocols:
			level = slog.LevelWarn
		case status >= 400 || mode == AccessLogAll:
		case mode == AccessLogErrors:
			return
		default: // a success, sampled
			if (seen.Add(1)-1)%int64(every) != 0 {
				return
			}
			attrs = append(attrs, "sample", every)
		}
		slog.Log(r.Context(), level, "request", attrs...)
	}, nil
}

// observe calls begin (when not nil) before every request, and done with
// its status, size and duration once h has returned for it. The response
// writer it passes on unwraps to the original one, so that
// http.ResponseController (flushes, WebSocket upgrades) still reaches it.
func observe(h http.Handler, begin func(), done func(r *http.Request, status, bytes int, d time.Duration)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if begin != nil {
			begin()
		}
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
			done(r, status, rec.bytes, time.Since(start))
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
