package docs

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/invopop/jsonschema"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
)

// mode says which side of the wire a schema describes: what bind accepts
// (input) or what encoding/json writes (output).
type mode int

const (
	modeIn mode = iota
	modeOut
)

const (
	refPrefix    = "#/components/schemas/"
	outRefPrefix = "\x00out:" // an output ref, resolved once the split is known
	outputSuffix = "-Output"
)

var (
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
	fileType        = reflect.TypeFor[bind.File]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	customSchema    = reflect.TypeFor[interface{ JSONSchema() *jsonschema.Schema }]()
	forbidder       = reflect.TypeFor[bind.UnknownFieldsForbidder]()
)

// schemaSet turns Go types into JSON Schemas for one document build: the
// invopop reflector gives each type's structure, then the rules of bind
// (presence, nullability, integer ranges) and of validate (keywords) are
// applied, once for inputs and once for outputs.
type schemaSet struct {
	namer *namer
	refl  *jsonschema.Reflector
	raw   map[string]map[string]any       // invopop's definitions by component name
	roots map[reflect.Type]map[string]any // invopop's root schemas, reflected once
	types map[string]reflect.Type
	in    map[string]map[string]any
	out   map[string]map[string]any
	// final components, after the input/output split.
	components map[string]any
	// outName names the output variant of a component.
	outName func(string) string
}

func newSchemaSet(roots []reflect.Type) *schemaSet {
	var named []reflect.Type
	seen := map[reflect.Type]bool{}
	for _, t := range roots {
		collectTypes(t, seen, &named)
	}
	g := &schemaSet{
		namer: newNamer(named),
		raw:   map[string]map[string]any{},
		roots: map[reflect.Type]map[string]any{},
		types: map[string]reflect.Type{},
		in:    map[string]map[string]any{},
		out:   map[string]map[string]any{},
	}
	g.refl = &jsonschema.Reflector{
		Anonymous:                  true,
		AllowAdditionalProperties:  true,
		RequiredFromJSONSchemaTags: true,
		Namer:                      g.namer.name,
		Mapper:                     mapType,
	}
	return g
}

// isLeaf reports types that are one JSON value to bind, not an object.
func isLeaf(t reflect.Type) bool {
	if t == timeType || t == durationType || t == fileType {
		return true
	}
	pt := reflect.PointerTo(t)
	return t.Implements(customSchema) || pt.Implements(customSchema) ||
		t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) ||
		t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler)
}

// collectTypes lists the named struct types reachable from t, each once.
func collectTypes(t reflect.Type, seen map[reflect.Type]bool, named *[]reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if seen[t] {
		return
	}
	seen[t] = true
	if isLeaf(t) {
		if t.Kind() == reflect.Struct && t.Name() != "" && (t.Implements(customSchema) || reflect.PointerTo(t).Implements(customSchema)) {
			*named = append(*named, t)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if t.Name() != "" {
			*named = append(*named, t)
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() || f.Anonymous {
				collectTypes(f.Type, seen, named)
			}
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		collectTypes(t.Elem(), seen, named)
	}
}

// mapType gives invopop the schemas of the types bind treats as one value.
func mapType(t reflect.Type) *jsonschema.Schema {
	pt := reflect.PointerTo(t)
	switch {
	case t == timeType:
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case t == durationType:
		return &jsonschema.Schema{Type: "integer"}
	case t == fileType:
		return &jsonschema.Schema{Type: "string", Format: "binary", ContentMediaType: "application/octet-stream"}
	case t.Implements(customSchema) || pt.Implements(customSchema):
		return nil
	case t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) || t.Implements(jsonMarshaler):
		return &jsonschema.Schema{}
	case t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler) || t.Implements(textMarshaler):
		return &jsonschema.Schema{Type: "string"}
	}
	return nil
}

