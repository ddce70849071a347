package validate

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
)

// Plan is the compiled validation of one type. It is immutable and safe for
// concurrent use.
type Plan struct {
	typ  reflect.Type
	root *valuePlan
}

// valuePlan is what runs at one position (a field, an element, a key).
type valuePlan struct {
	info      *Value
	required  bool
	omitempty bool
	rules     []*rulePlan
	strct     *structPlan // the struct walked at this position, after pointers
	items     *valuePlan  // elements of a slice, array or map
	keys      *valuePlan  // keys of a map
}

type structPlan struct {
	info   *Object
	fields []fieldPlan
	hook   bool
	ptrMth bool // Validate has a pointer receiver
	done   bool // compiled; false while a recursive type is being built
}

type fieldPlan struct {
	pos   int   // index in info.Fields, the index a Presence receives
	index []int // reflect index path
	name  any   // JSON name, boxed once for loc
	val   *valuePlan
}

var (
	plans   sync.Map // reflect.Type -> *Plan
	compile sync.Mutex
	structs = map[reflect.Type]*structPlan{} // guarded by compile
)

// Compile returns the plan for t, compiling it on first use and caching it:
// reflection runs once per type. t may be any type; a pointer type gives the
// plan of its element type. A bad tag anywhere in the type returns a
// *TagError naming the struct, the field and the tag; errors are not cached.
func Compile(t reflect.Type) (*Plan, error) {
	if t == nil {
		return nil, fmt.Errorf("validate: Compile(nil)")
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p, ok := plans.Load(t); ok {
		return p.(*Plan), nil
	}
	compile.Lock()
	defer compile.Unlock()
	if p, ok := plans.Load(t); ok {
		return p.(*Plan), nil
	}
	c := &compiler{building: map[reflect.Type]*structPlan{}}
	root := &valuePlan{info: &Value{Type: t}}
	if err := c.finish(root, t); err != nil {
		return nil, err
	}
	for st, sp := range c.building {
		structs[st] = sp
	}
	p := &Plan{typ: t, root: root}
	plans.Store(t, p)
	return p, nil
}

// MustCompile is like Compile but panics on error. Use it to initialise
// package-level variables, so that a bad tag stops the program at start-up.
func MustCompile(t reflect.Type) *Plan {
	p, err := Compile(t)
	if err != nil {
		panic(err)
	}
	return p
}

// Check compiles T and returns the error Compile would, for a start-up check:
//
//	if err := validate.Check[CreateUser](); err != nil {
//		log.Fatal(err)
//	}
func Check[T any]() error {
	_, err := Compile(reflect.TypeFor[T]())
	return err
}

// Type returns the type the plan validates (never a pointer type).
func (p *Plan) Type() reflect.Type { return p.typ }

// Value describes the root of the plan: its Object for a struct type, its
// Items for a slice of structs. Read-only.
func (p *Plan) Value() *Value { return p.root.info }

// Object returns the description of the plan's struct type, or nil when the
// type is not a walked struct. Read-only.
func (p *Plan) Object() *Object { return p.root.info.Object }

type compiler struct {
	building map[reflect.Type]*structPlan
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	durationType    = reflect.TypeFor[time.Duration]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	hookType        = reflect.TypeFor[interface{ Validate() error }]()
)

// deref strips pointers from t.
func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// isLeafStruct reports whether a struct type is a single value (time.Time, a
// TextUnmarshaler) rather than an object whose fields are walked.
func isLeafStruct(t reflect.Type) bool {
	return t == timeType || t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler)
}

func isCollection(k reflect.Kind) bool {
	return k == reflect.Slice || k == reflect.Array || k == reflect.Map
}

