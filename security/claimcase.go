package security

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// encoding/json matches object keys to struct fields without regard to
// case, so "SCOPE" fills Scope and "Exp" stands for exp. Credentials are
// signed or asserted by someone else, whose idea of a claim's name is the
// exact one: a key that differs from a field's JSON name only by case is
// refused rather than guessed at. keyShape is what that check needs to know
// of a Go type.

var (
	errClaimCase = errors.New("security: key differs only by case from a field's JSON name")
	errClaimType = errors.New("security: registered claim of the wrong type")
)

// keyShape describes how a type decodes from JSON: a struct's fields by
// their exact JSON names (each with the shape of its type), or the shape of
// a slice's, array's or map's elements. A type with no struct below it, or
// that decodes itself (json.Unmarshaler, encoding.TextUnmarshaler), has
// the nil shape: nothing to check.
type keyShape struct {
	fields map[string]*keyShape // for a struct
	elem   *keyShape            // for a slice, array or map
	isMap  bool
}

var shapes sync.Map // reflect.Type -> *keyShape

// shapeOf returns the shape of t, or nil when t decodes no struct.
func shapeOf(t reflect.Type) *keyShape {
	if s, ok := shapes.Load(t); ok {
		return s.(*keyShape)
	}
	s := buildShape(t, map[reflect.Type]*keyShape{})
	shapes.Store(t, s)
	return s
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// buildShape builds the shape of t; building holds the shapes under
// construction, for recursive types.
func buildShape(t reflect.Type, building map[reflect.Type]*keyShape) *keyShape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := building[t]; ok {
		return s
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil // the type decodes itself
	}
	switch t.Kind() {
	case reflect.Struct:
		s := &keyShape{fields: map[string]*keyShape{}}
		building[t] = s
		addFields(s, t, building)
		return s
	case reflect.Slice, reflect.Array, reflect.Map:
		s := &keyShape{isMap: t.Kind() == reflect.Map}
		building[t] = s
		if s.elem = buildShape(t.Elem(), building); s.elem == nil {
			delete(building, t)
			return nil
		}
		return s
	}
	return nil
}

// addFields adds the JSON fields of struct t to s, as encoding/json sees
// them: exported fields by tag name or Go name, fields of untagged embedded
// structs promoted unless a shallower field has the name.
func addFields(s *keyShape, t reflect.Type, building map[reflect.Type]*keyShape) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			if f.IsExported() || f.Type.Kind() != reflect.Pointer {
				embedded = append(embedded, ft)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := s.fields[name]; !dup {
			s.fields[name] = buildShape(f.Type, building)
		}
	}
	for _, et := range embedded {
		promote(s, et, building)
	}
}

// promote adds the fields of embedded struct t to s, except those whose
// names a shallower field has.
func promote(s *keyShape, t reflect.Type, building map[reflect.Type]*keyShape) {
	promoted := &keyShape{fields: map[string]*keyShape{}}
	addFields(promoted, t, building)
	for name, fs := range promoted.fields {
		if _, dup := s.fields[name]; !dup {
			s.fields[name] = fs
		}
	}
}

// checkCase reports, with errClaimCase, the first object key in data that
// is not the JSON name of a field of its struct but equals one without
// regard to case (as encoding/json folds case). Input that does not fit s
// is left to the decoder.
func checkCase(data []byte, s *keyShape) error {
	data = bytes.TrimLeft(data, " \t\r\n")
	if s == nil || len(data) == 0 {
		return nil
	}
	switch {
	case data[0] == '{' && s.fields != nil:
		return eachMember(data, s.checkMember)
	case data[0] == '{' && s.isMap:
		return eachMember(data, func(k string, v []byte) error {
			if err := checkCase(v, s.elem); err != nil {
				return fmt.Errorf("%q: %w", k, err)
			}
			return nil
		})
	case data[0] == '[' && s.elem != nil && !s.isMap:
		return eachElement(data, func(i int, v []byte) error {
			if err := checkCase(v, s.elem); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
			return nil
		})
	}
	return nil
}

// checkMember checks the member k: v of an object of struct shape s.
func (s *keyShape) checkMember(k string, v []byte) error {
	if fs, ok := s.fields[k]; ok {
		if err := checkCase(v, fs); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		return nil
	}
	for name := range s.fields {
		if strings.EqualFold(k, name) {
			return fmt.Errorf("%w: %q is not %q", errClaimCase, k, name)
		}
	}
	return nil
}

// checkRegistered refuses an exp, nbf or iat claim k: v that is not a
// JSON number: golang-jwt decodes NumericDate through json.Number, which
// takes a string such as "1800000600" too.
func checkRegistered(k string, v []byte) error {
	if k != "exp" && k != "nbf" && k != "iat" {
		return nil
	}
	if len(v) == 0 || (v[0] != '-' && (v[0] < '0' || v[0] > '9')) {
		return fmt.Errorf("%w: %q must be a number, not %.20s", errClaimType, k, v)
	}
	return nil
}
