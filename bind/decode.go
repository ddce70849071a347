package bind

import (
	"encoding"
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// decoder fills a Go value from a JSON body in one pass along the value's
// shape. It reports every type error (encoding/json stops at the first),
// refuses repeated keys, and builds the presence tree validate reads, so
// that the value the validator checks is exactly the value the handler
// gets.
type decoder struct {
	data     []byte
	pos      int
	path     []step // loc below the body; made into a []any only for an error
	errs     *errorList
	depth    int
	maxDepth int
	keyBuf   []byte
	strBuf   []byte // unescaped strings, before they are copied
	block    []byte // where strings are carved from (carve); never reused
	slab     []node // presence nodes, allocated a chunk at a time
}

// node returns a new presence node. Nodes come from chunks, so that a body
// of many objects does not cost an allocation per object. The presence
// tree is done with when binding returns (validate reads it, nothing keeps
// it), so reset keeps the last chunk, zeroed, for the next request.
func (d *decoder) node() *node {
	if len(d.slab) == cap(d.slab) {
		d.slab = make([]node, 0, min(max(2*cap(d.slab), 4), 256))
	}
	d.slab = d.slab[:len(d.slab)+1]
	return &d.slab[len(d.slab)-1]
}

// step is one element of the path to the value being decoded: a field
// name or map key, or a list index when name is nil.
type step struct {
	name  any
	index int
}

func (d *decoder) reset() {
	clear(d.path)
	clear(d.slab) // drop the kids and keys of this request's nodes
	*d = decoder{path: d.path[:0], keyBuf: small(d.keyBuf), strBuf: small(d.strBuf), slab: d.slab[:0]}
}

// small returns b emptied, or nil when it grew too large to keep pooled.
func small(b []byte) []byte {
	if cap(b) > 64<<10 {
		return nil
	}
	return b[:0]
}

// document decodes the whole body along sh into v. It reports false on a
// syntax error, with v and the errors found so far to be discarded.
func (d *decoder) document(sh *shape, v reflect.Value) (kid *node, null, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != errSyntax {
				panic(r)
			}
			ok = false
		}
	}()
	null = d.peek() == 'n'
	kid = d.value(sh, v)
	if d.ws(); d.pos != len(d.data) {
		d.syntax() // data after the value
	}
	return kid, null, true
}

func (d *decoder) push(s step) { d.path = append(d.path, s) }
func (d *decoder) pop()        { d.path = d.path[:len(d.path)-1] }

// loc returns the loc of the value being decoded.
func (d *decoder) loc() []any {
	loc := make([]any, 0, len(d.path)+1)
	loc = append(loc, SourceBody)
	for _, s := range d.path {
		if s.name == nil {
			loc = append(loc, s.index)
		} else {
			loc = append(loc, s.name)
		}
	}
	return loc
}

// fail reports f at the current path, echoing the value at start.
func (d *decoder) fail(f *failure, start int) {
	if d.errs.full() {
		d.errs.omitted++ // no loc or input built for an error not listed
		return
	}
	d.errs.add(f.at(d.loc(), d.input(start)))
}

// input returns the scalar JSON value at start..d.pos for echoing, or nil
// for objects, arrays and null.
func (d *decoder) input(start int) any {
	raw := d.data[start:d.pos]
	switch raw[0] {
	case '{', '[', 'n':
		return nil
	case '"':
		return truncate(string(unquote(raw[1:len(raw)-1], nil)))
	case 't':
		return true
	case 'f':
		return false
	}
	return json.Number(truncate(string(raw)))
}

var (
	errString    = &failure{typ: "string_type", msg: "Input should be a valid string"}
	errBoolType  = &failure{typ: "bool_type", msg: "Input should be a valid boolean"}
	errIntType   = &failure{typ: "int_type", msg: "Input should be a valid integer"}
	errIntFloat  = &failure{typ: "int_from_float", msg: "Input should be a valid integer, got a number with a fractional part"}
	errFloatType = &failure{typ: "float_type", msg: "Input should be a valid number"}
	errFinite    = &failure{typ: "finite_number", msg: "Input should be a finite number"}
	errModel     = &failure{typ: "model_attributes_type", msg: "Input should be a valid dictionary or object to extract fields from"}
	errDict      = &failure{typ: "dict_type", msg: "Input should be a valid dictionary"}
	errList      = &failure{typ: "list_type", msg: "Input should be a valid list"}
	errDateType  = &failure{typ: "datetime_type", msg: "Input should be a valid datetime"}
	errBytes     = &failure{typ: "bytes_type", msg: "Input should be a valid bytes"}
	errExtra     = &failure{typ: "extra_forbidden", msg: "Extra inputs are not permitted"}
	errDuplicate = &failure{typ: "duplicate_key", msg: "Duplicate key: each key may appear once in an object"}
)