// root returns the schema of a request or response body of type t (rules v
// on the body field itself, may be nil), with its components recorded.
func (g *schemaSet) root(t reflect.Type, v *validate.Value, m mode) (any, error) {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.Interface {
		return map[string]any{}, nil
	}
	rm, ok := g.roots[base]
	if !ok {
		s := g.refl.ReflectFromType(base)
		defs := s.Definitions
		s.Definitions = nil
		s.Version = ""
		s.ID = ""
		for name, d := range defs {
			if _, ok := g.raw[name]; ok {
				continue
			}
			dm, err := toMap(d)
			if err != nil {
				return nil, err
			}
			g.raw[name] = dm
		}
		var err error
		if rm, err = toMap(s); err != nil {
			return nil, err
		}
		g.roots[base] = rm
	}
	s, err := g.adjust(g.refs(deepCopy(rm), m), t, v, m, nil)
	if err == nil && m == modeOut && (t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
		// bind writes a nil slice body as [] and a nil map as {}.
		s = notNull(s)
	}
	return s, err
}

// notNull undoes makeNullable on s.
func notNull(s any) any {
	m, _ := s.(map[string]any)
	if types, ok := m["type"].([]any); ok && len(types) == 2 && types[1] == "null" {
		m["type"] = types[0]
		return m
	}
	branches, _ := m["anyOf"].([]any)
	if len(branches) != 2 || !equalJSON(branches[1], map[string]any{"type": "null"}) {
		return s
	}
	inner, _ := branches[0].(map[string]any)
	for k, v := range m {
		if k != "anyOf" {
			inner[k] = v
		}
	}
	return inner
}

// toMap converts an invopop schema to generic JSON values, numbers kept
// exact.
func toMap(s *jsonschema.Schema) (map[string]any, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		return m, nil
	}
	return map[string]any{}, nil // the true schema
}

// finish processes every definition for both modes, splits input and
// output schemas where they differ, and resolves output refs.
func (g *schemaSet) finish(usedIn, usedOut map[string]bool) error {
	for name, raw := range g.raw {
		t := g.byName(name)
		for _, m := range []mode{modeIn, modeOut} {
			s, err := g.definition(deepCopy(raw).(map[string]any), t, m)
			if err != nil {
				return err
			}
			if m == modeIn {
				g.in[name] = s
			} else {
				g.out[name] = s
			}
		}
	}
	// Which components differ as outputs: locally, or through a component
	// they reference that differs.
	differs := map[string]bool{}
	for name := range g.raw {
		if !equalJSON(normalizeOut(g.out[name]), g.in[name]) {
			differs[name] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for name := range g.raw {
			if differs[name] {
				continue
			}
			for _, r := range outRefs(g.out[name]) {
				if differs[r] {
					differs[name] = true
					changed = true
					break
				}
			}
		}
	}
	// Reachability decides which variants are emitted; an output-only
	// component keeps the plain name.
	reachIn := reach(usedIn, func(n string) []string { return inRefs(g.in[n]) })
	reachOut := reach(usedOut, func(n string) []string { return outRefs(g.out[n]) })
	g.components = map[string]any{}
	for name := range reachIn {
		g.components[name] = g.in[name]
	}
	outName := func(name string) string {
		if differs[name] && reachIn[name] {
			return name + outputSuffix
		}
		return name
	}
	for name := range reachOut {
		if differs[name] {
			g.components[outName(name)] = g.resolveOut(g.out[name], outName)
		} else if !reachIn[name] {
			g.components[name] = g.in[name]
		}
	}
	g.outName = outName
	return nil
}

func (g *schemaSet) byName(name string) reflect.Type {
	if t, ok := g.types[name]; ok {
		return t
	}
	for t, n := range g.namer.names {
		g.types[n] = t
	}
	return g.types[name]
}

// Describer is implemented by types that describe themselves: the
// description of their component, which Go's doc comments cannot give at
// run time. A method on the value or on the pointer is called on the zero
// value.
type Describer interface {
	OpenAPIDescription() string
}

var describer = reflect.TypeFor[Describer]()

// definition processes one component for mode m.
func (g *schemaSet) definition(s map[string]any, t reflect.Type, m mode) (map[string]any, error) {
	g.refs(s, m)
	if t != nil {
		var d Describer
		if t.Implements(describer) {
			d, _ = reflect.Zero(t).Interface().(Describer)
		} else if reflect.PointerTo(t).Implements(describer) {
			d, _ = reflect.New(t).Interface().(Describer)
		}
		if d != nil {
			if text := d.OpenAPIDescription(); text != "" {
				s["description"] = text
			}
		}
	}
	if t == nil || t.Kind() != reflect.Struct || t.Implements(customSchema) || reflect.PointerTo(t).Implements(customSchema) {
		return s, nil
	}
	if err := g.object(s, t, m); err != nil {
		return nil, err
	}
	return s, nil
}

// object applies presence, rules and docs to the properties of struct t.
func (g *schemaSet) object(s map[string]any, t reflect.Type, m mode) error {
	plan, err := validate.Compile(t)
	if err != nil {
		return fmt.Errorf("docs: %w", err)
	}
	props, _ := s["properties"].(map[string]any)
	var required, order []any
	for _, f := range plan.Object().Fields {
		p, ok := props[f.JSONName]
		if !ok {
			continue
		}
		order = append(order, f.JSONName)
		sf := t.FieldByIndex(f.Index)
		ps, err := g.adjust(p, f.Type, &f.Value, m, &sf)
		if err != nil {
			return err
		}
		props[f.JSONName] = ps
		if m == modeIn && f.Required || m == modeOut && !omitsEmpty(sf) {
			required = append(required, f.JSONName)
		}
	}
	delete(s, "required")
	if len(required) > 0 {
		s["required"] = required
	}
	if len(order) > 0 {
		s[orderKey] = order
	}
	delete(s, "additionalProperties")
	if m == modeIn && (t.Implements(forbidder) || reflect.PointerTo(t).Implements(forbidder)) {
		s["additionalProperties"] = false
	}
	return nil
}

func omitsEmpty(sf reflect.StructField) bool {
	_, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
	for o := range strings.SplitSeq(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return true
		}
	}
	return false
}

