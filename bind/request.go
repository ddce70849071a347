package bind

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sync"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// Request fills the struct that in points to from r and validates it, with
// the default Limits. It returns nil, or a *stdapi.Error: 422 listing every
// problem at once (each loc starts with its source: "path", "query",
// "header", "cookie", "body", "form" or "file"), 413 for a body over its
// limit, 415 for a body of an unsupported media type, 400 for an unreadable
// body. An invalid input type returns another error (a programming error
// that stdapi.WriteError answers with a 500).
//
// Request first sets *in to its zero value: fields not in the request keep
// their zero value or their default tag. Uploaded files spilled to disk are
// removed when r's context ends, which net/http does when the handler
// returns.
func Request(r *http.Request, in any) error { return Limits{}.Request(r, in) }

// Request is the package-level Request with these limits.
func (l Limits) Request(r *http.Request, in any) error {
	rv := reflect.ValueOf(in)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("bind: Request needs a non-nil pointer to a struct, not %T", in)
	}
	input, err := Describe(rv.Type().Elem())
	if err != nil {
		return err
	}
	v := rv.Elem()
	v.SetZero()
	st := getState(input)
	defer st.release()
	err = st.bind(input, r, v, l.withDefaults())
	if len(st.temps) > 0 {
		temps := slices.Clone(st.temps)
		context.AfterFunc(r.Context(), func() { removeTemps(temps) })
	}
	return err
}

// state is the per-request scratch space of binding, pooled.
type state struct {
	errs      []stdapi.FieldError
	top       topPresence
	form      node
	failed    []bool // by Param.id: a value that did not parse
	formVals  [][]string
	formFiles [][]*File
	queryVals [][]string
	one       [1]string
	temps     []string
	buf       bytes.Buffer
	scan      scanner

	bodyFailed bool                // the body is missing or not JSON: no validation below it
	typeErrs   []stdapi.FieldError // JSON type errors: no validation at or below their locs
}

var states = sync.Pool{New: func() any { return new(state) }}

