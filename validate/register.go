package validate

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Rule is a custom rule for Register.
type Rule struct {
	// Check reports whether v, the field's value after its pointers are
	// followed, satisfies the rule with the tag's parameter (possibly "").
	// Required. It must be safe for concurrent use and should not panic.
	Check func(v reflect.Value, param string) bool
	// Accepts, if set, is called when a type using the rule is compiled, with
	// the value's type (pointers stripped) and the parameter; an error makes
	// the tag bad. Nil accepts every type and parameter.
	Accepts func(t reflect.Type, param string) error
	// Code is the field error's type code. Default "value_error".
	Code string
	// Message is the field error's msg; "{param}" is replaced by the
	// parameter. Default "Value error, NAME".
	Message string
	// Schema, if set, returns the JSON Schema keywords the rule maps to for a
	// value of type t, and whether they accept exactly what Check accepts.
	// Nil means the rule has no JSON Schema form (Constraint.Exact false).
	Schema func(t reflect.Type, param string) (keywords map[string]any, exact bool)
}

var (
	customMu sync.RWMutex
	custom   = map[string]Rule{}
)

// reservedNames are the built-in rules and tag words.
var reservedNames = map[string]bool{
	"required": true, "omitempty": true, "dive": true, "keys": true, "endkeys": true,
	"min": true, "max": true, "len": true, "gt": true, "gte": true, "lt": true, "lte": true,
	"eq": true, "ne": true, "oneof": true, "unique": true,
}

// Register adds a custom rule usable in tags as name or name=param. It
// returns an error, and registers nothing, when name is not a lowercase
// identifier ([a-z][a-z0-9_]*), is a built-in rule, or is already
// registered, or when r.Check is nil. Register is safe for concurrent use;
// call it before compiling the types that use the rule (typically in an
// init function), since a type using an unknown rule fails to compile.
func Register(name string, r Rule) error {
	if !validName(name) {
		return fmt.Errorf("validate: Register: bad rule name %q", name)
	}
	if r.Check == nil {
		return fmt.Errorf("validate: Register %q: Check is nil", name)
	}
	if _, ok := formats[name]; ok || reservedNames[name] {
		return fmt.Errorf("validate: Register %q: a built-in rule has that name", name)
	}
	customMu.Lock()
	defer customMu.Unlock()
	if _, dup := custom[name]; dup {
		return fmt.Errorf("validate: Register %q: already registered", name)
	}
	custom[name] = r
	return nil
}

func validName(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'a' && c <= 'z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

func lookupCustom(name string) (Rule, bool) {
	customMu.RLock()
	defer customMu.RUnlock()
	r, ok := custom[name]
	return r, ok
}

func (r Rule) compile(name, param string, d reflect.Type) (*rulePlan, error) {
	if r.Accepts != nil {
		if err := r.Accepts(d, param); err != nil {
			return nil, err
		}
	}
	code, msg := r.Code, r.Message
	if code == "" {
		code = "value_error"
	}
	if msg == "" {
		msg = "Value error, " + name
	}
	ctx := map[string]any{"rule": name}
	if param != "" {
		ctx["param"] = param
	}
	check := r.Check
	p := &rulePlan{
		check: func(v reflect.Value) bool { return check(v, param) },
		code:  code, msg: strings.ReplaceAll(msg, "{param}", param), ctx: ctx, input: true,
	}
	if r.Schema != nil {
		p.info.Keywords, p.info.Exact = r.Schema(d, param)
	}
	return p, nil
}