// adjust completes the schema s of a value of type t with rules v (may be
// nil) for mode m; sf is the struct field, when s is a property.
func (g *schemaSet) adjust(s any, t reflect.Type, v *validate.Value, m mode, sf *reflect.StructField) (any, error) {
	sm, ok := s.(map[string]any)
	if !ok {
		sm = map[string]any{}
	}
	base, ptr := t, false
	for base.Kind() == reflect.Pointer {
		base, ptr = base.Elem(), true
	}
	if props, ok := sm["properties"].(map[string]any); ok && props != nil && base.Kind() == reflect.Struct && g.namer.name(base) == "" {
		if err := g.object(sm, base, m); err != nil {
			return nil, err
		}
	}
	if typ, _ := sm["type"].(string); typ == "integer" || typ == "number" {
		numberRange(sm, base)
	}
	if _, ok := sm["description"]; base == durationType && !ok {
		sm["description"] = "A duration in nanoseconds."
	}
	var items, keys *validate.Value
	if v != nil {
		items, keys = v.Items, v.Keys
	}
	switch base.Kind() {
	case reflect.Slice, reflect.Array:
		if it, ok := sm["items"]; ok {
			a, err := g.adjust(it, base.Elem(), items, m, nil)
			if err != nil {
				return nil, err
			}
			sm["items"] = a
		}
	case reflect.Map:
		if err := g.mapSchema(sm, base, items, keys, m); err != nil {
			return nil, err
		}
	}
	var out any = sm
	if v != nil {
		applyRules(sm, v)
		if m == modeIn && v.OmitEmpty && !ptr && hasRuleKeywords(v) {
			if zero, ok := zeroJSON(base); ok {
				out = map[string]any{"anyOf": []any{map[string]any{"const": zero}, sm}}
			}
		}
	}
	var nullable bool
	if m == modeIn {
		nullable = ptr && (v == nil || !v.Required)
	} else {
		k := base.Kind()
		nullable = (ptr || k == reflect.Slice || k == reflect.Map) && (sf == nil || !omitsEmpty(*sf))
	}
	if nullable {
		out = makeNullable(out)
	}
	if sf != nil {
		describe(out.(map[string]any), sf, base)
	}
	return out, nil
}

