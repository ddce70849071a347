package validate

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"sync"

	"github.com/stdapi/stdapi"
)

// walker runs a plan over a value, appending field errors to dst.
type walker struct {
	dst    []stdapi.FieldError
	short  [4]any // a loc prefix of up to 4 elements, copied
	nshort int
	prefix []any   // a longer loc prefix
	path   *[]step // the path to the value being checked, pooled; nil until the first push
	max    int     // errors dst may hold at most; 0: no limit
	room   int     // the errors to make room for at first (see next); 0: 8
	full   bool    // an error was dropped at max: stop walking
	// locs is where the locs of this walk's errors are carved from, one
	// allocation for several errors; carved parts are never written again.
	locs []any
}

// add appends fe to dst, unless dst holds max errors already: then the walk
// is full and stops.
func (w *walker) add(fe stdapi.FieldError) {
	if p := w.next(); p != nil {
		*p = fe
	}
}

// next appends a zero error to dst and returns it, or returns nil when dst
// holds max errors already: then the walk is full and stops. Filling the
// error in place keeps it off the heap. The first error makes room for
// the fields the plan checks (w.room), up to 8, rather than growing dst
// one error at a time; past that, dst doubles.
func (w *walker) next() *stdapi.FieldError {
	if w.max > 0 && len(w.dst) >= w.max {
		w.full = true
		return nil
	}
	if len(w.dst) == cap(w.dst) && cap(w.dst) < 8 {
		n := 8
		if w.room > cap(w.dst) && w.room < n {
			n = w.room
		} else if cap(w.dst) > 0 {
			n = 2 * cap(w.dst)
		}
		w.dst = append(make([]stdapi.FieldError, 0, n), w.dst...)
	}
	w.dst = append(w.dst, stdapi.FieldError{})
	return &w.dst[len(w.dst)-1]
}

// step is one step of the path to the value being checked. Steps are turned
// into a []any only when an error is made, so that a value that passes costs
// no allocation; the slice holding them is reused through paths.
type step struct {
	name  any           // locName: the JSON name, boxed once at compile time
	index int           // locIndex
	key   reflect.Value // locKey
	kind  uint8
}

var paths = sync.Pool{New: func() any { s := make([]step, 0, 16); return &s }}

// push descends into s. The path comes from the pool at the first step, so
// that a walk of a scalar (a parameter) takes none.
func (w *walker) push(s step) {
	if w.path == nil {
		w.path = paths.Get().(*[]step)
	}
	*w.path = append(*w.path, s)
}

func (w *walker) pop() { *w.path = (*w.path)[:len(*w.path)-1] }

// steps returns the path to the value being checked.
func (w *walker) steps() []step {
	if w.path == nil {
		return nil
	}
	return *w.path
}

const (
	locName uint8 = iota
	locIndex
	locKey
	locKeyMarker // pydantic's "[key]" after a map key whose key failed
)

// value checks v against vp. inRequest is true when v belongs to a level
// described by a Presence (required on elements then means not null);
// checkRequired is false when the caller already settled required.
func (w *walker) value(vp *valuePlan, v reflect.Value, pr Presence, inRequest, checkRequired bool) {
	ptr := false
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			if checkRequired && vp.required {
				w.missing()
			}
			return
		}
		v, ptr = v.Elem(), true
	}
	if !ptr {
		if checkRequired && vp.required && isEmpty(v, inRequest) {
			w.missing()
			return
		}
		if vp.omitempty && v.IsZero() {
			return
		}
	}
	for _, r := range vp.rules {
		if !r.check(v) {
			w.fail(r, v)
			break
		}
	}
	if (vp.strct != nil || vp.items != nil || vp.keys != nil) && len(w.steps()) >= MaxDepth {
		w.add(stdapi.FieldError{
			Type: "value_error", Loc: w.loc(nil), Msg: "Value error, nesting is deeper than " + strconv.Itoa(MaxDepth),
			Ctx: map[string]any{"max_depth": MaxDepth},
		})
		return
	}
	if vp.strct != nil {
		w.structure(vp.strct, v, pr)
	}
	if vp.items != nil || vp.keys != nil {
		switch v.Kind() {
		case reflect.Slice, reflect.Array:
			if vp.items != nil {
				w.list(vp.items, v, pr)
			}
		case reflect.Map:
			w.entries(vp, v, pr)
		}
	}
}

