package bind

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strconv"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/scopeseam"
)

// Handler returns an http.Handler that binds and validates an In from each
// request (see Request), calls fn with the request's context, and writes
// fn's Out as JSON with the handler's status (200 unless Status says
// otherwise; 204 and 304 write no body). An Out that is a nil slice is
// written [] (a nil map {}), so a list is never null.
//
// An error from fn is written with stdapi.WriteError: a *stdapi.Error with
// its status, headers and body; anything else as a 500 that is logged and
// never shown. A panic in fn is recovered, logged with its stack and
// answered with a 500; the server keeps serving.
//
// Out is the response model: only what it encodes is written, so a handler
// can load a UserIn (with a password) and return a UserOut (without). To set
// the status, headers or cookies of one response, return a Response[T].
//
// Handler compiles In when it is called, not per request: an invalid In
// (an unsupported type for its source, two fields for one parameter, a bad
// tag) makes it panic with a message naming the type, the field and the tag,
// as http.ServeMux.Handle does for a bad pattern. Describe reports the same
// error without panicking.
func Handler[In, Out any](fn func(ctx context.Context, in *In) (Out, error), opts ...Option) http.Handler {
	h := &handler[In, Out]{fn: fn}
	h.status = h.Binder.init(opts)
	h.inner = http.HandlerFunc(h.serve)
	h.responds = reflect.TypeFor[Out]().Implements(reflect.TypeFor[responder]())
	if h.status < 100 || h.status > 599 {
		panic(fmt.Sprintf("bind: Status(%d) is not an HTTP status", h.status))
	}
	return h
}

// Option configures a Handler.
type Option func(*config)

type config struct {
	status   int
	limits   Limits
	deps     []Dependency
	required []Dependency
}

// Status sets the status of successful responses (default 200).
func Status(code int) Option { return func(c *config) { c.status = code } }

// WithLimits sets the handler's body limits (default: the Limits defaults).
func WithLimits(l Limits) Option { return func(c *config) { c.limits = l } }

type handler[In, Out any] struct {
	Binder[In]
	status   int
	fn       func(context.Context, *In) (Out, error)
	responds bool         // Out is a Response[T] or a pointer to one
	inner    http.Handler // serve, boxed once
}

// Operation is implemented by the handlers Handler returns. Documentation
// generators read it to describe the operation.
type Operation interface {
	http.Handler
	// Input describes the input type: its parameters and body.
	Input() *Input
	// OutputType is the type of the response body: Out, or T when Out is
	// a Response[T].
	OutputType() reflect.Type
	// SuccessStatus is the status of successful responses.
	SuccessStatus() int
}

func (h *handler[In, Out]) OutputType() reflect.Type {
	t := reflect.TypeFor[Out]()
	if r, ok := reflect.Zero(t).Interface().(responder); ok {
		return r.bodyType()
	}
	if t.Kind() == reflect.Pointer {
		if r, ok := reflect.Zero(t.Elem()).Interface().(responder); ok {
			return r.bodyType()
		}
	}
	return t
}

func (h *handler[In, Out]) SuccessStatus() int { return h.status }

// ServeHTTP serves r in a request scope (stdapi.ServeScoped), the one an
// outer middleware opened or its own: dependencies, their cleanups and
// background tasks need no middleware.
func (h *handler[In, Out]) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s := h.set.Load(); len(h.input.Deps) > 0 || s != nil && len(s.required) > 0 {
		// Dependencies resolve from the request: it must carry the scope.
		stdapi.ServeScoped(w, r, h.inner)
		return
	}
	// The function gets the scope's context; the request stays as it is,
	// which saves ServeScoped's copy of it.
	ctx, s := scopeseam.Open(r)
	if s == nil {
		h.serveCtx(w, r, ctx)
		return
	}
	aborted := true
	defer func() { s.End(w, aborted) }()
	h.serveCtx(w, r, ctx)
	aborted = false
}

func (h *handler[In, Out]) serve(w http.ResponseWriter, r *http.Request) {
	h.serveCtx(w, r, r.Context())
}

