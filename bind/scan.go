package bind

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/validate"
)

// scanner walks a syntactically valid JSON document along a shape. It
// collects every type error (a string where a number belongs, an integer
// out of range, a null where no null is allowed, an unknown key where they
// are forbidden) and builds the presence tree that validate asks.
type scanner struct {
	data []byte
	pos  int
	path []any // loc below the body
	errs []stdapi.FieldError
}

func (s *scanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

func (s *scanner) fail(typ, msg string, ctx map[string]any, input any) {
	loc := make([]any, 0, len(s.path)+1)
	loc = append(loc, SourceBody)
	loc = append(loc, s.path...)
	s.errs = append(s.errs, stdapi.FieldError{Type: typ, Loc: loc, Msg: msg, Input: input, Ctx: ctx})
}

func (s *scanner) failWith(f *failure, input any) { s.fail(f.typ, f.msg, f.ctx, input) }

var (
	errString    = &failure{typ: "string_type", msg: "Input should be a valid string"}
	errBoolType  = &failure{typ: "bool_type", msg: "Input should be a valid boolean"}
	errIntType   = &failure{typ: "int_type", msg: "Input should be a valid integer"}
	errIntFloat  = &failure{typ: "int_from_float", msg: "Input should be a valid integer, got a number with a fractional part"}
	errFloatType = &failure{typ: "float_type", msg: "Input should be a valid number"}
	errFinite    = &failure{typ: "finite_number", msg: "Input should be a finite number"}
	errModel     = &failure{typ: "model_type", msg: "Input should be an object"}
	errDict      = &failure{typ: "dict_type", msg: "Input should be a valid dictionary"}
	errList      = &failure{typ: "list_type", msg: "Input should be a valid list"}
	errDateType  = &failure{typ: "datetime_type", msg: "Input should be a valid datetime"}
	errBytes     = &failure{typ: "bytes_type", msg: "Input should be a valid base64 string"}
	errExtra     = &failure{typ: "extra_forbidden", msg: "Extra inputs are not permitted"}
)

// typeError reports the value at start..s.pos as not matching sh.
func (s *scanner) typeError(sh *shape, start int) {
	var f *failure
	switch sh.kind {
	case shapeString, shapeText:
		f = errString
	case shapeTime:
		f = errDateType
	case shapeBool:
		f = errBoolType
	case shapeInt, shapeUint:
		f = errIntType
	case shapeFloat:
		f = errFloatType
	case shapeBytes:
		f = errBytes
	case shapeStruct:
		f = errModel
	case shapeMap:
		f = errDict
	case shapeList:
		f = errList
	case shapePointer:
		s.typeError(sh.elem, start)
		return
	default:
		return
	}
	s.failWith(f, s.input(start))
}

// input returns the scalar JSON value at start for echoing, or nil for
// objects, arrays and null.
func (s *scanner) input(start int) any {
	raw := s.data[start:s.pos]
	switch raw[0] {
	case '{', '[', 'n':
		return nil
	case '"':
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return nil
		}
		return truncate(v)
	case 't':
		return true
	case 'f':
		return false
	}
	return json.Number(truncate(string(raw)))
}

// value scans one value along sh and returns its presence node, or nil.
func (s *scanner) value(sh *shape) *node {
	s.ws()
	start := s.pos
	c := s.data[s.pos]
	if c == 'n' {
		s.pos += len("null")
		if !sh.nullable {
			s.typeError(sh, start)
		}
		return nil
	}
	switch sh.kind {
	case shapePointer:
		return s.value(sh.elem)
	case shapeAny:
		s.skip()
	case shapeString, shapeText, shapeBytes:
		s.skip()
		if c != '"' {
			s.typeError(sh, start)
		}
	case shapeTime:
		s.skip()
		if c != '"' {
			s.typeError(sh, start)
		} else if _, err := time.Parse(time.RFC3339Nano, s.text(start)); err != nil {
			s.failWith(errDatetime, s.input(start))
		}
	case shapeBool:
		s.skip()
		if c != 't' && c != 'f' {
			s.typeError(sh, start)
		}
	case shapeInt, shapeUint, shapeFloat:
		s.skip()
		if c != '-' && (c < '0' || c > '9') {
			s.typeError(sh, start)
		} else if f := checkNumber(sh, string(s.data[start:s.pos])); f != nil {
			s.failWith(f, s.input(start))
		}
	case shapeStruct:
		if c != '{' {
			s.skip()
			s.typeError(sh, start)
			return nil
		}
		return s.object(sh)
	case shapeMap:
		if c != '{' {
			s.skip()
			s.typeError(sh, start)
			return nil
		}
		return s.dict(sh)
	case shapeList:
		if c != '[' {
			s.skip()
			s.typeError(sh, start)
			return nil
		}
		return s.list(sh)
	}
	return nil
}

// text returns the content of the JSON string at start..s.pos.
func (s *scanner) text(start int) string {
	raw := s.data[start:s.pos]
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	json.Unmarshal(raw, &v)
	return v
}

// checkNumber reports a JSON number that does not fit sh.
func checkNumber(sh *shape, lit string) *failure {
	fraction := strings.ContainsAny(lit, ".eE")
	switch sh.kind {
	case shapeInt:
		if fraction {
			return errIntFloat
		}
		lo, hi := intRange(sh.bits)
		v, err := strconv.ParseInt(lit, 10, 64)
		if err != nil || v < lo || v > hi {
			return outOfRange(lit, lo, hi)
		}
	case shapeUint:
		if fraction {
			return errIntFloat
		}
		return checkUint(lit, sh.bits)
	case shapeFloat:
		if _, err := strconv.ParseFloat(lit, sh.bits); err != nil {
			return errFinite
		}
	}
	return nil
}