func getState(in *Input) *state {
	st := states.Get().(*state)
	st.failed = resize(st.failed, len(in.Params))
	st.formVals = resizeLists(st.formVals, len(in.form))
	st.formFiles = resize(st.formFiles, len(in.form))
	return st
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// resizeLists is resize for lists of values, keeping their capacity.
func resizeLists(s [][]string, n int) [][]string {
	if cap(s) < n {
		return make([][]string, n)
	}
	s = s[:n]
	for i := range s {
		clear(s[i])
		s[i] = s[i][:0]
	}
	return s
}

func (st *state) release() {
	if st.buf.Cap() > 64<<10 {
		st.buf = bytes.Buffer{} // do not keep a large body's buffer alive
	}
	st.buf.Reset()
	clear(st.errs)
	st.errs = st.errs[:0]
	st.formVals = resizeLists(st.formVals, len(st.formVals))
	st.queryVals = resizeLists(st.queryVals, len(st.queryVals))
	clear(st.formFiles)
	st.one[0] = ""
	st.temps = st.temps[:0]
	clear(st.scan.path)
	st.scan = scanner{path: st.scan.path[:0]}
	st.top = topPresence{}
	st.form = node{}
	st.bodyFailed = false
	st.typeErrs = nil
	states.Put(st)
}

// topPresence is the presence of the input struct's own fields: the
// parameters that were sent, and the body.
type topPresence struct {
	bits    []uint64
	small   [2]uint64
	bodyPos int
	body    validate.Presence
}

func (t *topPresence) init(fields, bodyPos int) {
	if fields <= 128 {
		t.bits = t.small[:]
	} else {
		t.bits = make([]uint64, (fields+63)/64)
	}
	t.bodyPos = bodyPos
}

func (t *topPresence) set(i int) { t.bits[i>>6] |= 1 << (i & 63) }

// Has implements validate.Presence.
func (t *topPresence) Has(i int) bool { return t.bits[i>>6]&(1<<(i&63)) != 0 }

// Field implements validate.Presence.
func (t *topPresence) Field(i int) validate.Presence {
	if i == t.bodyPos {
		return t.body
	}
	return nil
}

// Index implements validate.Presence; a struct level has no elements.
func (t *topPresence) Index(int) validate.Presence { return nil }

// Key implements validate.Presence; a struct level has no keys.
func (t *topPresence) Key(string) validate.Presence { return nil }

// bind fills v from r: parameters, then the body, then validation.
func (st *state) bind(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	st.top.init(in.topFields, in.bodyPos)
	for _, p := range in.path {
		if s := r.PathValue(p.Name); s != "" {
			st.one[0] = s
			st.setParam(p, v, st.one[:])
		}
	}
	if len(in.query) > 0 && r.URL.RawQuery != "" {
		st.bindQuery(in, v, r.URL.RawQuery)
	}
	for _, p := range in.header {
		if vals := r.Header[p.key]; len(vals) > 0 {
			st.setParam(p, v, vals)
		}
	}
	for _, p := range in.cookie {
		if cs := r.CookiesNamed(p.Name); len(cs) > 0 {
			vals := make([]string, len(cs))
			for i, c := range cs {
				vals[i] = c.Value
			}
			st.setParam(p, v, vals)
		}
	}
	if in.BodyKind != BodyNone {
		if err := st.bindBody(in, r, v, lim); err != nil {
			return err
		}
	}
	for _, p := range in.Params {
		if p.HasDefault && !st.present(in, p) && !st.failed[p.id] {
			f := st.fieldOf(in, p, v)
			f.Set(p.defValue)
			cloneSlice(f)
		}
	}
	return st.validate(in, v)
}

// present reports whether p was sent.
func (st *state) present(in *Input, p *Param) bool {
	if p.InBody {
		return st.form.bits != nil && st.form.Has(p.pos)
	}
	return st.top.Has(p.pos)
}

// fieldOf returns p's field in the input value v.
func (st *state) fieldOf(in *Input, p *Param, v reflect.Value) reflect.Value {
	if p.InBody {
		v = v.FieldByIndex(in.bodyIndex)
	}
	return v.FieldByIndex(p.index)
}

func (st *state) setParam(p *Param, v reflect.Value, vals []string) {
	st.top.set(p.pos)
	if !p.set(v.FieldByIndex(p.index), vals, p.loc, &st.errs) {
		st.failed[p.id] = true
	}
}

// bindQuery scans the raw query once for the input's query parameters. A
// scalar takes the first value sent; a slice takes them all, in order.
func (st *state) bindQuery(in *Input, v reflect.Value, raw string) {
	st.queryVals = resizeLists(st.queryVals, len(in.query))
	vals := st.queryVals
	pairs(raw, func(key, value string, ok bool) bool {
		for i, p := range in.query {
			if p.Name != key {
				continue
			}
			if !ok {
				st.errs = append(st.errs, errEscape.at(p.loc, truncate(value)))
				st.failed[p.id] = true
				st.top.set(p.pos)
			} else if len(vals[i]) == 0 || p.Field.Type.Kind() == reflect.Slice {
				vals[i] = append(vals[i], value)
			}
			break
		}
		return true
	})
	for i, p := range in.query {
		if len(vals[i]) > 0 && !st.failed[p.id] {
			st.setParam(p, v, vals[i])
		}
	}
}

// bindBody reads the body by its Content-Type.
func (st *state) bindBody(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	ct := r.Header.Get("Content-Type")
	mt := mediaType(ct)
	if in.BodyKind == BodyJSON {
		if ct != "" && !isJSON(mt) {
			return unsupported(mt, "application/json")
		}
		if err := readAll(r, &st.buf, lim.MaxBodyBytes); err != nil {
			return err
		}
		if st.buf.Len() == 0 {
			if in.BodyRequired {
				st.errs = append(st.errs, stdapi.FieldError{Type: "missing", Loc: []any{SourceBody}, Msg: "Field required"})
				st.bodyFailed = true
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
		body := v.FieldByIndex(in.bodyIndex)
		root := st.decodeJSON(in, body, st.buf.Bytes())
		if !st.bodyFailed {
			st.top.set(in.bodyPos)
			if body.Kind() == reflect.Pointer && body.IsNil() {
				st.top.bits[in.bodyPos>>6] &^= 1 << (in.bodyPos & 63) // a JSON null
			}
			if root != nil {
				st.top.body = root
			}
		}
		return nil
	}
	switch {
	case mt == mediaForm || mt == mediaMultipart:
	case ct == "" && r.ContentLength == 0:
		// No body at all: every form field is missing.
	default:
		if in.BodyKind == BodyMultipart {
			return unsupported(mt, mediaMultipart)
		}
		return unsupported(mt, mediaForm, mediaMultipart)
	}
	if mt != "" {
		if err := st.readForm(in, r, mt, lim); err != nil {
			return err
		}
	}
	base := v
	if !in.formTop {
		st.form = node{}
		st.form.bits = st.form.small[:]
		if len(in.bodyObj.Fields) > 64 {
			st.form.bits = make([]uint64, (len(in.bodyObj.Fields)+63)/64)
		}
		st.top.set(in.bodyPos)
		st.top.body = &st.form
		base = v.FieldByIndex(in.bodyIndex)
	}
	for i, p := range in.form {
		if st.failed[p.id] {
			continue
		}
		f := base.FieldByIndex(p.index)
		if p.Source == SourceFile {
			if files := st.formFiles[i]; len(files) > 0 {
				st.markForm(in, p)
				p.setFile(f, files)
			}
			continue
		}
		if vals := st.formVals[i]; len(vals) > 0 {
			st.markForm(in, p)
			if !p.set(f, vals, p.loc, &st.errs) {
				st.failed[p.id] = true
			}
		}
	}
	return nil
}

func (st *state) markForm(in *Input, p *Param) {
	if in.formTop {
		st.top.set(p.pos)
	} else {
		st.form.set(p.pos)
	}
}

// validate runs the input's validation plan with what was present, then
// returns every error found, located by source.
func (st *state) validate(in *Input, v reflect.Value) error {
	mark := len(st.errs)
	st.errs = in.Validation.Append(st.errs, v, &st.top)
	kept := st.errs[:mark]
	for _, fe := range st.errs[mark:] {
		if loc, ok := st.relocate(in, fe.Loc); ok {
			fe.Loc = loc
			kept = append(kept, fe)
		}
	}
	st.errs = kept
	if len(st.errs) == 0 {
		return nil
	}
	errs := slices.Clone(st.errs)
	slices.SortStableFunc(errs, func(a, b stdapi.FieldError) int {
		return sourceRank(a.Loc) - sourceRank(b.Loc)
	})
	return stdapi.ValidationError(errs...)
}

// relocate turns validate's loc (JSON names from the input struct down)
// into a request loc (source first). It reports false for errors of values
// that already failed to parse, which validate saw as zero values.
func (st *state) relocate(in *Input, loc []any) ([]any, bool) {
	name, _ := loc[0].(string)
	r, ok := in.relocs[name]
	if !ok {
		return loc, true
	}
	if r.param == nil { // the body
		if st.bodyFailed {
			return nil, false
		}
		if in.BodyKind != BodyJSON && len(loc) > 1 {
			sub, _ := loc[1].(string)
			if fr, ok := in.relocs[name+"\x00"+sub]; ok {
				if st.failed[fr.param.id] {
					return nil, false
				}
				return append(slices.Clip(fr.param.loc), loc[2:]...), true
			}
		}
		// validate made loc for this error alone: rename its first
		// element in place instead of copying it.
		loc[0] = SourceBody
		for _, te := range st.typeErrs {
			if hasPrefix(loc, te.Loc) {
				return nil, false
			}
		}
		return loc, true
	}
	if st.failed[r.param.id] {
		return nil, false
	}
	return append(slices.Clip(r.param.loc), loc[1:]...), true
}

func hasPrefix(loc, prefix []any) bool {
	if len(prefix) > len(loc) {
		return false
	}
	for i := range prefix {
		if loc[i] != prefix[i] {
			return false
		}
	}
	return true
}

// sourceRank orders errors as FastAPI does: path, query, header, cookie,
// then the body.
func sourceRank(loc []any) int {
	if len(loc) == 0 {
		return 9
	}
	switch loc[0] {
	case SourcePath:
		return 0
	case SourceQuery:
		return 1
	case SourceHeader:
		return 2
	case SourceCookie:
		return 3
	}
	return 4
}