// serveCtx serves r, calling the function with ctx, the context of r's
// request scope.
func (h *handler[In, Out]) serveCtx(w http.ResponseWriter, r *http.Request, ctx context.Context) {
	st := getState(h.input)
	defer func() {
		if len(st.temps) > 0 {
			removeTemps(st.temps)
		}
		st.release()
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			fail(w, r, ctx, stdapi.NewPanicError(v))
		}
	}()
	in := new(In)
	if err := h.bind(st, r, in); err != nil {
		fail(w, r, ctx, err)
		return
	}
	out, err := h.fn(ctx, in)
	if err == nil {
		err = h.write(w, out)
	}
	if err != nil {
		fail(w, r, ctx, err)
	}
}

// fail answers r with err, recorded as the error of the request scope of
// ctx, which r's context may not hold.
func fail(w http.ResponseWriter, r *http.Request, ctx context.Context, err error) {
	stdapi.Fail(ctx, err)
	stdapi.WriteError(w, r, err)
}

// write encodes out before touching w, so that an encoding error still
// gets a clean 500: it returns that error.
func (h *handler[In, Out]) write(w http.ResponseWriter, out Out) error {
	status, body := h.status, any(out)
	if h.responds {
		status, body = h.respond(w, body.(responder))
	}
	if !bodyAllowed(status) {
		w.WriteHeader(status)
		return nil
	}
	data, err := marshalBody(body)
	if err != nil {
		return fmt.Errorf("bind: encoding %T: %w", body, err)
	}
	writeJSON(w, status, data)
	return nil
}

// respond applies a Response's headers and cookies and returns its status
// and body. A nil *Response answers like an empty one.
func (h *handler[In, Out]) respond(w http.ResponseWriter, res responder) (int, any) {
	if v := reflect.ValueOf(res); v.Kind() == reflect.Pointer && v.IsNil() {
		return h.status, nil
	}
	status, header, cookies, body := res.parts()
	for k, v := range header {
		w.Header()[http.CanonicalHeaderKey(k)] = v
	}
	for _, c := range cookies {
		http.SetCookie(w, c)
	}
	if status == 0 {
		status = h.status
	}
	return status, body
}

func writeJSON(w http.ResponseWriter, status int, data []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Content-Length"] = []string{strconv.Itoa(len(data))}
	w.WriteHeader(status)
	w.Write(data)
}

var jsonContentType = []string{"application/json"}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// JSON writes v as a JSON response with the given status, for handlers that
// do not use Handler; a nil slice is [] and a nil map {}, as Handler writes
// them. When v cannot be encoded it writes a 500 problem
// instead, logs the error and returns it.
func JSON(w http.ResponseWriter, status int, v any) error {
	data, err := marshalBody(v)
	if err != nil {
		err = fmt.Errorf("bind: encoding %T: %w", v, err)
		stdapi.WriteError(w, nil, err)
		return err
	}
	if !bodyAllowed(status) {
		w.WriteHeader(status)
		return nil
	}
	writeJSON(w, status, data)
	return nil
}

// Response lets a typed handler choose the status, headers and cookies of
// one response, like the Response parameter of a FastAPI path operation:
//
//	func(ctx context.Context, in *GetItem) (bind.Response[Item], error) {
//		item := load(in.ID)
//		return bind.Response[Item]{
//			Header: http.Header{"ETag": {item.ETag}},
//			Body:   item,
//		}, nil
//	}
//
// Documentation generators document T as the response body.
type Response[T any] struct {
	// Status overrides the handler's status when not 0.
	Status int
	// Header is added to the response headers.
	Header http.Header
	// Cookies are set with http.SetCookie.
	Cookies []*http.Cookie
	// Body is written as JSON.
	Body T
}

type responder interface {
	parts() (status int, header http.Header, cookies []*http.Cookie, body any)
	bodyType() reflect.Type
}

func (r Response[T]) parts() (int, http.Header, []*http.Cookie, any) {
	return r.Status, r.Header, r.Cookies, r.Body
}

func (r Response[T]) bodyType() reflect.Type { return reflect.TypeFor[T]() }