// isEmpty reports whether required fails for v: a nil pointer-like value,
// or, for plain Go values, the zero value.
func isEmpty(v reflect.Value, inRequest bool) bool {
	switch v.Kind() {
	case reflect.Interface, reflect.Map, reflect.Slice, reflect.Chan, reflect.Func:
		return v.IsNil()
	}
	return !inRequest && v.IsZero()
}

func (w *walker) structure(sp *structPlan, v reflect.Value, pr Presence) {
	before := len(w.dst)
	for i := range sp.fields {
		if w.full {
			return
		}
		f := &sp.fields[i]
		w.push(step{name: f.name})
		w.field(f, v, pr)
		w.pop()
	}
	if sp.hook && len(w.dst) == before {
		w.hook(sp, v)
	}
}

// field checks field f of the struct value v, whose presence is pr, with
// the path already at the field.
func (w *walker) field(f *fieldPlan, v reflect.Value, pr Presence) {
	fv, ok := fieldByIndex(v, f.index)
	switch {
	case !ok:
	case pr == nil:
		w.value(f.val, fv, nil, false, true)
	case !pr.Has(f.pos):
		if f.val.required {
			w.missing()
		}
	default:
		cp := pr.Field(f.pos)
		if cp == Skip {
			return
		}
		if f.val.strct == nil && f.val.items == nil && f.val.keys == nil {
			cp = nil
		}
		w.value(f.val, fv, cp, cp != nil, false)
	}
}

// fieldByIndex is reflect.Value.FieldByIndex that reports false, instead of
// panicking, when an embedded pointer on the way is nil.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

func (w *walker) list(items *valuePlan, v reflect.Value, pr Presence) {
	for i := range v.Len() {
		if w.full {
			return
		}
		var cp Presence
		if pr != nil {
			if cp = pr.Index(i); cp == Skip {
				continue
			}
		}
		w.push(step{index: i, kind: locIndex})
		w.value(items, v.Index(i), cp, pr != nil, true)
		w.pop()
	}
}

// entries checks the keys and values of a map. Map order is random, so when
// an entry fails the map is checked again in key order: errors come out in a
// deterministic order, and the passing case does not pay for sorting.
func (w *walker) entries(vp *valuePlan, v reflect.Value, pr Presence) {
	if v.Len() == 0 {
		return
	}
	before := len(w.dst)
	k := reflect.New(v.Type().Key()).Elem()
	e := reflect.New(v.Type().Elem()).Elem()
	var it reflect.MapIter
	it.Reset(v)
	for it.Next() {
		k.SetIterKey(&it)
		e.SetIterValue(&it)
		w.entry(vp, k, e, pr)
	}
	if len(w.dst) == before || v.Len() == 1 {
		return
	}
	clear(w.dst[before:])
	w.dst, w.full = w.dst[:before], false
	keys := v.MapKeys()
	sortKeys(keys)
	for _, key := range keys {
		if w.full {
			return
		}
		e.Set(v.MapIndex(key))
		w.entry(vp, key, e, pr)
	}
}

func (w *walker) entry(vp *valuePlan, k, e reflect.Value, pr Presence) {
	w.push(step{key: k, kind: locKey})
	if vp.keys != nil {
		w.push(step{kind: locKeyMarker})
		w.value(vp.keys, k, nil, pr != nil, true)
		w.pop()
	}
	if vp.items != nil {
		var cp Presence
		if pr != nil {
			cp = pr.Key(keyString(k))
		}
		if cp != Skip {
			w.value(vp.items, e, cp, pr != nil, true)
		}
	}
	w.pop()
}

// keyString formats a map key as encoding/json does.
func keyString(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if b, err := tm.MarshalText(); err == nil {
			return string(b)
		}
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	return fmt.Sprint(k.Interface())
}