// finish completes vp for a value of type t: the walked struct and the plans
// of elements whose type needs validation even without dive.
func (c *compiler) finish(vp *valuePlan, t reflect.Type) error {
	d := deref(t)
	switch {
	case d.Kind() == reflect.Struct && !isLeafStruct(d):
		sp, err := c.structPlan(d)
		if err != nil {
			return err
		}
		if sp.active() {
			vp.strct = sp
		}
		vp.info.Object = sp.info
	case isCollection(d.Kind()):
		if vp.items == nil {
			items := &valuePlan{info: &Value{Type: d.Elem()}}
			if err := c.finish(items, d.Elem()); err != nil {
				return err
			}
			if items.active() {
				vp.items = items
			}
			if items.active() || items.info.Object != nil || items.info.Items != nil {
				vp.info.Items = items.info
			}
		} else if err := c.finish(vp.items, d.Elem()); err != nil {
			return err
		} else if !vp.items.active() {
			vp.items = nil // described in info, nothing to run
		}
		if vp.keys != nil {
			if err := c.finish(vp.keys, d.Key()); err != nil {
				return err
			}
			if !vp.keys.active() {
				vp.keys = nil
			}
		}
	}
	return nil
}

// active reports whether running vp can produce an error.
func (vp *valuePlan) active() bool {
	return vp != nil && (vp.required || vp.omitempty || len(vp.rules) > 0 || vp.strct != nil || vp.items != nil || vp.keys != nil)
}

// active reports whether walking sp can produce an error. Struct plans still
// being built (recursive types) count as active.
func (sp *structPlan) active() bool {
	return !sp.done || sp.hook || len(sp.fields) > 0
}

func (c *compiler) structPlan(t reflect.Type) (*structPlan, error) {
	if sp, ok := structs[t]; ok {
		return sp, nil
	}
	if sp, ok := c.building[t]; ok {
		return sp, nil
	}
	sp := &structPlan{info: &Object{Type: t}}
	c.building[t] = sp
	if reflect.PointerTo(t).Implements(hookType) {
		sp.hook = true
		sp.ptrMth = !t.Implements(hookType)
		sp.info.Hook = true
	}
	fields := jsonFields(t)
	sp.info.Fields = make([]Field, len(fields))
	var fps []fieldPlan
	for i, f := range fields {
		tag := f.sf.Tag.Get("validate")
		vp := &valuePlan{info: &sp.info.Fields[i].Value}
		sp.info.Fields[i] = Field{Name: f.sf.Name, JSONName: f.name, Index: f.index, Tag: tag, Value: Value{Type: f.sf.Type}}
		if err := parseTag(vp, f.sf.Type, tag); err != nil {
			return nil, &TagError{Struct: t.String(), Field: f.sf.Name, Tag: tag, Err: err}
		}
		if _, dep := f.sf.Tag.Lookup("dep"); tag == "-" || dep {
			// Listed, never validated, not even its nested fields. A dep
			// field is a dependency that bind fills, not input.
			continue
		}
		if err := c.finish(vp, f.sf.Type); err != nil {
			return nil, err
		}
		if vp.active() {
			fps = append(fps, fieldPlan{pos: i, index: f.index, name: any(f.name), val: vp})
		}
	}
	sp.fields = fps
	sp.done = true
	return sp, nil
}

type jsonField struct {
	sf    reflect.StructField
	name  string
	index []int
	depth int
}

