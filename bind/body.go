package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/stdapi/stdapi"
)

// Limits bound what binding reads from one request. A zero field means its
// default.
type Limits struct {
	// MaxBodyBytes bounds a JSON or urlencoded body. Default 1 MiB.
	MaxBodyBytes int64
	// MaxMultipartBytes bounds a whole multipart/form-data body. Default 32 MiB.
	MaxMultipartBytes int64
	// MaxMemory is how much of the uploaded files' content is kept in memory
	// per request; the rest spills to temporary files, removed after the
	// request. Default 8 MiB.
	MaxMemory int64
	// MaxFiles bounds the number of files in a multipart body. Default 100.
	MaxFiles int
	// MaxFields bounds the number of non-file parts of a multipart body and
	// of pairs in an urlencoded body. Default 1000.
	MaxFields int
	// MaxFieldBytes bounds each non-file part of a multipart body. Default 1 MiB.
	MaxFieldBytes int64
	// MaxErrors bounds the field errors one 422 lists. Past it binding
	// stops looking, the detail reads "100+ validation errors" and the
	// member "omitted" counts the errors found but not listed. Default 100.
	MaxErrors int
	// MaxDepth bounds the nesting of objects and arrays in a JSON body; a
	// deeper value is a value_error at that depth. Default 128.
	MaxDepth int
}

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxMultipartBytes = 32 << 20
	DefaultMaxMemory         = 8 << 20
	DefaultMaxFiles          = 100
	DefaultMaxFields         = 1000
	DefaultMaxFieldBytes     = 1 << 20
	DefaultMaxErrors         = 100
	DefaultMaxDepth          = 128
)

func (l Limits) withDefaults() Limits {
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.MaxMultipartBytes <= 0 {
		l.MaxMultipartBytes = DefaultMaxMultipartBytes
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = DefaultMaxMemory
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultMaxFields
	}
	if l.MaxFieldBytes <= 0 {
		l.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if l.MaxErrors <= 0 {
		l.MaxErrors = DefaultMaxErrors
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// tooLarge is the 413 answer to a body over its limit.
func tooLarge(what string, limit int64) *stdapi.Error {
	return stdapi.NewError(http.StatusRequestEntityTooLarge,
		what+" is larger than the limit of "+strconv.FormatInt(limit, 10)+" bytes")
}

// contentType returns r's Content-Type, read under its canonical key
// directly (Header.Get canonicalizes the key on every call).
func contentType(r *http.Request) string {
	if v := r.Header["Content-Type"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// mediaType returns the lowercased media type of a Content-Type value,
// without parameters.
func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	for i := 0; i < len(ct); i++ {
		if c := ct[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(ct)
		}
	}
	return ct
}

func isJSON(mt string) bool {
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}

const (
	mediaForm      = "application/x-www-form-urlencoded"
	mediaMultipart = "multipart/form-data"
)

// unsupported is the 415 answer to a body of a media type the input does
// not read.
func unsupported(got string, want ...string) *stdapi.Error {
	if got == "" {
		got = "none"
	}
	return &stdapi.Error{
		Status: http.StatusUnsupportedMediaType,
		Detail: "Content-Type " + strconv.Quote(got) + " is not supported; send " + strings.Join(want, " or "),
		Header: http.Header{"Accept-Post": {strings.Join(want, ", ")}},
	}
}

// readAll reads a body of at most limit bytes into buf; it never reads more
// than one byte past the limit.
func readAll(r *http.Request, buf *bytes.Buffer, limit int64) error {
	if r.ContentLength > limit {
		return tooLarge("The request body", limit)
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge("The request body", mbe.Limit)
		}
		return &stdapi.Error{Status: http.StatusBadRequest, Detail: "The request body could not be read", Err: err}
	}
	if int64(buf.Len()) > limit {
		return tooLarge("The request body", limit)
	}
	return nil
}

// bindBody reads the body by its Content-Type.
func (st *state) bindBody(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	if in.BodyKind == BodyJSON {
		return st.bindJSON(in, r, v, lim)
	}
	return st.bindForm(in, r, v, lim)
}

// bindJSON reads and decodes a JSON body.
func (st *state) bindJSON(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	ct := contentType(r)
	if ct != "" && !isJSON(mediaType(ct)) {
		return unsupported(mediaType(ct), "application/json")
	}
	if err := readAll(r, &st.buf, lim.MaxBodyBytes); err != nil {
		return err
	}
	if st.buf.Len() == 0 {
		if in.BodyRequired {
			st.errs.add(stdapi.FieldError{Type: "missing", Loc: []any{SourceBody}, Msg: "Field required"})
			st.top.mark(in.bodyPos, true, failed)
		}
		return nil
	}
	if ct == "" {
		// A body without a Content-Type is refused: browsers send
		// text/plain and form bodies cross-site without a CORS
		// preflight, application/json they do not (FastAPI does the
		// same, as a CSRF defence).
		return unsupported("", "application/json")
	}
	st.decodeJSON(in, v.FieldByIndex(in.bodyIndex), st.buf.Bytes(), lim)
	return nil
}

// decodeJSON decodes data into the body field v and records its presence.
// The decoder checks the syntax as it reads; on an error, what it found is
// discarded and the error is the syntax error alone, as encoding/json
// reports it.
func (st *state) decodeJSON(in *Input, v reflect.Value, data []byte, lim Limits) {
	d := &st.dec
	d.data, d.errs, d.maxDepth = data, &st.errs, lim.MaxDepth
	mark, omitted := len(st.errs.list), st.errs.omitted
	kid, null, ok := d.document(in.bodyShape, v)
	if !ok {
		clear(st.errs.list[mark:])
		st.errs.list, st.errs.omitted = st.errs.list[:mark], omitted
		v.SetZero()
		st.errs.add(syntaxError(data, d.pos))
		st.top.mark(in.bodyPos, true, failed)
		return
	}
	st.top.mark(in.bodyPos, !null || kid == failed, kid)
}

// syntaxError is the json_invalid error of data, with encoding/json's
// message; at is where the decoder stopped, in case encoding/json found
// nothing wrong (then the two disagree, which the fuzz tests look for).
func syntaxError(data []byte, at int) stdapi.FieldError {
	pos, msg := at, "invalid JSON"
	var syntax *json.SyntaxError
	if errors.As(json.Unmarshal(data, &struct{}{}), &syntax) {
		pos, msg = syntaxPos(syntax, len(data)), syntax.Error()
	}
	return stdapi.FieldError{
		Type: "json_invalid", Loc: []any{SourceBody, pos},
		Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": msg},
	}
}

// syntaxPos returns the 0-based index of the byte a syntax error is at, as
// Python's json module (and so FastAPI) reports it: encoding/json counts the
// bytes read, the bad one included, except at the end of the input.
func syntaxPos(err *json.SyntaxError, n int) int {
	if err.Offset >= int64(n) && strings.HasPrefix(err.Error(), "unexpected end") {
		return n
	}
	return int(max(err.Offset-1, 0))
}

// cloneSlice gives a slice field set from a shared default its own backing
// array, so that a handler appending to it cannot change the default.
func cloneSlice(f reflect.Value) {
	if f.Kind() == reflect.Slice && !f.IsNil() {
		c := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
		reflect.Copy(c, f)
		f.Set(c)
	}
}
