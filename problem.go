package stdapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"strconv"
	"sync/atomic"
)

// Format selects how WriteError shapes error bodies.
type Format int32

const (
	// FormatProblem writes RFC 9457 application/problem+json bodies:
	//	{"type":"about:blank","title":"Not Found","status":404,"detail":"Item not found"}
	// It is the default.
	FormatProblem Format = iota
	// FormatFastAPI writes application/json bodies shaped like FastAPI's:
	//	{"detail":"Item not found"}  or  {"detail":[{"type":"missing",...}]}
	// for clients that already parse FastAPI errors. A "missing" field
	// error without an input says "input":null there, as FastAPI's do (for
	// a missing key of a JSON body, pydantic echoes the enclosing object;
	// stdapi does not, so that the answer cannot grow with the request).
	FormatFastAPI
)

var (
	format atomic.Int32
	debugs atomic.Bool
)

// SetFormat sets the body format used by WriteError for the whole program.
// Call it once at start-up, before serving; it is safe for concurrent use
// but switching while serving gives clients mixed shapes.
func SetFormat(f Format) { format.Store(int32(f)) }

// CurrentFormat returns the format set by SetFormat (FormatProblem by default).
func CurrentFormat() Format { return Format(format.Load()) }

// SetDebug turns debug mode on or off for the whole program.
//
// UNSAFE FOR PRODUCTION: in debug mode, 5xx bodies carry the internal cause
// ("cause") and, for panics, the goroutine stack ("stack"). That text can
// reveal file paths, SQL, addresses and secrets to any client. Use it on a
// developer's machine only. Debug mode is off by default.
func SetDebug(on bool) { debugs.Store(on) }

// Debug reports whether debug mode is on.
func Debug() bool { return debugs.Load() }

// PanicError is the error for a recovered panic: the panic value and the
// stack of the panicking goroutine. Packages that recover panics (bind, deps,
// tasks, ws) report them as a *PanicError so that WriteError and logs treat
// them alike. Code that recovers must re-panic http.ErrAbortHandler, which
// net/http uses to abort a response on purpose.
type PanicError struct {
	Value any
	Stack []byte
}

// NewPanicError returns a PanicError for v with the current goroutine's
// stack. Call it inside the deferred function that recovered v.
func NewPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error returns "panic: " and the panic value.
func (p *PanicError) Error() string { return fmt.Sprintf("panic: %v", p.Value) }

