package validate

import (
	"fmt"
	"reflect"
)

// uniqueRule builds unique: no two elements of a slice or array, or no two
// values of a map, are equal (pointers compare the values they point to).
func uniqueRule(param string, d reflect.Type) (*rulePlan, error) {
	if param != "" {
		return nil, fmt.Errorf("takes no parameter")
	}
	c := classOf(d)
	if c != classList && c != classMap {
		return nil, fmt.Errorf("not applicable to %s (slices, arrays and maps only)", d)
	}
	et := deref(d.Elem())
	if !comparable(et) {
		return nil, fmt.Errorf("elements of type %s cannot be compared", d.Elem())
	}
	r := &rulePlan{
		code: "value_error", msg: "Input should have unique items", ctx: map[string]any{"rule": "unique"},
		check: uniqueList,
	}
	if c == classMap {
		r.check = uniqueMap
		return r, nil
	}
	if et.Kind() != reflect.Uint8 || d.Elem().Kind() == reflect.Pointer {
		r.info.Keywords, r.info.Exact = map[string]any{"uniqueItems": true}, true
	}
	return r, nil
}

// quadratic is the length up to which unique compares pairs instead of
// building a set (which allocates).
const quadratic = 64

func uniqueList(v reflect.Value) bool {
	n := v.Len()
	if n > quadratic {
		set := make(map[any]struct{}, n)
		for i := range n {
			k := setKey(v.Index(i))
			if _, dup := set[k]; dup {
				return false
			}
			set[k] = struct{}{}
		}
		return true
	}
	for i := 1; i < n; i++ {
		a := v.Index(i)
		for j := range i {
			if equal(a, v.Index(j)) {
				return false
			}
		}
	}
	return true
}

func uniqueMap(v reflect.Value) bool {
	vals := make([]reflect.Value, 0, v.Len())
	it := v.MapRange()
	for it.Next() {
		vals = append(vals, it.Value())
	}
	set := make(map[any]struct{}, len(vals))
	for _, x := range vals {
		k := setKey(x)
		if _, dup := set[k]; dup {
			return false
		}
		set[k] = struct{}{}
	}
	return true
}

// nilKey stands for a nil pointer in a set.
type nilKey struct{}

func setKey(v reflect.Value) any {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nilKey{}
		}
		v = v.Elem()
	}
	return v.Interface()
}

func equal(a, b reflect.Value) bool {
	for a.Kind() == reflect.Pointer {
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		a, b = a.Elem(), b.Elem()
	}
	return a.Equal(b)
}

// comparable reports whether values of t can be compared without a run-time
// panic: interfaces (whose dynamic values may be slices) are excluded.
func comparable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return false
	case reflect.Array:
		return comparable(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !comparable(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return t.Comparable()
}