// typeErrors is the error for a JSON value of the wrong kind, by shape.
var typeErrors = [...]*failure{
	shapeString: errString, shapeText: errString, shapeTime: errDateType,
	shapeBool: errBoolType, shapeInt: errIntType, shapeUint: errIntType,
	shapeFloat: errFloatType, shapeBytes: errBytes, shapeStruct: errModel,
	shapeMap: errDict, shapeList: errList,
}

// mismatch skips a value of the wrong kind for sh and reports it.
func (d *decoder) mismatch(sh *shape, start int) *node {
	d.pos = start
	d.skip()
	for sh.kind == shapePointer {
		sh = sh.elem
	}
	f := typeErrors[sh.kind]
	if sh.kind == shapeStruct && d.depth > 0 {
		f = sh.modelErr // a nested object, as pydantic names it
	}
	d.fail(f, start)
	return failed
}

// value decodes one value along sh into v, an addressable value of sh's
// type, and returns its presence: nil for a value validate needs none for,
// failed for one that did not decode.
func (d *decoder) value(sh *shape, v reflect.Value) *node {
	c := d.peek()
	start := d.pos
	switch {
	case sh.kind == shapeAny:
		return d.raw(sh, v)
	case c == 'n':
		d.literal("null")
		if !sh.nullable {
			return d.mismatch(sh, start)
		}
		v.SetZero()
		return nil
	case sh.kind == shapePointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.value(sh.elem, v.Elem())
	case c == '{' || c == '[':
		return d.nested(sh, v, c)
	case c == '"':
		return d.text(sh, v)
	case c == 't' || c == 'f':
		return d.boolean(sh, v, c == 't')
	case c == '-' || '0' <= c && c <= '9':
		return d.number(sh, v)
	}
	d.syntax()
	return nil
}

// boolean decodes true or false.
func (d *decoder) boolean(sh *shape, v reflect.Value, b bool) *node {
	if sh.kind != shapeBool {
		return d.mismatch(sh, d.pos)
	}
	v.SetBool(b)
	d.skip()
	return nil
}

// nested decodes an object or an array, within the depth limit.
func (d *decoder) nested(sh *shape, v reflect.Value, c byte) *node {
	start := d.pos
	switch {
	case c == '{' && sh.kind == shapeStruct, c == '{' && sh.kind == shapeMap, c == '[' && sh.kind == shapeList:
	default:
		return d.mismatch(sh, start)
	}
	if d.depth >= d.maxDepth || d.depth >= maxNesting {
		d.skip()
		d.fail(&failure{typ: "value_error", msg: "Value error, nesting is deeper than " + strconv.Itoa(d.maxDepth),
			ctx: map[string]any{"max_depth": d.maxDepth}}, start)
		return failed
	}
	d.depth++
	defer func() { d.depth-- }()
	switch sh.kind {
	case shapeStruct:
		return d.object(sh, v)
	case shapeMap:
		return d.dict(sh, v)
	}
	return d.list(sh, v)
}

// raw hands the raw value to a json.Unmarshaler, or to encoding/json for an
// interface, as encoding/json would.
func (d *decoder) raw(sh *shape, v reflect.Value) *node {
	start := d.pos
	d.skip()
	raw := d.data[start:d.pos]
	var err error
	switch {
	case sh.custom:
		err = v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw)
	case raw[0] == 'n':
		v.SetZero()
	default:
		err = json.Unmarshal(raw, v.Addr().Interface())
	}
	if err != nil {
		d.fail(&failure{typ: "value_error", msg: "Value error, " + err.Error()}, start)
		return failed
	}
	return nil
}

// text decodes a JSON string.
func (d *decoder) text(sh *shape, v reflect.Value) *node {
	start := d.pos
	var err error
	switch sh.kind {
	case shapeString:
		v.SetString(d.str())
		return nil
	case shapeTime:
		d.skipString()
		if v.Addr().Interface().(*time.Time).UnmarshalJSON(d.data[start:d.pos]) != nil {
			d.fail(errDatetime, start)
			return failed
		}
		return nil
	case shapeText:
		err = v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(d.str()))
	case shapeBytes:
		err = setBase64(v, d.str())
	default:
		return d.mismatch(sh, start)
	}
	if err != nil {
		d.fail(&failure{typ: "value_error", msg: "Value error, " + err.Error()}, start)
		return failed
	}
	return nil
}

// setBase64 decodes s into the []byte v as encoding/json does.
func setBase64(v reflect.Value, s string) error {
	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Decode(b, []byte(s))
	if err != nil {
		return err
	}
	v.SetBytes(b[:n])
	return nil
}

