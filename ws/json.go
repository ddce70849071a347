package ws

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stdapi/stdapi"
)

// ReadJSON reads the next message (text or binary) into v, a pointer, then
// validates v with the Validate option or, when that is nil, v's own
// Validate() error method if it has one.
//
// A message the client got wrong gives a *CloseError that wraps a 422
// *stdapi.Error listing field errors located under "body", as for an HTTP
// request body; the connection stays open, and the handler chooses:
//
//   - return the error: the client receives the problem JSON as a text
//     message, then the connection closes with the CloseError's code;
//   - or answer with c.SendError(err) and read on.
//
// The codes are 1007 (invalid payload) for a message that is not JSON or
// not valid UTF-8 (field error "json_invalid"), and 1008 (policy violation)
// for JSON that does not fit v ("int_type", "string_type", ...) or fails
// validation: the 4xx *stdapi.Error of the validator, its locations put
// under "body" if they are not already; a plain error from a Validate
// method becomes one "value_error" with its text as the message. Anything
// else is returned as it is, for the handler to fail with (1011, logged):
// a plain error from the Validate option (validate.Struct's bad-tag error, for
// instance), a 5xx *stdapi.Error, a v that is not a non-nil pointer.
func (c *Conn) ReadJSON(v any) error {
	typ, data, err := c.Read()
	if err != nil {
		return err
	}
	return decodeJSON(typ, data, v, c.cfg.validate)
}

// SendJSON queues a text message holding the JSON encoding of v; see Send.
func (c *Conn) SendJSON(v any) error {
	m, err := NewJSON(v)
	if err != nil {
		return err
	}
	return c.Send(m)
}

// SendError queues a text message holding err as stdapi.WriteError would
// write it in an HTTP response body: the problem JSON of a *stdapi.Error in
// err's chain (in the current stdapi format), or a generic 500 problem that
// reveals nothing for any other error (which is then logged).
func (c *Conn) SendError(err error) error { return c.Send(problemMessage(err)) }

// decodeJSON is ReadJSON after the read: unmarshal, then validate.
func decodeJSON(typ MessageType, data []byte, v any, validate func(any) error) error {
	if typ == Text && !utf8.Valid(data) {
		return invalidJSON("invalid UTF-8", -1)
	}
	if err := json.Unmarshal(data, v); err != nil {
		var syn *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			return invalidJSON(syn.Error(), syntaxPos(syn, len(data)))
		case errors.As(err, &te):
			return notFitting(te)
		case !utf8.Valid(data):
			return invalidJSON("invalid UTF-8", -1)
		}
		return err
	}
	if validate != nil {
		return checkHook(validate(v))
	}
	if vv, ok := v.(interface{ Validate() error }); ok {
		return checkMethod(vv.Validate())
	}
	return nil
}

// checkHook turns the error of the Validate option into the error of ReadJSON.
// Like validate.Struct, a hook reports invalid content with a 4xx
// *stdapi.Error; any other error is a programming error (a bad tag), kept
// for the handler to fail with.
func checkHook(err error) error {
	var se *stdapi.Error
	if err == nil || !errors.As(err, &se) || se.StatusCode() >= 500 {
		return err
	}
	return invalidContent(inBody(se))
}

// checkMethod turns the error of a Validate method into the error of
// ReadJSON: a plain error is the message for the client, as a pydantic
// validator's ValueError is.
func checkMethod(err error) error {
	var se *stdapi.Error
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &se):
		se = stdapi.ValidationError(stdapi.FieldError{
			Type: "value_error",
			Loc:  []any{"body"},
			Msg:  "Value error, " + err.Error(),
		})
	case se.StatusCode() >= 500:
		return err
	default:
		se = inBody(se)
	}
	return invalidContent(se)
}

func invalidContent(se *stdapi.Error) error {
	reason := se.Detail
	if reason == "" {
		reason = se.TitleText()
	}
	return &CloseError{Code: ClosePolicyViolation, Reason: reason, Err: se}
}

// inBody returns se with every field error located under "body", as the
// errors of an HTTP request body are; validators locate errors relative to
// the value they check.
func inBody(se *stdapi.Error) *stdapi.Error {
	out := *se
	out.Errors = make([]stdapi.FieldError, len(se.Errors))
	for i, fe := range se.Errors {
		if len(fe.Loc) == 0 || fe.Loc[0] != "body" {
			fe.Loc = append([]any{"body"}, fe.Loc...)
		}
		out.Errors[i] = fe
	}
	return &out
}

// syntaxPos returns the 0-based index of the byte a syntax error is at, as
// bind and FastAPI report it: encoding/json counts the bytes read, the bad
// one included, except at the end of the input.
func syntaxPos(err *json.SyntaxError, n int) int {
	if err.Offset >= int64(n) && strings.HasPrefix(err.Error(), "unexpected end") {
		return n
	}
	return int(max(err.Offset-1, 0))
}

// invalidJSON is the error for a message that is not JSON; offset < 0 when
// unknown.
func invalidJSON(detail string, offset int) error {
	loc := []any{"body"}
	if offset >= 0 {
		loc = append(loc, offset)
	}
	return &CloseError{
		Code:   CloseInvalidPayload,
		Reason: "invalid JSON",
		Err: stdapi.ValidationError(stdapi.FieldError{
			Type:  "json_invalid",
			Loc:   loc,
			Msg:   "JSON decode error",
			Input: map[string]any{},
			Ctx:   map[string]any{"error": detail},
		}),
	}
}

// notFitting is the error for JSON whose value has the wrong type for its
// destination.
func notFitting(te *json.UnmarshalTypeError) error {
	loc := []any{"body"}
	if te.Field != "" {
		for _, p := range strings.Split(te.Field, ".") {
			if i, err := strconv.Atoi(p); err == nil {
				loc = append(loc, i)
			} else {
				loc = append(loc, p)
			}
		}
	}
	typ, msg := typeError(te.Type)
	return &CloseError{
		Code:   ClosePolicyViolation,
		Reason: "1 validation error",
		Err:    stdapi.ValidationError(stdapi.FieldError{Type: typ, Loc: loc, Msg: msg}),
	}
}

// typeError names the expected type the way pydantic does.
func typeError(t reflect.Type) (code, msg string) {
	if t == nil {
		return "value_error", "Input has the wrong type"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "int_type", "Input should be a valid integer"
	case reflect.Float32, reflect.Float64:
		return "float_type", "Input should be a valid number"
	case reflect.String:
		return "string_type", "Input should be a valid string"
	case reflect.Bool:
		return "bool_type", "Input should be a valid boolean"
	case reflect.Slice, reflect.Array:
		return "list_type", "Input should be a valid list"
	case reflect.Map, reflect.Struct:
		return "dict_type", "Input should be a valid dictionary"
	}
	return "value_error", "Input has the wrong type"
}

// problemMessage renders err with stdapi.WriteError, so that a message error
// has exactly the shape of an HTTP error body.
func problemMessage(err error) *Message {
	rec := &bodyRecorder{header: http.Header{}}
	stdapi.WriteError(rec, nil, err)
	return &Message{typ: Text, data: rec.body.Bytes()}
}

// bodyRecorder is the ResponseWriter problemMessage renders into.
type bodyRecorder struct {
	header http.Header
	body   bytes.Buffer
}

func (r *bodyRecorder) Header() http.Header         { return r.header }
func (r *bodyRecorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *bodyRecorder) WriteHeader(int)             {}
