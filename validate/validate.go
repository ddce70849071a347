package validate

import (
	"fmt"
	"reflect"

	"github.com/stdapi/stdapi"
)

// Struct validates v, a struct or a non-nil pointer to one, with plain Go
// semantics (no Presence). It returns nil when every rule passes, and
// otherwise a *stdapi.Error made by stdapi.ValidationError (422) listing
// every failure, with loc made of JSON names, indexes and map keys. A bad
// tag, or a v that is not a struct, returns another error (a programming
// error: stdapi.WriteError answers it with a 500).
func Struct(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return fmt.Errorf("validate: Struct(nil %s)", rv.Type())
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return fmt.Errorf("validate: Struct(%T): not a struct", v)
	}
	p, err := Compile(rv.Type())
	if err != nil {
		return err
	}
	return result(p.Append(nil, rv, nil))
}

// Validate validates v, a value of the plan's type or a pointer to one, like
// Struct. A nil pointer passes.
func (p *Plan) Validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && rv.Type() != p.typ {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if !rv.IsValid() || rv.Type() != p.typ {
		return fmt.Errorf("validate: Plan(%s).Validate(%T): wrong type", p.typ, v)
	}
	return result(p.Append(nil, rv, nil))
}

func result(errs []stdapi.FieldError) error {
	if len(errs) == 0 {
		return nil
	}
	return stdapi.ValidationError(errs...)
}

// Append validates v and appends its field errors to dst, each loc starting
// with prefix (bind passes "body", "query", ...). v is a value of the plan's
// type or a pointer to one; a nil pointer passes. pr tells which fields were
// present (see Presence); nil means plain Go semantics. When v passes, Append
// returns dst unchanged and allocates nothing.
//
// Append panics when v has another type: a caller holding a Plan knows the
// type it compiled.
func (p *Plan) Append(dst []stdapi.FieldError, v reflect.Value, pr Presence, prefix ...any) []stdapi.FieldError {
	for v.Kind() == reflect.Pointer && v.Type() != p.typ {
		if v.IsNil() {
			return dst
		}
		v = v.Elem()
	}
	if !v.IsValid() || v.Type() != p.typ {
		panic(fmt.Sprintf("validate: Plan(%s).Append: value of type %v", p.typ, v.Type()))
	}
	if !p.root.active() {
		return dst
	}
	w := newWalker(dst, 0, prefix)
	if sp := p.root.strct; sp != nil {
		w.room = len(sp.fields) // a struct's checked fields: most fail once
	}
	w.value(p.root, v, pr, pr != nil, false)
	return w.done()
}

// newWalker starts a walk that appends to dst, at most max errors in all
// (0: no limit), each loc starting with prefix.
func newWalker(dst []stdapi.FieldError, max int, prefix []any) walker {
	w := walker{dst: dst, max: max}
	if len(prefix) <= len(w.short) {
		// Copying the prefix keeps the caller's variadic slice on its stack.
		w.nshort = copy(w.short[:], prefix)
	} else {
		w.prefix = append([]any(nil), prefix...)
	}
	return w
}

// done ends the walk and returns what it appended.
func (w *walker) done() []stdapi.FieldError {
	if w.path != nil {
		clear(*w.path) // drop references to the user's values
		*w.path = (*w.path)[:0]
		paths.Put(w.path)
	}
	return w.dst
}
