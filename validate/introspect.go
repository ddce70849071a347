package validate

import "reflect"

// Object describes one compiled struct level: the fields a JSON object of
// this type has, in declaration order, with promoted fields of embedded
// structs flattened in as encoding/json does. Struct values are shared by
// every plan that contains the type and may form cycles for recursive types;
// treat them as read-only.
type Object struct {
	// Type is the struct type.
	Type reflect.Type
	// Fields are the exported fields that take part in JSON, in order. The
	// position of a field in this slice is the index a Presence receives.
	Fields []Field
	// Hook reports whether the type has a Validate() error method, called
	// after its fields pass.
	Hook bool
}

// Lookup returns the index in s.Fields of the field whose JSON name is name,
// or -1. A Presence implementation calls it once, when it is built, to map
// the keys it sees to field indexes.
func (s *Object) Lookup(name string) int {
	for i := range s.Fields {
		if s.Fields[i].JSONName == name {
			return i
		}
	}
	return -1
}

// Field describes one field of a Struct.
type Field struct {
	// Name is the Go field name.
	Name string
	// JSONName is the name used in loc and in JSON: the json tag's name, or
	// Name when there is none.
	JSONName string
	// Index is the field's index sequence for reflect.Value.FieldByIndex
	// (longer than one for fields promoted from embedded structs).
	Index []int
	// Tag is the raw validate tag.
	Tag string
	// Value describes the rules on the field's value.
	Value
}

// Value describes what is checked at one position: a field's value, the
// elements of a collection (after dive) or the keys of a map (keys ...
// endkeys). Rules apply to the value after its pointers are followed.
type Value struct {
	// Type is the declared type at this position (pointers included).
	Type reflect.Type
	// Required is set by the required rule.
	Required bool
	// OmitEmpty is set by omitempty: a zero value skips every rule of this
	// position, so a schema must also accept the zero value.
	OmitEmpty bool
	// Rules are the other rules, in tag order.
	Rules []Constraint
	// Items describes the elements of a slice, array or map (JSON Schema
	// items or additionalProperties): the rules after dive, or only Object
	// when the elements are structs validated by their own tags.
	Items *Value
	// Keys describes the keys of a map (JSON Schema propertyNames): the
	// rules between keys and endkeys.
	Keys *Value
	// Object is the struct walked at this position, when the type (after
	// pointers) is a struct that is not a leaf such as time.Time or an
	// encoding.TextUnmarshaler.
	Object *Object
}

// Constraint is one compiled rule of a Value, with the JSON Schema keywords
// that express it for the value's kind.
type Constraint struct {
	// Rule is the rule's name, as in the tag: "min", "email", "oneof".
	Rule string
	// Param is the rule's parameter as written ("3" for min=3), or "".
	Param string
	// Code is the type code of the field error the rule produces.
	Code string
	// Keywords are JSON Schema (2020-12) keywords for the value this rule
	// constrains, such as {"minLength":3} or {"enum":["a","b"]}, with typed
	// values. Nil when the rule has no JSON Schema form. Read-only.
	Keywords map[string]any
	// Exact reports whether Keywords accept exactly the values the rule
	// accepts. When false, Keywords (possibly nil) are the closest
	// description and the validator decides; a schema generator should say
	// so rather than document a stricter or looser rule silently.
	Exact bool
}
