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
)

// Request fills the struct that in points to from r and validates it, with
// the default Limits. It returns nil, or a *stdapi.Error: 422 listing every
// problem at once, up to Limits.MaxErrors (each loc starts with its source:
// "path", "query", "header", "cookie" or "body", forms included), 413 for a
// body over its limit, 415 for a body of an unsupported media type, 400 for
// an unreadable body. An invalid input type returns another error (a
// programming error that stdapi.WriteError answers with a 500).
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
	errs      errorList
	top       node // presence of the input struct's own fields
	form      node // presence of a form body's fields
	formVals  [][]string
	formFiles [][]*File
	raw       [][]string // by Param.id: the text values sent, for echoing
	queryVals [][]string
	one       [1]string
	temps     []string
	buf       bytes.Buffer
	dec       decoder
}

var states = sync.Pool{New: func() any { return new(state) }}

func getState(in *Input) *state {
	st := states.Get().(*state)
	st.formVals = resizeLists(st.formVals, len(in.form))
	st.formFiles = resize(st.formFiles, len(in.form))
	st.raw = resizeLists(st.raw, len(in.Params))
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

// maxKeptBody is the largest body buffer a pooled state keeps for the next
// request: a body within the default limit (and its allocator's rounding)
// is read without an allocation. sync.Pool lets go of idle states at
// garbage collections, so a burst of large bodies is not held for long.
const maxKeptBody = DefaultMaxBodyBytes + DefaultMaxBodyBytes/8

func (st *state) release() {
	if st.buf.Cap() > maxKeptBody {
		st.buf = bytes.Buffer{} // do not keep a large body's buffer alive
	}
	st.buf.Reset()
	clear(st.errs.list)
	st.errs = errorList{list: st.errs.list[:0]}
	st.formVals = resizeLists(st.formVals, len(st.formVals))
	st.queryVals = resizeLists(st.queryVals, len(st.queryVals))
	st.raw = resizeLists(st.raw, len(st.raw))
	clear(st.formFiles)
	st.one[0] = ""
	st.temps = st.temps[:0]
	st.top, st.form = node{}, node{}
	st.dec.reset()
	states.Put(st)
}

// bind fills v from r: parameters, then the body, then defaults for what
// was not sent, then validation of what was.
func (st *state) bind(in *Input, r *http.Request, v reflect.Value, lim Limits) error {
	st.errs.max = lim.MaxErrors
	st.top.init(in.topFields)
	st.bindParams(in, r, v)
	if in.BodyKind != BodyNone {
		if err := st.bindBody(in, r, v, lim); err != nil {
			return err
		}
	}
	st.setDefaults(in, v)
	st.validate(in, v)
	return st.errs.result(in)
}

// validate checks what was sent, each part under its own loc: a parameter
// at [source, name], the JSON body at ["body"], the fields of a form body at
// their own [source, name]. The input type's and a form body's Validate
// methods run when their fields pass; their errors keep the loc they give.
func (st *state) validate(in *Input, v reflect.Value) {
	mark := len(st.errs.list)
	for _, p := range in.Params {
		if p.check == nil {
			continue
		}
		base := v
		if p.InBody {
			base = v.FieldByIndex(in.bodyIndex)
		}
		from := len(st.errs.list)
		st.count(p.check.Append(st.errs.list, st.errs.max, base, st.levelOf(p), p.loc...))
		for i := from; i < len(st.errs.list); i++ {
			st.echoRaw(p, &st.errs.list[i])
		}
	}
	if in.bodyCheck != nil {
		st.count(in.bodyCheck.Append(st.errs.list, st.errs.max, v, &st.top, SourceBody))
	}
	if in.bodyForm != nil && len(st.errs.list) == mark {
		body := v.FieldByIndex(in.bodyIndex)
		st.count(in.bodyForm.AppendHook(st.errs.list, st.errs.max, body))
	}
	if len(st.errs.list) == mark {
		st.count(in.Validation.AppendHook(st.errs.list, st.errs.max, v))
	}
}

// echoRaw makes the input of a parameter's error the text that was sent,
// as FastAPI echoes it ("-1", not -1): validate echoes the decoded value.
func (st *state) echoRaw(p *Param, fe *stdapi.FieldError) {
	vals := st.raw[p.id]
	if fe.Input == nil || len(vals) == 0 {
		return
	}
	i := 0
	if len(fe.Loc) > 2 {
		i, _ = fe.Loc[2].(int)
		if !p.Explode {
			vals = splitComma(vals)
		}
	}
	if i < len(vals) {
		fe.Input = truncate(vals[i])
	}
}

// count keeps what validate appended, and counts an error it dropped.
func (st *state) count(errs []stdapi.FieldError, dropped bool) {
	st.errs.list = errs
	if dropped {
		st.errs.omitted++
	}
}

// setDefaults sets the default tags of the parameters that were not sent.
func (st *state) setDefaults(in *Input, v reflect.Value) {
	for _, p := range in.Params {
		if !p.HasDefault || st.levelOf(p).Has(p.pos) {
			continue
		}
		f := st.fieldOf(in, p, v)
		f.Set(p.defValue)
		cloneSlice(f)
	}
}

// fieldOf returns p's field in the input value v.
func (st *state) fieldOf(in *Input, p *Param, v reflect.Value) reflect.Value {
	if p.InBody {
		v = v.FieldByIndex(in.bodyIndex)
	}
	return v.FieldByIndex(p.index)
}