// jsonFields lists the fields of t as encoding/json sees them: exported,
// not tagged json:"-", with untagged embedded structs flattened. When two
// fields share a name the shallower wins; at equal depth the first wins.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	seen := map[string]int{}
	var walk func(t reflect.Type, index []int, depth int, visited map[reflect.Type]bool)
	walk = func(t reflect.Type, index []int, depth int, visited map[reflect.Type]bool) {
		if visited[t] {
			return
		}
		visited[t] = true
		defer delete(visited, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			jtag := sf.Tag.Get("json")
			if jtag == "-" {
				continue
			}
			name, _, _ := strings.Cut(jtag, ",")
			if sf.Anonymous && name == "" {
				et := deref(sf.Type)
				if et.Kind() == reflect.Struct && !isLeafStruct(et) {
					walk(et, idx, depth+1, visited)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			f := jsonField{sf: sf, name: name, index: idx, depth: depth}
			if j, ok := seen[name]; ok {
				if out[j].depth > depth {
					out[j] = f
				}
				continue
			}
			seen[name] = len(out)
			out = append(out, f)
		}
	}
	walk(t, nil, 0, map[reflect.Type]bool{})
	return out
}

// parseTag fills vp from a validate tag on a value of type t.
func parseTag(vp *valuePlan, t reflect.Type, tag string) error {
	if tag == "" || tag == "-" {
		return nil
	}
	toks, err := splitTag(tag)
	if err != nil {
		return err
	}
	cur, curT := vp, t
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		name, param, _ := strings.Cut(tok, "=")
		switch name {
		case "":
			return fmt.Errorf("empty rule")
		case "required", "omitempty":
			if param != "" {
				return fmt.Errorf("%s takes no parameter", name)
			}
			if name == "required" {
				cur.required = true
				cur.info.Required = true
			} else {
				cur.omitempty = true
				cur.info.OmitEmpty = true
			}
		case "dive":
			d := deref(curT)
			if !isCollection(d.Kind()) {
				return fmt.Errorf("dive on %s, which is not a slice, array or map", curT)
			}
			if param != "" {
				return fmt.Errorf("dive takes no parameter")
			}
			if i+1 < len(toks) && toks[i+1] == "keys" {
				if d.Kind() != reflect.Map {
					return fmt.Errorf("keys on %s, which is not a map", curT)
				}
				end := -1
				for j := i + 2; j < len(toks); j++ {
					if toks[j] == "endkeys" {
						end = j
						break
					}
				}
				if end < 0 {
					return fmt.Errorf("keys without endkeys")
				}
				keys := &valuePlan{info: &Value{Type: d.Key()}}
				if err := parseTag(keys, d.Key(), strings.Join(toks[i+2:end], ",")); err != nil {
					return fmt.Errorf("map keys: %w", err)
				}
				cur.keys = keys
				cur.info.Keys = keys.info
				i = end
			}
			items := &valuePlan{info: &Value{Type: d.Elem()}}
			cur.items = items
			cur.info.Items = items.info
			cur, curT = items, d.Elem()
		case "keys", "endkeys":
			return fmt.Errorf("%s must follow dive on a map", name)
		default:
			r, err := compileRule(name, param, curT)
			if err != nil {
				return err
			}
			cur.rules = append(cur.rules, r)
			cur.info.Rules = append(cur.info.Rules, r.info)
		}
	}
	return nil
}

// splitTag splits a tag at commas. Inside a pattern parameter, commas within
// {}, [] or () (and escaped characters) do not split, so pattern=^a{1,3}$ works;
// elsewhere go-playground's escapes 0x2C (comma) and 0x7C (pipe) may be used.
func splitTag(tag string) ([]string, error) {
	var toks []string
	start, depth := 0, 0
	inPattern := strings.HasPrefix(tag, "pattern=")
	for i := 0; i < len(tag); i++ {
		switch c := tag[i]; {
		case inPattern && c == '\\':
			i++
		case inPattern && (c == '{' || c == '[' || c == '('):
			depth++
		case inPattern && (c == '}' || c == ']' || c == ')') && depth > 0:
			depth--
		case c == ',' && depth == 0:
			toks = append(toks, tag[start:i])
			start = i + 1
			inPattern = strings.HasPrefix(tag[start:], "pattern=")
		case c == '|' && !inPattern:
			return nil, fmt.Errorf("alternatives with | are not supported")
		}
	}
	toks = append(toks, tag[start:])
	for i, t := range toks {
		if !strings.HasPrefix(t, "pattern=") {
			t = strings.ReplaceAll(t, "0x2C", ",")
			toks[i] = strings.ReplaceAll(t, "0x7C", "|")
		}
	}
	return toks, nil
}