func sortKeys(keys []reflect.Value) {
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		switch a.Kind() {
		case reflect.String:
			return a.String() < b.String()
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return a.Int() < b.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return a.Uint() < b.Uint()
		case reflect.Float32, reflect.Float64:
			return a.Float() < b.Float()
		}
		return keyString(a) < keyString(b)
	})
}

// loc turns the current path into a loc: the prefix, the steps, then extra.
func (w *walker) loc(extra []any) []any {
	steps := w.steps()
	n := w.nshort + len(w.prefix) + len(steps) + len(extra)
	if n == 0 {
		return []any{} // the root: [] in JSON, not null
	}
	if cap(w.locs)-len(w.locs) < n {
		w.locs = make([]any, 0, max(4*n, 16))
	}
	// The full slice expression makes an append to this loc copy it
	// rather than overwrite the next one.
	p := w.locs[len(w.locs) : len(w.locs) : len(w.locs)+n]
	w.locs = w.locs[:len(w.locs)+n]
	p = append(p, w.short[:w.nshort]...)
	p = append(p, w.prefix...)
	for _, l := range steps {
		switch l.kind {
		case locName:
			p = append(p, l.name)
		case locIndex:
			p = append(p, l.index)
		case locKey:
			p = append(p, keyString(l.key))
		case locKeyMarker:
			p = append(p, "[key]")
		}
	}
	return append(p, extra...)
}

func (w *walker) missing() {
	w.add(stdapi.FieldError{Type: "missing", Loc: w.loc(nil), Msg: "Field required"})
}

func (w *walker) fail(r *rulePlan, v reflect.Value) {
	fe := w.next()
	if fe == nil {
		return
	}
	// The rule's ctx map is shared by every error it makes (read-only).
	*fe = stdapi.FieldError{Type: r.code, Loc: w.loc(nil), Msg: r.msg, Ctx: r.ctx}
	if r.detail != nil {
		r.detail(v, fe)
	}
	if r.input {
		fe.Input = input(v)
	}
}

// MaxDepth is how deep the validator follows nested values (struct fields,
// elements, map entries). A deeper value, such as a Go value with a pointer
// cycle, gets one value_error at that depth instead of exhausting the stack.
const MaxDepth = 512

// maxInput is the longest string echoed as a field error's input.
const maxInput = 256

// input returns v for echoing in an error: scalars and time.Time only,
// strings up to maxInput bytes, finite floats.
func input(v reflect.Value) any {
	switch v.Kind() {
	case reflect.String:
		if v.Len() > maxInput {
			return nil
		}
		return v.String()
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil // not JSON
		}
		return v.Interface()
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Interface()
	case reflect.Struct:
		if v.Type() == timeType {
			return v.Interface()
		}
	}
	return nil
}

type hooker interface{ Validate() error }

// hook calls the struct's Validate method and places what it returns.
func (w *walker) hook(sp *structPlan, v reflect.Value) {
	var h hooker
	switch {
	case v.CanAddr():
		h = v.Addr().Interface().(hooker)
	case !sp.ptrMth:
		h = v.Interface().(hooker)
	default:
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		h = p.Interface().(hooker)
	}
	err := h.Validate()
	if err == nil {
		return
	}
	var (
		list FieldErrors
		one  stdapi.FieldError
		se   *stdapi.Error
	)
	switch {
	case errors.As(err, &list):
		for _, fe := range list {
			w.place(fe)
		}
	case errors.As(err, &se) && len(se.Errors) > 0:
		for _, fe := range se.Errors {
			w.place(fe)
		}
	case errors.As(err, &one):
		w.place(one)
	default:
		msg := err.Error()
		if se != nil && se.Detail != "" {
			msg = se.Detail // a *stdapi.Error without field errors: its detail
		}
		w.add(stdapi.FieldError{
			Type: "value_error", Loc: w.loc(nil), Msg: "Value error, " + msg,
			Ctx: map[string]any{"error": msg},
		})
	}
}

// place adds a field error from a hook, its loc relative to the struct.
func (w *walker) place(fe stdapi.FieldError) {
	fe.Loc = w.loc(fe.Loc)
	if fe.Type == "" {
		fe.Type = "value_error"
	}
	if fe.Msg == "" {
		fe.Msg = "Value error"
	}
	w.add(fe)
}
