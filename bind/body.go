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
}

// Default limits, used for zero fields of Limits.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxMultipartBytes = 32 << 20
	DefaultMaxMemory         = 8 << 20
	DefaultMaxFiles          = 100
	DefaultMaxFields         = 1000
	DefaultMaxFieldBytes     = 1 << 20
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
	return l
}

// tooLarge is the 413 answer to a body over its limit.
func tooLarge(what string, limit int64) *stdapi.Error {
	return stdapi.NewError(http.StatusRequestEntityTooLarge,
		what+" is larger than the limit of "+strconv.FormatInt(limit, 10)+" bytes")
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

// decodeJSON decodes data into the body field v and returns its presence.
// Type errors are collected all at once by scanning data along the body's
// shape; encoding/json alone would report only the first.
func (st *state) decodeJSON(in *Input, v reflect.Value, data []byte) *node {
	applyDefaults(in, v)
	err := json.Unmarshal(data, v.Addr().Interface())
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		st.errs = append(st.errs, stdapi.FieldError{
			Type: "json_invalid", Loc: []any{SourceBody, int(syntax.Offset)},
			Msg: "JSON decode error", Ctx: map[string]any{"error": syntax.Error()},
		})
		st.bodyFailed = true
		return nil
	}
	mark := len(st.errs)
	st.scan = scanner{data: data, path: st.scan.path[:0], errs: st.errs, patches: st.scan.patches[:0]}
	root := st.scan.value(in.bodyShape)
	st.errs = st.scan.errs
	if len(st.errs) == mark && len(st.scan.patches) > 0 {
		v.SetZero()
		applyDefaults(in, v)
		err = json.Unmarshal(patched(data, st.scan.patches), v.Addr().Interface())
	}
	if len(st.errs) > mark {
		// Validation still runs, except at and below these locations,
		// so that the client gets every error at once.
		st.typeErrs = st.errs[mark:len(st.errs):len(st.errs)]
		return root
	}
	if err != nil {
		// A custom UnmarshalJSON or UnmarshalText failed: what the
		// scanner cannot know.
		loc := []any{SourceBody}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field != "" {
			for p := range strings.SplitSeq(ute.Field, ".") {
				if i, err := strconv.Atoi(p); err == nil {
					loc = append(loc, i)
				} else {
					loc = append(loc, p)
				}
			}
		}
		st.errs = append(st.errs, stdapi.FieldError{Type: "value_error", Loc: loc, Msg: "Value error, " + err.Error()})
		st.bodyFailed = true
		return nil
	}
	return root
}

// applyDefaults sets the default tags of a JSON body before it is decoded.
func applyDefaults(in *Input, v reflect.Value) {
	for _, d := range in.bodyDefs {
		f := v.FieldByIndex(d.index)
		f.Set(d.value)
		cloneSlice(f)
	}
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
