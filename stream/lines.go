package stream

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"reflect"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// LinesFunc is a JSON Lines endpoint: it returns the sequence of items to
// stream for the request's bound and validated input. The sequence is
// consumed once, by the handler's goroutine, and stopped early (its yield
// returns false) when the client goes away; ctx is then cancelled too.
type LinesFunc[In, T any] func(ctx context.Context, in *In) iter.Seq2[T, error]

// Lines returns an http.Handler serving the items of a sequence as JSON
// Lines (application/jsonl): each item is encoded as one line of JSON and
// flushed as soon as the sequence yields it, so a client reads the first
// items while the server produces the next. Configured by opts (only
// WriteTimeout applies).
//
// In is bound and validated as bind.Handler does: a failure is a 422
// problem response and fn is not called. The response (200,
// Content-Type: application/jsonl, Cache-Control: no-cache,
// X-Accel-Buffering: no) starts with the first item, so that an error the
// sequence yields before any item (a *stdapi.Error: 404, 403...) is an
// ordinary problem response. A nil sequence, or one that ends without
// items, is a 200 with an empty body.
//
// An error yielded after the first item cannot change the status any more.
// Lines then writes one last line, {"error":PROBLEM}, where PROBLEM is the
// problem JSON stdapi.WriteError would have written (a 500's text is
// logged, never sent), and aborts the response (http.ErrAbortHandler)
// instead of ending it cleanly: over HTTP/1.1 the final chunk is never
// sent, over HTTP/2 the stream is reset, so that a client that does not
// look for the error line (curl, a bulk loader) still sees a truncated
// transfer, not a complete export. An item that encoding/json cannot
// encode is such an error. A panic is recovered the same way, as a 500.
func Lines[In, T any](fn LinesFunc[In, T], opts ...Option) http.Handler {
	if fn == nil {
		panic("stream: Lines: nil function")
	}
	input, err := bind.Describe(reflect.TypeFor[In]())
	if err != nil {
		panic(err)
	}
	return &linesHandler[In, T]{fn: fn, input: input, cfg: newConfig(opts)}
}

type linesHandler[In, T any] struct {
	fn    LinesFunc[In, T]
	input *bind.Input
	cfg   config
}

// errGone stops the sequence when a write fails: the client is gone.
var errGone = errors.New("stream: client gone")

func (h *linesHandler[In, T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in := new(In)
	if err := bind.Request(r, in); err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	lw := &lineWriter{w: w, rc: http.NewResponseController(w), timeout: h.cfg.writeTimeout}
	err := h.serve(r, in, lw)
	switch {
	case err == nil, errors.Is(err, errGone):
		if !lw.opened {
			lw.open()
		}
	case !lw.opened:
		stdapi.WriteError(w, r, err)
	case r.Context().Err() != nil:
		// the client is gone: nothing to tell it
	default:
		line := append(append([]byte(`{"error":`), problemBody(r, err)...), '}', '\n')
		lw.write(line)
		panic(http.ErrAbortHandler)
	}
}

// serve streams the sequence and returns the error that ended it, a
// panic of fn or of the sequence included.
func (h *linesHandler[In, T]) serve(r *http.Request, in *In, lw *lineWriter) (err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = stdapi.NewPanicError(v)
		}
	}()
	seq := h.fn(r.Context(), in)
	if seq == nil {
		return nil
	}
	for item, err := range seq {
		if err != nil {
			return err
		}
		data, err := encodeJSON(item)
		if err != nil {
			return err
		}
		if err := lw.write(append(data, '\n')); err != nil || r.Context().Err() != nil {
			return errGone
		}
	}
	return nil
}

// lineWriter writes lines to the client, one flush each.
type lineWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	opened  bool
}

func (l *lineWriter) open() {
	h := l.w.Header()
	h.Set("Content-Type", "application/jsonl")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
	l.w.WriteHeader(http.StatusOK)
	l.opened = true
}

func (l *lineWriter) write(line []byte) error {
	if !l.opened {
		l.open()
	}
	l.rc.SetWriteDeadline(time.Now().Add(l.timeout)) // unsupported by some writers (httptest): then none
	if _, err := l.w.Write(line); err != nil {
		return err
	}
	return l.rc.Flush()
}