// mapSchema completes the schema sm of a map of type t: integer keys as
// propertyNames, values (rules items), keys (rules keys). A map of any
// values gets additionalProperties: true, as invopop's bare
// {"type":"object"} reads to client generators as an object without members
// (Record<string, never>, struct{}), which drops the data.
func (g *schemaSet) mapSchema(sm map[string]any, t reflect.Type, items, keys *validate.Value, m mode) error {
	if pp, ok := sm["patternProperties"].(map[string]any); ok {
		// invopop's integer keys: bind accepts negative keys of signed
		// types, so name the keys with propertyNames instead.
		for _, ev := range pp {
			sm["additionalProperties"] = ev
		}
		delete(sm, "patternProperties")
		pattern := "^-?[0-9]+$"
		if k := t.Key().Kind(); k >= reflect.Uint && k <= reflect.Uintptr {
			pattern = "^[0-9]+$"
		}
		sm["propertyNames"] = map[string]any{"pattern": pattern}
	}
	if _, ok := sm["additionalProperties"]; !ok && sm["type"] == "object" && t.Elem().Kind() == reflect.Interface {
		sm["additionalProperties"] = true
	}
	if ap, ok := sm["additionalProperties"]; ok && ap != false && ap != true {
		a, err := g.adjust(ap, t.Elem(), items, m, nil)
		if err != nil {
			return err
		}
		sm["additionalProperties"] = a
	}
	if keys != nil {
		pn, _ := sm["propertyNames"].(map[string]any)
		if pn == nil {
			pn = map[string]any{}
		}
		applyRules(pn, keys)
		if len(pn) > 0 {
			sm["propertyNames"] = pn
		}
	}
	return nil
}

// refs rewrites invopop's refs in s: inputs point at components, outputs
// at placeholders resolved after the split.
func (g *schemaSet) refs(s any, m mode) any {
	switch s := s.(type) {
	case map[string]any:
		for k, v := range s {
			if k == "$ref" {
				if r, ok := v.(string); ok && strings.HasPrefix(r, "#/$defs/") {
					name := strings.TrimPrefix(r, "#/$defs/")
					if m == modeIn {
						s[k] = refPrefix + name
					} else {
						s[k] = outRefPrefix + name
					}
				}
				continue
			}
			s[k] = g.refs(v, m)
		}
	case []any:
		for i := range s {
			s[i] = g.refs(s[i], m)
		}
	}
	return s
}

// numberRange gives numbers the OpenAPI format of their Go type, which
// generators map to a type (float64 is double, not float32), and bounds
// them where bind rejects what does not fit: the small integers by their
// range, unsigned ones by 0, float32 by its largest finite value. A 64-bit
// integer's range is its format's: ±9223372036854775807 as a bound is a
// number JavaScript cannot represent (it reads 9223372036854776000).
func numberRange(s map[string]any, t reflect.Type) {
	k := t.Kind()
	switch k {
	case reflect.Int, reflect.Int64:
		setFormat(s, "int64")
	case reflect.Int8, reflect.Int16, reflect.Int32:
		setFormat(s, "int32")
		hi := int64(uint64(math.MaxUint64) >> (65 - t.Bits()))
		tighten(s, "minimum", -hi-1, true)
		tighten(s, "maximum", hi, false)
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		setFormat(s, "uint64")
		tighten(s, "minimum", 0, true)
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		if k == reflect.Uint32 {
			setFormat(s, "int64") // its range is not int32's
		} else {
			setFormat(s, "int32")
		}
		tighten(s, "minimum", 0, true)
		tighten(s, "maximum", uint64(math.MaxUint64)>>(64-t.Bits()), false)
	case reflect.Float32:
		setFormat(s, "float")
		tighten(s, "minimum", -math.MaxFloat32, true)
		tighten(s, "maximum", math.MaxFloat32, false)
	case reflect.Float64:
		setFormat(s, "double")
	}
}

// setFormat sets the format of a schema that has none (a JSONSchema method
// or a jsonschema tag may have chosen one).
func setFormat(s map[string]any, f string) {
	if _, ok := s["format"]; !ok {
		s["format"] = f
	}
}

// tighten sets keyword k to v unless the schema already has a tighter
// bound (lower: a lower bound, where larger is tighter).
func tighten(s map[string]any, k string, v any, lower bool) {
	old, ok := s[k]
	if !ok {
		s[k] = v
		return
	}
	c := compareNumbers(v, old)
	if lower && c > 0 || !lower && c < 0 {
		s[k] = v
	}
}