// number decodes a JSON number. An integer written with a fraction or an
// exponent (1.0, 1e2) is accepted when its value is whole, as JSON Schema
// and pydantic accept it.
func (d *decoder) number(sh *shape, v reflect.Value) *node {
	start := d.pos
	d.skipNumber()
	// The literal is parsed, never kept: it may alias the pooled body.
	lit := unsafe.String(&d.data[start], d.pos-start)
	var f *failure
	switch sh.kind {
	case shapeInt:
		var n int64
		if n, f = jsonInt(lit, sh.bits); f == nil {
			v.SetInt(n)
		}
	case shapeUint:
		var n uint64
		if n, f = jsonUint(lit, sh.bits); f == nil {
			v.SetUint(n)
		}
	case shapeFloat:
		x, err := strconv.ParseFloat(lit, sh.bits)
		if err != nil {
			f = errFinite
		} else {
			v.SetFloat(x)
		}
	default:
		return d.mismatch(sh, start)
	}
	if f != nil {
		d.fail(f, start)
		return failed
	}
	return nil
}

// object decodes a JSON object into a struct: the struct is first reset to
// its zero value and default tags, then each known key fills its field.
func (d *decoder) object(sh *shape, v reflect.Value) *node {
	v.SetZero()
	for _, def := range sh.defaults {
		f := v.FieldByIndex(def.index)
		f.Set(def.value)
		cloneSlice(f)
	}
	n := d.node()
	n.init(len(sh.fields))
	var small [1]uint64
	seen := small[:]
	if len(sh.fields) > 64 {
		seen = make([]uint64, (len(sh.fields)+63)/64)
	}
	d.pos++ // '{'
	if d.empty('}') {
		return n
	}
	for {
		k := d.key()
		switch i := sh.lookup(k); {
		case i < 0:
			d.unknown(sh, k)
		case seen[i>>6]&(1<<(i&63)) != 0:
			d.duplicate(sh.names[i])
		default:
			seen[i>>6] |= 1 << (i & 63)
			d.field(sh, v, n, i)
		}
		if !d.next('}') {
			return n
		}
	}
}

// field decodes the value of field i of the struct v.
func (d *decoder) field(sh *shape, v reflect.Value, n *node, i int) {
	d.push(step{name: sh.names[i]})
	null := d.peek() == 'n'
	kid := d.value(sh.fields[i], fieldAlloc(v, sh.obj.Fields[i].Index))
	n.mark(i, !null || kid == failed, kid)
	d.pop()
}

// unknown skips the value of a key no field has; it is an error for a
// struct that forbids unknown fields.
func (d *decoder) unknown(sh *shape, k []byte) {
	d.ws()
	start := d.pos
	d.skip()
	if sh.extra {
		d.push(step{name: truncate(string(k))})
		d.fail(errExtra, start)
		d.pop()
	}
}

// duplicate skips the value of a key seen before in this object and reports
// it: encoding/json would keep the last value, merging objects, and others
// the first; refusing the key leaves nothing for them to disagree on.
func (d *decoder) duplicate(name any) {
	d.push(step{name: name})
	d.ws()
	start := d.pos
	d.skip()
	d.fail(errDuplicate, start)
	d.pop()
}

// fieldAlloc is v.FieldByIndex, allocating the nil embedded pointers on
// the way, as encoding/json does.
func fieldAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// list decodes a JSON array into a slice or an array.
func (d *decoder) list(sh *shape, v reflect.Value) *node {
	d.pos++ // '['
	if v.Kind() == reflect.Slice {
		return d.slice(sh, v)
	}
	var n *node
	if d.empty(']') {
		return n
	}
	for i := 0; ; i++ {
		if i < v.Len() {
			n = d.element(sh, v.Index(i), n, i)
		} else {
			d.push(step{index: i})
			d.skip() // encoding/json drops what does not fit an array
			d.pop()
		}
		if !d.next(']') {
			return n
		}
	}
}

// element decodes element i of a list into e and records its presence in
// n, made when first needed.
func (d *decoder) element(sh *shape, e reflect.Value, n *node, i int) *node {
	d.push(step{index: i})
	if kid := d.value(sh.elem, e); kid != nil {
		if n == nil {
			n = d.node()
		}
		n.setKid(i, kid)
	}
	d.pop()
	return n
}

