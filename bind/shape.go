package bind

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/stdapi/stdapi/validate"
)

// A shape is the compiled JSON form of a Go type: what JSON value it
// accepts, which keys its objects have, how it is stored. The decoder walks
// a request body along it once, filling the value, finding every type error
// (encoding/json reports only the first) and recording for validate which
// keys were sent.
type shape struct {
	kind     shapeKind
	typ      reflect.Type
	bits     int  // ints, uints, floats
	nullable bool // a JSON null is accepted
	custom   bool // any: a json.Unmarshaler, given the raw value
	obj      *validate.Object
	fields   []*shape       // struct: parallel to obj.Fields
	names    []any          // struct: JSON names, boxed once for locs
	index    map[string]int // struct: field by JSON name, for many fields
	defaults []fieldDefault // struct: default tags, set before the object's keys
	extra    bool           // struct: unknown keys are rejected (ForbidUnknownFields)
	modelErr *failure       // struct: the error for a nested non-object
	elem     *shape         // pointer target, list and map element
	key      mapKey         // map: how keys are read
	nodes    bool           // presence nodes are needed at or below this shape
	scratch  sync.Pool      // list of a slice type: *reflect.Value scratch slices (decoder.slice)
}

// mapKey says how the keys of a JSON object are stored in a Go map.
type mapKey uint8

const (
	keyString mapKey = iota
	keyInt
	keyUint
	keyText // encoding.TextUnmarshaler
)

// manyFields is the field count from which a struct's keys are looked up in
// a map rather than by a linear scan.
const manyFields = 12

// lookup returns the index of the field whose JSON name is exactly k (as
// JSON Schema and pydantic match keys, not encoding/json's case folding),
// or -1.
func (s *shape) lookup(k []byte) int {
	if s.index != nil {
		if i, ok := s.index[string(k)]; ok {
			return i
		}
		return -1
	}
	for i := range s.obj.Fields {
		if s.obj.Fields[i].JSONName == string(k) {
			return i
		}
	}
	return -1
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

// UnknownFieldsForbidder is implemented by types that reject what they do
// not declare (pydantic's extra="forbid"): on a JSON body type (or any
// struct in it), each unknown key is an "extra_forbidden" error; on the
// input type itself, each unknown query parameter is one, at
// ["query", name] (FastAPI's query parameter models with extra="forbid").
// Declare it with an empty method:
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
	s := &shape{typ: t}
	building[t] = s
	if s.special(t) || s.scalar(t) {
		return s, nil
	}
	return s, s.composite(t, building)
}

// special fills shapes that a type's methods decide, before its kind:
// time.Time, json.Unmarshaler and interfaces, encoding.TextUnmarshaler.
func (s *shape) special(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	switch {
	case t.Kind() == reflect.Pointer:
		return false
	case t == timeType:
		s.kind = shapeTime
	case t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) || t.Kind() == reflect.Interface:
		s.kind, s.nullable = shapeAny, true
		s.custom = t.Kind() != reflect.Interface
	case pt.Implements(textUnmarshaler) || t.Implements(textUnmarshaler):
		s.kind = shapeText
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(textUnmarshaler):
		s.kind = shapeBytes
	default:
		return false
	}
	return true
}

// scalar fills the shapes of strings, booleans and numbers.
func (s *shape) scalar(t reflect.Type) bool {
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
	default:
		return false
	}
	return true
}

// composite fills the shapes of pointers, lists, maps and structs.
func (s *shape) composite(t reflect.Type, building map[reflect.Type]*shape) error {
	switch t.Kind() {
	case reflect.Pointer:
		s.kind, s.nullable = shapePointer, true
	case reflect.Slice, reflect.Array:
		s.kind = shapeList
	case reflect.Map:
		s.kind = shapeMap
		if err := s.mapKey(t); err != nil {
			return err
		}
	case reflect.Struct:
		return s.structure(t, building)
	default:
		return fmt.Errorf("unsupported type %s", t)
	}
	elem, err := buildShape(t.Elem(), building)
	s.elem = elem
	return err
}

// mapKey sets how the keys of the map type t are read, as encoding/json
// reads them.
func (s *shape) mapKey(t reflect.Type) error {
	k := t.Key()
	switch {
	case reflect.PointerTo(k).Implements(textUnmarshaler):
		s.key = keyText
	case k.Kind() == reflect.String:
		s.key = keyString
	case k.Kind() >= reflect.Int && k.Kind() <= reflect.Int64:
		s.key = keyInt
	case k.Kind() >= reflect.Uint && k.Kind() <= reflect.Uintptr:
		s.key = keyUint
	default:
		return fmt.Errorf("unsupported map key type %s in %s", k, t)
	}
	return nil
}

// structure fills a struct shape: its fields, their names and defaults.
func (s *shape) structure(t reflect.Type, building map[reflect.Type]*shape) error {
	s.kind = shapeStruct
	vp, err := validate.Compile(t)
	if err != nil {
		return err
	}
	s.obj = vp.Object()
	s.modelErr = &failure{typ: "model_type", msg: "Input should be a valid dictionary or instance of " + t.Name(),
		ctx: map[string]any{"class_name": t.Name()}}
	pt := reflect.PointerTo(t)
	s.extra = t.Implements(forbidder) || pt.Implements(forbidder)
	if len(s.obj.Fields) >= manyFields {
		s.index = make(map[string]int, len(s.obj.Fields))
	}
	for i, f := range s.obj.Fields {
		fs, err := buildShape(f.Type, building)
		if err != nil {
			return err
		}
		s.fields = append(s.fields, fs)
		s.names = append(s.names, any(f.JSONName))
		if s.index != nil {
			s.index[f.JSONName] = i
		}
	}
	s.defaults, err = jsonDefaults(t, nil, map[reflect.Type]bool{})
	if err != nil {
		return fmt.Errorf("%s: %w", t, err)
	}
	return nil
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