// bounds are keywords where two values combine into the tighter one.
var bounds = map[string]bool{
	"minimum": true, "exclusiveMinimum": true, "minLength": true, "minItems": true, "minProperties": true,
	"maximum": false, "exclusiveMaximum": false, "maxLength": false, "maxItems": false, "maxProperties": false,
}

// applyRules merges the keywords of v's rules into s and lists the rules
// whose keywords are not exact in x-validate, so that the document never
// claims a rule it does not express.
func applyRules(s map[string]any, v *validate.Value) {
	var notes []string
	for _, c := range v.Rules {
		if c.Keywords != nil {
			mergeKeywords(s, c.Keywords)
		}
		if !c.Exact {
			notes = append(notes, ruleText(c))
		}
	}
	addNotes(s, notes)
	oneBound(s, "minimum", "exclusiveMinimum", 1)
	oneBound(s, "maximum", "exclusiveMaximum", -1)
}

// oneBound keeps the tighter of an inclusive and an exclusive bound, as
// linters ask (tighter: larger for lower bounds, sign 1).
func oneBound(s map[string]any, inclusive, exclusive string, sign int) {
	in, ok1 := s[inclusive]
	ex, ok2 := s[exclusive]
	if !ok1 || !ok2 {
		return
	}
	if compareNumbers(in, ex)*sign > 0 {
		delete(s, exclusive)
	} else {
		delete(s, inclusive)
	}
}

func ruleText(c validate.Constraint) string {
	if c.Param == "" {
		return c.Rule
	}
	return c.Rule + "=" + c.Param
}

func addNotes(s map[string]any, notes []string) {
	if len(notes) == 0 {
		return
	}
	if old, ok := s["x-validate"].(string); ok && old != "" {
		notes = append([]string{old}, notes...)
	}
	s["x-validate"] = strings.Join(notes, ",")
}

func mergeKeywords(s map[string]any, kw map[string]any) {
	keys := make([]string, 0, len(kw))
	for k := range kw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		val := kw[k]
		old, exists := s[k]
		switch lower, isBound := bounds[k]; {
		case !exists:
			s[k] = val
		case isBound:
			tighten(s, k, val, lower)
		case equalJSON(old, val):
		default:
			all, _ := s["allOf"].([]any)
			s["allOf"] = append(all, map[string]any{k: val})
		}
	}
}

// hasRuleKeywords reports whether v's rules have keywords that the zero
// value of its type may fail: only then does omitempty need documenting.
func hasRuleKeywords(v *validate.Value) bool {
	for _, c := range v.Rules {
		for k, val := range c.Keywords {
			if !zeroPasses(k, val) {
				return true
			}
		}
	}
	return false
}

// zeroPasses reports keywords that "" and 0 always satisfy.
func zeroPasses(k string, v any) bool {
	switch k {
	case "maxLength", "maxItems", "maxProperties":
		return true
	case "minLength", "minItems", "minProperties":
		return compareNumbers(v, 0) == 0
	case "maximum":
		return compareNumbers(v, 0) >= 0
	case "minimum":
		return compareNumbers(v, 0) <= 0
	case "exclusiveMaximum":
		return compareNumbers(v, 0) > 0
	case "exclusiveMinimum":
		return compareNumbers(v, 0) < 0
	}
	return false
}

// zeroJSON is the JSON form of t's zero value, for omitempty.
func zeroJSON(t reflect.Type) (any, bool) {
	if t == durationType {
		return 0, true
	}
	if isLeaf(t) {
		return nil, false
	}
	switch t.Kind() {
	case reflect.String:
		return "", true
	case reflect.Bool:
		return false, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return 0, true
	}
	return nil, false
}