// slice decodes the elements of a JSON array into a scratch slice of the
// shape's pool, then sets v to an exact copy: one allocation of the final
// size, where growing v as elements come allocates about five times that
// for a long list (encoding/json grows its slice so). The scratch slice is
// zeroed before it goes back, so that it keeps nothing of the request; one
// over maxScratch bytes is dropped. After a syntax error, which panics out
// of here, it is not returned.
func (d *decoder) slice(sh *shape, v reflect.Value) *node {
	var n *node
	if d.empty(']') {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		return n
	}
	sp, _ := sh.scratch.Get().(*reflect.Value)
	if sp == nil {
		s := reflect.New(v.Type()).Elem() // addressable, so that it can grow
		s.Set(reflect.MakeSlice(v.Type(), 0, 8))
		sp = &s
	}
	s := *sp
	for i := 0; ; i++ {
		if i >= s.Cap() {
			s.Grow(1)
		}
		s.SetLen(i + 1)
		n = d.element(sh, s.Index(i), n, i)
		if !d.next(']') {
			break
		}
	}
	out := reflect.MakeSlice(v.Type(), s.Len(), s.Len())
	reflect.Copy(out, s)
	v.Set(out)
	s.Clear()
	if s.Cap()*int(s.Type().Elem().Size()) <= maxScratch {
		s.SetLen(0)
		sh.scratch.Put(sp)
	}
	return n
}

// maxScratch bounds the scratch slices a list shape keeps between
// requests.
const maxScratch = 1 << 20

// dict decodes a JSON object into a map.
func (d *decoder) dict(sh *shape, v reflect.Value) *node {
	t := v.Type()
	m := reflect.MakeMap(t)
	v.Set(m)
	key := reflect.New(t.Key()).Elem()
	elem := reflect.New(t.Elem()).Elem()
	var n *node
	d.pos++ // '{'
	if d.empty('}') {
		return n
	}
	for {
		name, f := d.mapKey(sh.key, key, d.key())
		d.push(step{name: name})
		d.ws()
		start := d.pos
		switch {
		case f != nil:
			d.skip()
			d.failKey(f)
		case m.MapIndex(key).IsValid():
			d.skip()
			d.fail(errDuplicate, start)
		default:
			elem.SetZero()
			kid := d.value(sh.elem, elem)
			m.SetMapIndex(key, elem)
			if kid != nil {
				if n == nil {
					n = d.node()
				}
				n.setKey(name, kid)
			}
		}
		d.pop()
		if !d.next('}') {
			return n
		}
	}
}

// failKey reports a map key that is not of the key type, echoing the key,
// at [..., key, "[key]"] as pydantic locates it.
func (d *decoder) failKey(f *failure) {
	if d.errs.full() {
		d.errs.omitted++
		return
	}
	d.errs.add(f.at(append(d.loc(), "[key]"), d.path[len(d.path)-1].name))
}

// mapKey is mapKeyOf, with a string key carved from the decoder's block.
func (d *decoder) mapKey(kind mapKey, key reflect.Value, k []byte) (string, *failure) {
	if kind == keyString {
		s := d.carve(k)
		key.SetString(s)
		return s, nil
	}
	return mapKeyOf(kind, key, k)
}

// mapKeyOf stores the JSON object key k into key, as encoding/json does,
// and returns the key as validate names it in locs (truncated for echoing),
// or a failure.
func mapKeyOf(kind mapKey, key reflect.Value, k []byte) (string, *failure) {
	s := string(k)
	switch kind {
	case keyInt:
		n, err := strconv.ParseInt(s, 10, key.Type().Bits())
		if err != nil {
			return truncate(s), errInt
		}
		key.SetInt(n)
		return strconv.FormatInt(n, 10), nil
	case keyUint:
		n, err := strconv.ParseUint(s, 10, key.Type().Bits())
		if err != nil {
			return truncate(s), errInt
		}
		key.SetUint(n)
		return strconv.FormatUint(n, 10), nil
	case keyText:
		key.SetZero()
		if err := key.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText(k); err != nil {
			return truncate(s), &failure{typ: "value_error", msg: "Value error, " + err.Error()}
		}
		if tm, ok := key.Interface().(encoding.TextMarshaler); ok {
			if b, err := tm.MarshalText(); err == nil {
				s = string(b)
			}
		}
		return s, nil
	}
	key.SetString(s)
	return s, nil
}

// jsonInt parses a JSON number for an integer of the given size.
func jsonInt(lit string, bits int) (int64, *failure) {
	lit, f := wholeLiteral(lit)
	if f != nil {
		return 0, f
	}
	lo, hi := intRange(bits)
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, outOfRange(lit, lo, hi)
	}
	return n, nil
}

// jsonUint parses a JSON number for an unsigned integer of the given size.
func jsonUint(lit string, bits int) (uint64, *failure) {
	lit, f := wholeLiteral(lit)
	if f == nil {
		f = checkUint(lit, bits)
	}
	if f != nil {
		return 0, f
	}
	n, _ := strconv.ParseUint(lit, 10, 64)
	return n, nil
}

// wholeLiteral returns an integer literal in plain form: a number written
// with a fraction or an exponent is accepted when its value is whole.
func wholeLiteral(lit string) (string, *failure) {
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; c == '.' || c == 'e' || c == 'E' {
			whole, ok := wholeNumber(lit)
			if !ok {
				return "", errIntFloat
			}
			return whole, nil
		}
	}
	return lit, nil
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