// Unwrap returns the panic value when it is an error.
func (p *PanicError) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// WriteError answers the request with err.
//
// A *Error anywhere in err's chain (errors.As) gives its status, its headers
// and its body in the current Format. Any other error gives a 500 with a
// generic body that reveals nothing; the error itself is logged with
// log/slog at level Error, as are *Error values with a 5xx status and a cause.
// Statuses that forbid a body (1xx, 204, 304) get headers only. A nil err is
// a programming mistake and is answered as a 500 too. Under OnError
// middleware, an error that its type matches is written by its handler.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if handled(w, r, err) {
		Fail(r.Context(), err)
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Err: err}
		if err == nil {
			e.Err = errors.New("stdapi: WriteError called with a nil error")
		}
	}
	if r != nil {
		if err == nil {
			err = e
		}
		Fail(r.Context(), err)
	}
	status := e.StatusCode()
	if status >= 500 && e.Err != nil {
		LogError(r, status, e.Err)
	}
	h := w.Header()
	for k, v := range e.Header {
		h[http.CanonicalHeaderKey(k)] = slices.Clone(v)
	}
	if !bodyAllowed(status) {
		w.WriteHeader(status)
		return
	}
	f := CurrentFormat()
	body := encode(e, f, status)
	// Canonical keys written directly: Set would canonicalize them again.
	if f == FormatFastAPI {
		h["Content-Type"] = []string{"application/json"}
	} else {
		h["Content-Type"] = []string{"application/problem+json"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(status)
	w.Write(body)
}

func bodyAllowed(status int) bool {
	return status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified
}

// LogError logs err the way WriteError does for an internal error: with
// log/slog at level Error, with the status, the request's method and path,
// and the stack of a *PanicError. Packages that answer errors in another
// shape (an HTML error page) call it to keep one log format. r may be nil.
func LogError(r *http.Request, status int, err error) {
	ctx := context.Background()
	attrs := []any{"status", status, "error", err}
	if r != nil {
		ctx = r.Context()
		attrs = append(attrs, "method", r.Method, "path", r.URL.Path)
	}
	var p *PanicError
	if errors.As(err, &p) {
		attrs = append(attrs, "stack", string(p.Stack))
	}
	slog.ErrorContext(ctx, "stdapi: internal server error", attrs...)
}

// reserved are the members an Extension may not replace.
var reserved = map[string]bool{
	"type": true, "title": true, "status": true, "detail": true,
	"instance": true, "errors": true, "cause": true, "stack": true,
}

// encode renders e in format f. It never fails: a member whose value cannot
// be encoded as JSON is dropped (field errors lose their input and ctx).
func encode(e *Error, f Format, status int) []byte {
	b := make([]byte, 0, 160+len(e.Detail)+224*len(e.Errors))
	b = append(b, '{')
	if f == FormatFastAPI {
		b = append(b, `"detail":`...)
		b = appendFastAPIDetail(b, e)
	} else {
		typ := e.Type
		if typ == "" {
			typ = "about:blank"
		}
		b = append(b, `"type":`...)
		b = appendJSONString(b, typ)
		b = append(b, `,"title":`...)
		b = appendJSONString(b, e.TitleText())
		b = append(b, `,"status":`...)
		b = strconv.AppendInt(b, int64(status), 10)
		if e.Detail != "" {
			b = append(b, `,"detail":`...)
			b = appendJSONString(b, e.Detail)
		}
		if e.Instance != "" {
			b = append(b, `,"instance":`...)
			b = appendJSONString(b, e.Instance)
		}
		if len(e.Errors) > 0 {
			b = append(b, `,"errors":`...)
			b = appendErrors(b, e.Errors, false)
		}
		b = appendExtensions(b, e)
	}
	if Debug() && status >= 500 && e.Err != nil {
		b = append(b, `,"cause":`...)
		b = appendJSONString(b, e.Err.Error())
		var p *PanicError
		if errors.As(e.Err, &p) {
			b = append(b, `,"stack":`...)
			b = appendJSONString(b, string(p.Stack))
		}
	}
	return append(b, '}')
}

// appendFastAPIDetail appends FastAPI's detail: the field errors, else
// Data, else Detail or the title.
func appendFastAPIDetail(b []byte, e *Error) []byte {
	if len(e.Errors) > 0 {
		return appendErrors(b, e.Errors, true)
	}
	if e.Data != nil {
		if v, err := json.Marshal(e.Data); err == nil {
			return append(b, v...)
		}
	}
	detail := e.Detail
	if detail == "" {
		detail = e.TitleText()
	}
	return appendJSONString(b, detail)
}

// appendExtensions appends the members beyond RFC 9457's own: "data" for
// Data, then Extensions sorted by name.
func appendExtensions(b []byte, e *Error) []byte {
	if e.Data != nil {
		if v, err := json.Marshal(e.Data); err == nil {
			b = append(b, `,"data":`...)
			b = append(b, v...)
		}
	}
	if len(e.Extensions) == 0 {
		return b
	}
	keys := make([]string, 0, len(e.Extensions))
	for k := range e.Extensions {
		if !reserved[k] && (k != "data" || e.Data == nil) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := json.Marshal(e.Extensions[k])
		if err != nil {
			continue
		}
		b = append(b, ',')
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

// appendErrors appends errs. With nullMissing, a "missing" error without an
// input says "input":null, as FastAPI's do.
func appendErrors(b []byte, errs []FieldError, nullMissing bool) []byte {
	if out, ok := appendFieldErrors(b, errs, nullMissing); ok {
		return out
	}
	if nullMissing {
		errs = slices.Clone(errs)
		for i := range errs {
			if errs[i].Type == "missing" && errs[i].Input == nil {
				errs[i].Input = json.RawMessage("null")
			}
		}
	}
	return append(b, encodeFieldErrors(errs)...)
}

func encodeFieldErrors(errs []FieldError) []byte {
	if v, err := json.Marshal(errs); err == nil {
		return v
	}
	safe := make([]FieldError, len(errs))
	for i, fe := range errs {
		safe[i] = FieldError{Type: fe.Type, Loc: fe.Loc, Msg: fe.Msg}
		if _, err := json.Marshal(fe.Input); err == nil {
			safe[i].Input = fe.Input
		}
		if _, err := json.Marshal(fe.Ctx); err == nil {
			safe[i].Ctx = fe.Ctx
		}
		if _, err := json.Marshal(safe[i].Loc); err != nil {
			safe[i].Loc = nil
		}
	}
	v, _ := json.Marshal(safe)
	return v
}
