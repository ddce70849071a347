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
	data    []byte
	pos     int
	path    []any // loc below the body
	errs    []stdapi.FieldError
	patches []patch // rewrites that make encoding/json agree with the schema
}

// A patch replaces data[start:end] with text before the body is decoded
// again. encoding/json differs from JSON Schema (and pydantic) in two
// places, and bind follows the schema: it rejects 1.0 and 1e2 for an
// integer field, which are integers in JSON Schema (patched to 1 and 100),
// and it fills a field from a key that matches its name only
// case-insensitively (the key is patched into one no field can match, so
// that the value lands nowhere, as the schema says).
type patch struct {
	start, end int
	text       string
}

// patched returns data with the patches applied, in order.
func patched(data []byte, patches []patch) []byte {
	out := make([]byte, 0, len(data)+len(patches)*8)
	last := 0
	for _, p := range patches {
		out = append(out, data[last:p.start]...)
		out = append(out, p.text...)
		last = p.end
	}
	return append(out, data[last:]...)
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
		} else if f, whole := checkNumber(sh, string(s.data[start:s.pos])); f != nil {
			s.failWith(f, s.input(start))
		} else if whole != "" {
			s.patches = append(s.patches, patch{start, s.pos, whole})
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

// checkNumber reports a JSON number that does not fit sh. An integer
// written with a fraction or an exponent (1.0, 1e2) fits when its value is
// whole: whole is then its plain form, for the decoder.
func checkNumber(sh *shape, lit string) (f *failure, whole string) {
	switch sh.kind {
	case shapeInt, shapeUint:
		if strings.ContainsAny(lit, ".eE") {
			var ok bool
			if whole, ok = wholeNumber(lit); !ok {
				return errIntFloat, ""
			}
			lit = whole
		}
		if sh.kind == shapeUint {
			return checkUint(lit, sh.bits), whole
		}
		lo, hi := intRange(sh.bits)
		v, err := strconv.ParseInt(lit, 10, 64)
		if err != nil || v < lo || v > hi {
			return outOfRange(lit, lo, hi), ""
		}
	case shapeFloat:
		if _, err := strconv.ParseFloat(lit, sh.bits); err != nil {
			return errFinite, ""
		}
	}
	return nil, whole
}

// wholeNumber returns a JSON number written with a fraction or an exponent
// in plain integer form, when its value is whole; a value too large for any
// integer type keeps a digit count that still reads as out of range. It
// never builds a huge number, whatever the exponent says.
func wholeNumber(lit string) (string, bool) {
	sign := ""
	if lit[0] == '-' {
		sign, lit = "-", lit[1:]
	}
	mant, expPart, _ := strings.Cut(strings.ToLower(lit), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	exp := 0
	if expPart != "" {
		e, err := strconv.Atoi(expPart)
		if err != nil || e > 1000 || e < -1000 {
			e = max(min(e, 1000), -1000) // Atoi saturates on overflow
		}
		exp = e
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	if trimmed == "" {
		return "0", true
	}
	if exp < 0 {
		return "", false
	}
	if len(trimmed)+exp > 25 {
		exp = 25 - len(trimmed) // beyond every integer type: keep it so
		if exp < 0 {
			trimmed, exp = trimmed[:25], 0
		}
	}
	return sign + trimmed + strings.Repeat("0", exp), true
}

func (s *scanner) push(v any) { s.path = append(s.path, v) }
func (s *scanner) pop()       { s.path = s.path[:len(s.path)-1] }

// key reads an object key and the colon after it. The returned bytes alias
// the input unless the key has escapes; start is the key's opening quote.
func (s *scanner) key() (k []byte, start int) {
	s.ws()
	start = s.pos
	s.skipString()
	raw := s.data[start+1 : s.pos-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		var v string
		json.Unmarshal(s.data[start:s.pos], &v)
		raw = []byte(v)
	}
	s.ws()
	s.pos++ // ':'
	return raw, start
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
		k, at := s.key()
		i := lookup(sh.obj, k)
		if i < 0 {
			if foldLookup(sh.folded, k) {
				s.patches = append(s.patches, patch{at + 1, at + 1, `\u0000`})
			}
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

// lookup finds the field a key names, exactly, as JSON Schema and pydantic
// do; -1 when there is none.
func lookup(obj *validate.Object, k []byte) int {
	for i := range obj.Fields {
		if obj.Fields[i].JSONName == string(k) {
			return i
		}
	}
	return -1
}

// foldLookup reports whether an unknown key matches a field's name but for
// case, which encoding/json would accept.
func foldLookup(folded []string, k []byte) bool {
	for _, f := range folded {
		if strings.EqualFold(f, string(k)) {
			return true
		}
	}
	return false
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
		kb, _ := s.key()
		k := string(kb)
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
