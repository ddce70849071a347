package bind

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/stdapi/stdapi/validate"
)

// A shape is the compiled JSON form of a Go type: what JSON value it
// accepts, which keys its objects have. The body scanner walks a request
// body along it to find every type error at once (encoding/json reports only
// the first) and to record which keys were present for validate.
type shape struct {
	kind     shapeKind
	bits     int  // ints, uints, floats
	nullable bool // a JSON null is accepted
	obj      *validate.Object
	fields   []*shape // struct: parallel to obj.Fields
	folded   []string // struct: lowercased JSON names, for case-insensitive keys
	extra    bool     // struct: unknown keys are rejected (ForbidUnknownFields)
	elem     *shape   // pointer target, list and map element
	keyInt   bool     // map: integer keys
	keyBits  int
	keyUint  bool
	nodes    bool // presence nodes are needed at or below this shape
}

type shapeKind uint8

const (
	shapeAny shapeKind = iota // anything: interfaces, json.Unmarshaler
	shapeString
	shapeText // encoding.TextUnmarshaler: a JSON string
	shapeTime
	shapeBool
	shapeInt
	shapeUint
	shapeFloat
	shapeBytes // []byte: a base64 string
	shapeStruct
	shapeMap
	shapeList
	shapePointer
)

// UnknownFieldsForbidder is implemented by body types that reject JSON keys
// they do not declare (pydantic's extra="forbid"): each unknown key is an
// "extra_forbidden" error. Declare it with an empty method:
//
//	func (CreateItem) ForbidUnknownFields() {}
type UnknownFieldsForbidder interface {
	ForbidUnknownFields()
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	forbidder       = reflect.TypeFor[UnknownFieldsForbidder]()
	shapes          sync.Map // reflect.Type -> *shape
	shapeMu         sync.Mutex
)

func shapeOf(t reflect.Type) (*shape, error) {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape), nil
	}
	shapeMu.Lock()
	defer shapeMu.Unlock()
	building := map[reflect.Type]*shape{}
	s, err := buildShape(t, building)
	if err != nil {
		return nil, err
	}
	for t, s := range building {
		markNodes(s, map[*shape]bool{})
		shapes.LoadOrStore(t, s)
	}
	return s, nil
}

func buildShape(t reflect.Type, building map[reflect.Type]*shape) (*shape, error) {
	if s, ok := shapes.Load(t); ok {
		return s.(*shape), nil
	}
	if s, ok := building[t]; ok {
		return s, nil // a recursive type: filled in by the outer call
	}
	s := &shape{}
	building[t] = s
	pt := reflect.PointerTo(t)
	switch {
	case t.Kind() == reflect.Pointer:
		s.kind, s.nullable = shapePointer, true
		elem, err := buildShape(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		s.elem = elem
		return s, nil
	case t == timeType:
		s.kind = shapeTime
		return s, nil
	case t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) || t.Kind() == reflect.Interface:
		s.kind, s.nullable = shapeAny, true
		return s, nil
	case pt.Implements(textUnmarshaler) || t.Implements(textUnmarshaler):
		s.kind = shapeText
		return s, nil
	}
	switch t.Kind() {
	case reflect.String:
		s.kind = shapeString
	case reflect.Bool:
		s.kind = shapeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.kind, s.bits = shapeInt, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s.kind, s.bits = shapeUint, t.Bits()
	case reflect.Float32, reflect.Float64:
		s.kind, s.bits = shapeFloat, t.Bits()
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(textUnmarshaler) {
			s.kind = shapeBytes
			return s, nil
		}
		s.kind = shapeList
		elem, err := buildShape(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		s.elem = elem
	case reflect.Map:
		s.kind = shapeMap
		k := t.Key()
		switch {
		case k.Kind() == reflect.String || reflect.PointerTo(k).Implements(textUnmarshaler):
		case k.Kind() >= reflect.Int && k.Kind() <= reflect.Int64:
			s.keyInt, s.keyBits = true, k.Bits()
		case k.Kind() >= reflect.Uint && k.Kind() <= reflect.Uintptr:
			s.keyInt, s.keyUint, s.keyBits = true, true, k.Bits()
		default:
			return nil, fmt.Errorf("unsupported map key type %s in %s", k, t)
		}
		elem, err := buildShape(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		s.elem = elem
	case reflect.Struct:
		s.kind = shapeStruct
		vp, err := validate.Compile(t)
		if err != nil {
			return nil, err
		}
		s.obj = vp.Object()
		s.extra = t.Implements(forbidder) || pt.Implements(forbidder)
		for _, f := range s.obj.Fields {
			fs, err := buildShape(f.Type, building)
			if err != nil {
				return nil, err
			}
			s.fields = append(s.fields, fs)
			s.folded = append(s.folded, strings.ToLower(f.JSONName))
		}
	default:
		return nil, fmt.Errorf("unsupported type %s", t)
	}
	return s, nil
}

// markNodes sets nodes on shapes that contain a struct, where validate may
// ask for presence.
func markNodes(s *shape, seen map[*shape]bool) bool {
	if seen[s] {
		return s.nodes || s.kind == shapeStruct
	}
	seen[s] = true
	switch s.kind {
	case shapeStruct:
		s.nodes = true
		for _, f := range s.fields {
			markNodes(f, seen)
		}
	case shapePointer, shapeList, shapeMap:
		s.nodes = markNodes(s.elem, seen)
	}
	return s.nodes
}