func (s *scanner) push(v any) { s.path = append(s.path, v) }
func (s *scanner) pop()       { s.path = s.path[:len(s.path)-1] }

// key reads an object key and the colon after it. The returned bytes alias
// the input unless the key has escapes.
func (s *scanner) key() []byte {
	s.ws()
	start := s.pos
	s.skipString()
	raw := s.data[start+1 : s.pos-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		var v string
		json.Unmarshal(s.data[start:s.pos], &v)
		raw = []byte(v)
	}
	s.ws()
	s.pos++ // ':'
	return raw
}

// next moves past a ',' and reports true, or past the closing bracket and
// reports false.
func (s *scanner) next() bool {
	s.ws()
	c := s.data[s.pos]
	s.pos++
	return c == ','
}

// empty moves past the closing bracket of an empty object or array.
func (s *scanner) empty(closing byte) bool {
	s.ws()
	if s.data[s.pos] == closing {
		s.pos++
		return true
	}
	return false
}

func (s *scanner) object(sh *shape) *node {
	n := newNode(len(sh.fields))
	s.pos++ // '{'
	if s.empty('}') {
		return n
	}
	for {
		k := s.key()
		i := lookup(sh.obj, sh.folded, k)
		if i < 0 {
			s.ws()
			start := s.pos
			s.skip()
			if sh.extra {
				s.push(string(k))
				s.failWith(errExtra, s.input(start))
				s.pop()
			}
		} else {
			s.push(sh.obj.Fields[i].JSONName)
			s.ws()
			if s.data[s.pos] != 'n' {
				n.set(i)
			}
			if kid := s.value(sh.fields[i]); kid != nil {
				n.kid(i, len(sh.fields), kid)
			}
			s.pop()
		}
		if !s.next() {
			return n
		}
	}
}

// lookup finds a key's field as encoding/json does: an exact match first,
// then a case-insensitive one.
func lookup(obj *validate.Object, folded []string, k []byte) int {
	for i := range obj.Fields {
		if obj.Fields[i].JSONName == string(k) {
			return i
		}
	}
	for i := range folded {
		if strings.EqualFold(folded[i], string(k)) {
			return i
		}
	}
	return -1
}

func (s *scanner) dict(sh *shape) *node {
	var n *node
	if sh.elem.nodes {
		n = &node{}
	}
	s.pos++ // '{'
	if s.empty('}') {
		return n
	}
	for {
		k := string(s.key())
		s.push(k)
		if sh.keyInt {
			var err error
			if sh.keyUint {
				_, err = strconv.ParseUint(k, 10, sh.keyBits)
			} else {
				_, err = strconv.ParseInt(k, 10, sh.keyBits)
			}
			if err != nil {
				s.failWith(errInt, truncate(k))
			}
		}
		kid := s.value(sh.elem)
		if n != nil {
			n.keys = append(n.keys, k)
			n.kids = append(n.kids, kid)
		}
		s.pop()
		if !s.next() {
			return n
		}
	}
}

func (s *scanner) list(sh *shape) *node {
	var n *node
	if sh.elem.nodes {
		n = &node{}
	}
	s.pos++ // '['
	if s.empty(']') {
		return n
	}
	for i := 0; ; i++ {
		s.push(i)
		kid := s.value(sh.elem)
		if n != nil {
			n.kids = append(n.kids, kid)
		}
		s.pop()
		if !s.next() {
			return n
		}
	}
}

// skip moves past one value of any kind.
func (s *scanner) skip() {
	s.ws()
	switch s.data[s.pos] {
	case '"':
		s.skipString()
	case '{', '[':
		depth := 0
		for {
			switch s.data[s.pos] {
			case '"':
				s.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			s.pos++
			if depth == 0 {
				return
			}
		}
	default: // numbers and literals end at a delimiter
		for s.pos < len(s.data) {
			switch s.data[s.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			s.pos++
		}
	}
}

func (s *scanner) skipString() {
	s.pos++ // opening quote
	for {
		switch s.data[s.pos] {
		case '\\':
			s.pos += 2
		case '"':
			s.pos++
			return
		default:
			s.pos++
		}
	}
}

// node is the presence of one JSON object or array, for validate.
type node struct {
	small [1]uint64
	bits  []uint64 // struct: fields present with a non-null value
	kids  []*node  // struct: by field; list: by index; map: parallel to keys
	keys  []string
}

func newNode(fields int) *node {
	n := &node{}
	if fields <= 64 {
		n.bits = n.small[:]
	} else {
		n.bits = make([]uint64, (fields+63)/64)
	}
	return n
}

func (n *node) set(i int) { n.bits[i>>6] |= 1 << (i & 63) }

func (n *node) kid(i, fields int, k *node) {
	if n.kids == nil {
		n.kids = make([]*node, fields)
	}
	n.kids[i] = k
}

// Has implements validate.Presence.
func (n *node) Has(i int) bool { return n.bits[i>>6]&(1<<(i&63)) != 0 }

// Field implements validate.Presence.
func (n *node) Field(i int) validate.Presence { return n.at(i) }

// Index implements validate.Presence.
func (n *node) Index(i int) validate.Presence { return n.at(i) }

// Key implements validate.Presence.
func (n *node) Key(key string) validate.Presence {
	for i, k := range n.keys {
		if k == key {
			return n.at(i)
		}
	}
	return nil
}

func (n *node) at(i int) validate.Presence {
	if i >= len(n.kids) || n.kids[i] == nil {
		return nil // an untyped nil: a nil *node would not compare equal to nil
	}
	return n.kids[i]
}
