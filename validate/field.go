package validate

import (
	"reflect"

	"github.com/stdapi/stdapi"
)

// FieldPlan is the compiled validation of one field of a struct type, for a
// decoder that names the field's location itself: bind checks a query
// parameter at ["query", "limit"] and a JSON body at ["body"], not at the
// Go field's JSON name.
type FieldPlan struct{ f *fieldPlan }

// Field returns the plan of field i of the plan's struct type (the field
// Object().Fields[i] describes), or nil when nothing is checked on it.
func (p *Plan) Field(i int) *FieldPlan {
	if p.root.strct == nil {
		return nil
	}
	for j := range p.root.strct.fields {
		if f := &p.root.strct.fields[j]; f.pos == i {
			return &FieldPlan{f}
		}
	}
	return nil
}

// Append checks the field in v, a value of the struct type whose level pr
// describes (see Presence; nil means plain Go semantics), exactly as
// Plan.Append checks it there, and appends the errors to dst with each loc
// starting with loc instead of the field's name.
//
// With max > 0, dst holds at most max errors: when Append finds an error it
// cannot add, it stops there and reports dropped.
func (fp *FieldPlan) Append(dst []stdapi.FieldError, max int, v reflect.Value, pr Presence, loc ...any) (_ []stdapi.FieldError, dropped bool) {
	w := newWalker(dst, max, loc)
	w.field(fp.f, v, pr)
	dropped = w.full
	return w.done(), dropped
}

// AppendHook calls the Validate() error method of v, a value of the plan's
// struct type, when the type has one, and appends what it returns to dst as
// Plan.Append would, each loc starting with loc; max and dropped are as for
// FieldPlan.Append.
func (p *Plan) AppendHook(dst []stdapi.FieldError, max int, v reflect.Value, loc ...any) (_ []stdapi.FieldError, dropped bool) {
	sp := p.root.strct
	if sp == nil || !sp.hook {
		return dst, false
	}
	w := newWalker(dst, max, loc)
	w.hook(sp, v)
	dropped = w.full
	return w.done(), dropped
}
