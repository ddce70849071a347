package stream

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/bind"
)

// ErrClosed is returned by a send on a stream that has ended: the client
// went away, was disconnected for not reading (WriteTimeout, or a
// hub's slow-consumer policy), or the handler returned.
var ErrClosed = errors.New("stream: closed")

// EventsFunc is a server-sent events endpoint: it runs for the life of one
// stream with the request's bound and validated input. ctx is cancelled
// when the client goes away or the stream is closed. Returning ends the
// stream, as Events describes.
type EventsFunc[In, T any] func(ctx context.Context, in *In, s *Stream[T]) error

// Events returns an http.Handler serving a stream of server-sent events
// (text/event-stream), configured by opts.
//
// Each request's In is bound and validated as bind.Handler does (path,
// query, header, cookie; a Last-Event-ID header field among them): a
// failure is a 422 problem response and fn is not called. Then fn runs with
// a *Stream whose Send queues typed events to the stream's writer, which
// flushes each one and writes keepalive comments when idle.
//
// The response starts (200, Content-Type: text/event-stream,
// Cache-Control: no-cache, X-Accel-Buffering: no) with the first event, the
// first keepalive, a Join or Open. How fn returns decides the end:
//   - before the response started, an error is answered as an ordinary
//     problem response through stdapi.WriteError (401, 404, 422, 500...),
//     which an EventSource takes as final: it does not reconnect; nil
//     answers 204 No Content, which also stops an EventSource;
//   - after, nil ends the stream (an EventSource reconnects after its retry
//     delay, sending the last id it saw); an error is sent as an event named
//     "error" whose data is the problem JSON stdapi.WriteError would have
//     written (a 500's text is logged, never sent), then the stream ends;
//   - when the client went away, nothing more is written or logged.
//
// A panic in fn is recovered and answered as a 500 error (a problem
// response or an error event); http.ErrAbortHandler is re-panicked. Events
// panics if fn is nil, if In is not a valid bind input, or on a nil value
// in EventTypes.
func Events[In, T any](fn EventsFunc[In, T], opts ...Option) http.Handler {
	if fn == nil {
		panic("stream: Events: nil function")
	}
	input, err := bind.Describe(reflect.TypeFor[In]())
	if err != nil {
		panic(err)
	}
	cfg := newConfig(opts)
	return &eventsHandler[In, T]{fn: fn, input: input, cfg: cfg, types: cfg.eventTypes()}
}

type eventsHandler[In, T any] struct {
	fn    EventsFunc[In, T]
	input *bind.Input
	cfg   config
	types map[string]reflect.Type
}

func (h *eventsHandler[In, T]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in := new(In)
	if err := bind.Request(r, in); err != nil {
		stdapi.WriteError(w, r, err)
		return
	}
	s := &Stream[T]{core: newCore(w, r, &h.cfg), types: h.types}
	go s.core.run()
	err, aborted := h.call(in, s)
	s.core.stop()
	if aborted {
		panic(http.ErrAbortHandler)
	}
	s.core.finish(err)
}

// call runs fn, turning a panic into a *stdapi.PanicError; aborted reports
// a panic with http.ErrAbortHandler.
func (h *eventsHandler[In, T]) call(in *In, s *Stream[T]) (err error, aborted bool) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				aborted = true
				return
			}
			err = stdapi.NewPanicError(v)
		}
	}()
	return h.fn(s.core.ctx, in, s), false
}

// Stream is one server-sent events stream, handed to the function given
// to Events. Its methods are safe for concurrent use.
type Stream[T any] struct {
	core  *core
	types map[string]reflect.Type
}

// Send queues e for the stream's writer. It blocks while SendQueue
// events wait (the client reads slowly), and returns ErrClosed once the
// stream has ended: a client that reads nothing for WriteTimeout is
// disconnected, which ends any wait. An event with an invalid id or name,
// or data that does not match EventTypes, gives ErrInvalidEvent; data
// that encoding/json cannot encode gives its error. Neither is sent, and
// the stream goes on. A nil error means the event was queued, not that the
// client received it.
func (s *Stream[T]) Send(e Event[T]) error {
	if err := s.check(e.Name, e.Data); err != nil {
		return err
	}
	data, err := encodeJSON(e.Data)
	if err != nil {
		return err
	}
	frame, err := encodeEvent(e.ID, e.Name, data, e.Retry)
	if err != nil {
		return err
	}
	return s.core.send(frame)
}

// SendData sends an unnamed event (the browser's "message") holding v:
// Send(Event[T]{Data: v}).
func (s *Stream[T]) SendData(v T) error { return s.Send(Event[T]{Data: v}) }

// check enforces EventTypes.
func (s *Stream[T]) check(name string, data T) error {
	if s.types == nil {
		return nil
	}
	want, ok := s.types[name]
	if !ok {
		return fmt.Errorf("%w: event %q is not declared in EventTypes", ErrInvalidEvent, name)
	}
	if got := reflect.TypeOf(any(data)); got != want {
		return fmt.Errorf("%w: event %q carries a %v, declared as %v", ErrInvalidEvent, name, got, want)
	}
	return nil
}

// Open starts the response now, without waiting for the first event: the
// browser's EventSource fires "open", and an error returned afterwards is
// sent as an error event rather than a problem response. It returns
// ErrClosed once the stream has ended.
func (s *Stream[T]) Open() error { return s.core.send(nil) }

// Request returns the stream's request: headers, URL, and a context with
// what middleware put there (security's principal, for instance).
func (s *Stream[T]) Request() *http.Request { return s.core.req }

// Context returns the stream's context, also given to the function:
// cancelled when the client goes away or the stream is closed.
func (s *Stream[T]) Context() context.Context { return s.core.ctx }
