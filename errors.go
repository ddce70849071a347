package stdapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Error is an HTTP error with everything needed to answer a client: the Go twin
// of FastAPI's HTTPException. WriteError renders it as an RFC 9457
// application/problem+json body (or a FastAPI-style body, see SetFormat) with
// its status and headers.
//
// The zero value is a 500 Internal Server Error. Err, the cause, is reachable
// with errors.Unwrap, errors.Is and errors.As but is never sent to clients
// unless debug mode is on (see SetDebug).
type Error struct {
	// Status is the HTTP status code; 0 means 500.
	Status int
	// Type is the problem type URI; "" means "about:blank".
	Type string
	// Title is a short summary of the problem type; "" means the status text.
	Title string
	// Detail explains this occurrence of the problem to the client.
	Detail string
	// Data is a structured detail, any value encoding/json can encode: the
	// twin of FastAPI's HTTPException(detail={...}). In FormatFastAPI it is
	// the body's "detail" in place of Detail (field errors, when there are
	// any, still win). RFC 9457 requires a string detail, so in
	// FormatProblem Detail stays the detail and Data is the extension
	// member "data" (an Extensions member named "data" is then ignored).
	// A Data that cannot be encoded is dropped. Default nil: none.
	Data any
	// Instance optionally identifies this occurrence (a URI reference).
	Instance string
	// Errors lists field errors, typically of a 422 response.
	Errors []FieldError
	// Header holds extra response headers, such as WWW-Authenticate.
	Header http.Header
	// Extensions are additional members of the problem object. Members that
	// collide with the standard ones ("type", "title", ...) are ignored.
	Extensions map[string]any
	// Err is the underlying cause. It is logged for 5xx errors, and never sent.
	Err error
}

// NewError returns an Error with the given status and detail, the way
// FastAPI's HTTPException(status_code, detail) is used:
//
//	return nil, stdapi.NewError(http.StatusNotFound, "Item not found")
func NewError(status int, detail string) *Error {
	return &Error{Status: status, Detail: detail}
}

// ValidationError returns a 422 Unprocessable Entity error listing errs, with
// the detail "1 validation error" or "N validation errors".
func ValidationError(errs ...FieldError) *Error {
	var detail string
	if n := len(errs); n < len(validationDetails) {
		detail = validationDetails[n]
	} else {
		detail = strconv.Itoa(n) + " validation errors"
	}
	return &Error{Status: http.StatusUnprocessableEntity, Detail: detail, Errors: errs}
}

// validationDetails are the details of 422s with few errors, made once:
// most 422s list a handful.
var validationDetails = func() (d [17]string) {
	for n := range d {
		d[n] = strconv.Itoa(n) + " validation errors"
	}
	d[1] = "1 validation error"
	return d
}()

// Error describes e for logs: status, title, detail and cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(e.StatusCode()))
	b.WriteByte(' ')
	b.WriteString(e.TitleText())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if len(e.Errors) > 0 {
		b.WriteString(" [")
		for i, fe := range e.Errors {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(fe.Error())
		}
		b.WriteByte(']')
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode returns Status, or 500 when Status is not a valid HTTP status
// (outside 100-599).
func (e *Error) StatusCode() int {
	if e.Status < 100 || e.Status > 599 {
		return http.StatusInternalServerError
	}
	return e.Status
}

// TitleText returns Title, or the status text when Title is empty.
func (e *Error) TitleText() string {
	if e.Title != "" {
		return e.Title
	}
	if t := http.StatusText(e.StatusCode()); t != "" {
		return t
	}
	return "Error"
}

// FieldError is one problem with one input value, shaped like a pydantic
// error item so that FastAPI clients can parse it:
//
//	{"type":"missing","loc":["body","price"],"msg":"Field required"}
type FieldError struct {
	// Type is a machine-readable code: pydantic's name where one exists
	// ("missing", "int_parsing", "string_too_short", ...).
	Type string `json:"type"`
	// Loc locates the value: a source ("body", forms included, "query",
	// "path", "header", "cookie") then JSON names (string) and indexes
	// (int).
	Loc []any `json:"loc"`
	// Msg is a human-readable message.
	Msg string `json:"msg"`
	// Input echoes the offending input, when there is one.
	Input any `json:"input,omitempty"`
	// Ctx holds the parameters of the failed rule, such as {"min_length":3}.
	// It may be shared by several errors of one rule (validate does so to
	// save allocations): read it, do not modify it.
	Ctx map[string]any `json:"ctx,omitempty"`
}

// Error formats the field error as "loc.path: msg (type)".
func (fe FieldError) Error() string {
	var b strings.Builder
	for i, p := range fe.Loc {
		if i > 0 {
			b.WriteByte('.')
		}
		switch p := p.(type) {
		case string:
			b.WriteString(p)
		case int:
			b.WriteString(strconv.Itoa(p))
		default:
			fmt.Fprint(&b, p)
		}
	}
	if len(fe.Loc) > 0 {
		b.WriteString(": ")
	}
	b.WriteString(fe.Msg)
	if fe.Type != "" {
		b.WriteString(" (")
		b.WriteString(fe.Type)
		b.WriteByte(')')
	}
	return b.String()
}