// makeNullable lets s also accept null: a type list when that is exact,
// anyOf otherwise.
func makeNullable(s any) any {
	m, _ := s.(map[string]any)
	if len(m) == 0 {
		return s
	}
	if typ, ok := m["type"].(string); ok {
		simple := true
		for _, k := range []string{"enum", "const", "anyOf", "oneOf", "allOf", "$ref", "not"} {
			if _, ok := m[k]; ok {
				simple = false
			}
		}
		if simple {
			m["type"] = []any{typ, "null"}
			return m
		}
	}
	out := map[string]any{"anyOf": []any{m, map[string]any{"type": "null"}}}
	for _, k := range []string{"description", "title", "examples", "default", "deprecated", "readOnly", "writeOnly"} {
		if v, ok := m[k]; ok {
			out[k] = v
			delete(m, k)
		}
	}
	return out
}

// describe adds the doc and example tags of a field.
func describe(s map[string]any, sf *reflect.StructField, base reflect.Type) {
	if d, ok := sf.Tag.Lookup("doc"); ok && d != "" {
		s["description"] = d
	}
	if e, ok := sf.Tag.Lookup("example"); ok {
		s["examples"] = []any{exampleValue(e, base)}
	}
}

// exampleValue is an example tag as a JSON value of t's kind.
func exampleValue(e string, t reflect.Type) any {
	switch t.Kind() {
	case reflect.String:
		return e
	}
	if isLeaf(t) && t != durationType {
		return e
	}
	d := json.NewDecoder(strings.NewReader(e))
	d.UseNumber()
	var v any
	if d.Decode(&v) == nil && !d.More() {
		return v
	}
	return e
}

// compareNumbers compares two JSON numbers of any Go numeric type,
// exactly: 64-bit limits never pass through a float64, where
// 9223372036854775806 and 9223372036854775807 are one number. Values that
// are not numbers compare as equal.
func compareNumbers(a, b any) int {
	x, ok1 := toRat(a)
	y, ok2 := toRat(b)
	if !ok1 || !ok2 {
		return 0
	}
	return x.Cmp(y)
}

func toRat(v any) (*big.Rat, bool) {
	if n, ok := v.(json.Number); ok {
		return new(big.Rat).SetString(n.String())
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return new(big.Rat).SetInt64(rv.Int()), true
	case rv.CanUint():
		return new(big.Rat).SetUint64(rv.Uint()), true
	case rv.CanFloat():
		if f := rv.Float(); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return new(big.Rat).SetFloat64(f), true
		}
	}
	return nil, false
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// walkRefs calls fn with every $ref in s.
func walkRefs(s any, fn func(ref string)) {
	switch s := s.(type) {
	case map[string]any:
		for k, v := range s {
			if r, ok := v.(string); ok && k == "$ref" {
				fn(r)
			} else {
				walkRefs(v, fn)
			}
		}
	case []any:
		for _, v := range s {
			walkRefs(v, fn)
		}
	}
}

func inRefs(s any) []string {
	var out []string
	walkRefs(s, func(r string) {
		if name, ok := strings.CutPrefix(r, refPrefix); ok {
			out = append(out, name)
		}
	})
	return out
}

func outRefs(s any) []string {
	var out []string
	walkRefs(s, func(r string) {
		if name, ok := strings.CutPrefix(r, outRefPrefix); ok {
			out = append(out, name)
		}
	})
	return out
}

// normalizeOut is s with output refs written as input refs, to compare the
// two variants of a component.
func normalizeOut(s any) any {
	return rewriteRefs(deepCopy(s), func(name string) string { return refPrefix + name })
}

func (g *schemaSet) resolveOut(s any, outName func(string) string) any {
	return rewriteRefs(deepCopy(s), func(name string) string { return refPrefix + outName(name) })
}

func rewriteRefs(s any, fn func(name string) string) any {
	switch s := s.(type) {
	case map[string]any:
		for k, v := range s {
			if r, ok := v.(string); ok && k == "$ref" {
				if name, ok := strings.CutPrefix(r, outRefPrefix); ok {
					s[k] = fn(name)
				}
			} else {
				s[k] = rewriteRefs(v, fn)
			}
		}
	case []any:
		for i := range s {
			s[i] = rewriteRefs(s[i], fn)
		}
	}
	return s
}

func reach(roots map[string]bool, next func(string) []string) map[string]bool {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, r := range next(n) {
			visit(r)
		}
	}
	for n := range roots {
		visit(n)
	}
	return seen
}
