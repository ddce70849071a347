package bind

import (
	"fmt"
	"mime/multipart"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/stdapi/stdapi/validate"
)

// Source names where a parameter is read from. They are also the first
// element of the loc of its field errors.
const (
	SourcePath   = "path"
	SourceQuery  = "query"
	SourceHeader = "header"
	SourceCookie = "cookie"
	SourceForm   = "form"
	SourceFile   = "file"
	SourceBody   = "body"
)

var sourceTags = []string{SourcePath, SourceQuery, SourceHeader, SourceCookie, SourceForm, SourceFile}

// BodyKind says how a request body is decoded.
type BodyKind int

const (
	// BodyNone: the input has no body.
	BodyNone BodyKind = iota
	// BodyJSON: application/json or application/*+json.
	BodyJSON
	// BodyForm: application/x-www-form-urlencoded or multipart/form-data.
	BodyForm
	// BodyMultipart: multipart/form-data only (the form has files).
	BodyMultipart
)

// Param describes one parameter of an input type, for documentation
// generators (docs) and for programs that inspect an input type.
type Param struct {
	// Source is SourcePath, SourceQuery, SourceHeader, SourceCookie,
	// SourceForm or SourceFile.
	Source string
	// Name is the parameter's name as written in its tag.
	Name string
	// Field is the struct field.
	Field reflect.StructField
	// Rules are the field's compiled validation rules.
	Rules validate.Field
	// Required is true for path parameters and fields with validate:"required".
	Required bool
	// Default is the default tag's value, if HasDefault.
	Default    string
	HasDefault bool
	// Explode is false when a slice is sent comma-separated in one value
	// (tag explode:"false") instead of as repeated values.
	Explode bool
	// InBody is true for form and file fields of the Body struct.
	InBody bool

	// Request-time plan.
	id       int // index in Input.Params
	check    *validate.FieldPlan
	pos      int   // presence index at its level (top level or body)
	index    []int // reflect index path from its level's struct
	key      string
	loc      []any // loc of the value: [source, name]
	set      setter
	setFile  func(v reflect.Value, files []*File)
	defValue reflect.Value
}

// Input describes a compiled input type: its parameters and its body.
type Input struct {
	// Type is the struct type.
	Type reflect.Type
	// Params are the path, query, header, cookie, form and file parameters,
	// in field order, including form and file fields declared in Body.
	Params []*Param
	// Body is the body field, or nil.
	Body *reflect.StructField
	// BodyKind says how the body (or the top-level form fields) is read.
	BodyKind BodyKind
	// BodyRequired is true when a JSON body must be sent (Body is not a
	// pointer, or has validate:"required").
	BodyRequired bool
	// Validation is the input type's compiled validation plan.
	Validation *validate.Plan
	// Deps are the fields tagged dep, in field order: dependencies that
	// the handler fills before calling its function (see Dependency).
	Deps []reflect.StructField

	bodyPos   int   // presence index of Body at the top level, or -1
	bodyIndex []int // reflect index path of Body
	bodyShape *shape
	bodyCheck *validate.FieldPlan // a JSON body's rules
	bodyForm  *validate.Plan      // a form body's type, for its Validate method
	formTop   bool                // form fields are top-level, not in Body
	query     []*Param
	header    []*Param
	path      []*Param
	cookie    []*Param
	form      []*Param // form and file fields, top-level or in Body
	topFields int      // number of fields at the top presence level
	bodyObj   *validate.Object
	hasFiles  bool
	byLoc     map[[2]any]*Param // by the first two elements of their loc
	// forbidQuery: the input type implements UnknownFieldsForbidder, and
	// an unknown query parameter is an error.
	forbidQuery bool
}

type fieldDefault struct {
	index []int
	value reflect.Value
}

var (
	inputs       sync.Map // reflect.Type -> *Input
	fileType     = reflect.TypeFor[*File]()
	fileHeader   = reflect.TypeFor[*multipart.FileHeader]()
	bodyName     = "Body"
	errNotStruct = fmt.Errorf("bind: input must be a struct type")
)

// Describe compiles t, a struct type (or pointer to one), and returns its
// description. Reflection runs once per type; later calls return the cached
// result. An invalid input type (an unsupported field type for its source,
// two fields for one parameter, a bad tag) returns an error naming the type,
// the field and the tag.
func Describe(t reflect.Type) (*Input, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%w, not %v", errNotStruct, t)
	}
	if in, ok := inputs.Load(t); ok {
		return in.(*Input), nil
	}
	in, err := compileInput(t)
	if err != nil {
		return nil, err
	}
	actual, _ := inputs.LoadOrStore(t, in)
	return actual.(*Input), nil
}

func compileInput(t reflect.Type) (*Input, error) {
	vp, err := validate.Compile(t)
	if err != nil {
		return nil, fmt.Errorf("bind: %s: %w", t, err)
	}
	in := &Input{Type: t, Validation: vp, bodyPos: -1}
	in.forbidQuery = t.Implements(forbidder) || reflect.PointerTo(t).Implements(forbidder)
	obj := vp.Object()
	in.topFields = len(obj.Fields)
	seen := map[string]string{} // source+name -> field name
	for pos, f := range obj.Fields {
		sf := t.FieldByIndex(f.Index)
		source, name, err := sourceOf(t, sf)
		if err != nil {
			return nil, err
		}
		if _, ok := sf.Tag.Lookup("dep"); ok {
			if err := in.addDep(t, sf, f.Index); err != nil {
				return nil, err
			}
			continue
		}
		if source == "" {
			if isBody(sf) {
				if in.Body != nil {
					return nil, fmt.Errorf("bind: %s: fields %s and %s are both the body", t, in.Body.Name, sf.Name)
				}
				in.Body, in.bodyPos, in.bodyIndex = &sf, pos, f.Index
				continue
			}
			return nil, fmt.Errorf("bind: %s.%s: no source tag (path, query, header, cookie, form, file, dep) and not the Body", t, sf.Name)
		}
		p, err := newParam(t, sf, source, name, f, pos)
		if err != nil {
			return nil, err
		}
		if err := claim(seen, t, p); err != nil {
			return nil, err
		}
		p.check = vp.Field(pos)
		in.add(p)
	}
	return in, in.finish(t, vp, seen)
}

// finish compiles what follows from the parameters: the body and its kind.
func (in *Input) finish(t reflect.Type, vp *validate.Plan, seen map[string]string) error {
	if err := in.checkUntagged(t); err != nil {
		return err
	}
	if len(in.form) > 0 {
		in.formTop = true
		in.BodyKind = BodyForm
	}
	if in.Body != nil {
		if err := in.compileBody(t, vp, seen); err != nil {
			return err
		}
	}
	for _, p := range in.form {
		if p.Source == SourceFile {
			in.hasFiles = true
			in.BodyKind = BodyMultipart
		}
	}
	return nil
}

func (in *Input) add(p *Param) {
	if in.byLoc == nil {
		in.byLoc = map[[2]any]*Param{}
	}
	in.byLoc[[2]any{p.loc[0], p.loc[1]}] = p
	p.id = len(in.Params)
	in.Params = append(in.Params, p)
	switch p.Source {
	case SourcePath:
		in.path = append(in.path, p)
	case SourceQuery:
		in.query = append(in.query, p)
	case SourceHeader:
		in.header = append(in.header, p)
	case SourceCookie:
		in.cookie = append(in.cookie, p)
	default:
		in.form = append(in.form, p)
	}
}

// checkUntagged reports source tags on fields that validate does not see
// (unexported or json:"-"), which bind would otherwise ignore silently.
func (in *Input) checkUntagged(t reflect.Type) error {
	for _, sf := range reflect.VisibleFields(t) {
		if sf.IsExported() && sf.Tag.Get("json") != "-" {
			continue
		}
		for _, s := range sourceTags {
			if _, ok := sf.Tag.Lookup(s); ok {
				return fmt.Errorf("bind: %s.%s: tag %s:%q on an unexported or json:\"-\" field", t, sf.Name, s, sf.Tag.Get(s))
			}
		}
	}
	return nil
}

func claim(seen map[string]string, t reflect.Type, p *Param) error {
	key := p.Source + "\x00" + p.key
	if other, ok := seen[key]; ok {
		return fmt.Errorf("bind: %s: fields %s and %s both read %s parameter %q", t, other, p.Field.Name, p.Source, p.Name)
	}
	seen[key] = p.Field.Name
	return nil
}

func isBody(sf reflect.StructField) bool {
	if _, ok := sf.Tag.Lookup("body"); ok {
		return true
	}
	return sf.Name == bodyName && !sf.Anonymous
}

// sourceOf returns the field's source tag and name; "" when it has none.
func sourceOf(t reflect.Type, sf reflect.StructField) (source, name string, err error) {
	for _, s := range sourceTags {
		v, ok := sf.Tag.Lookup(s)
		if !ok {
			continue
		}
		if source != "" {
			return "", "", fmt.Errorf("bind: %s.%s: tags %s and %s on one field", t, sf.Name, source, s)
		}
		if v == "" {
			return "", "", fmt.Errorf("bind: %s.%s: tag %s:\"\" needs a name", t, sf.Name, s)
		}
		source, name = s, v
	}
	return source, name, nil
}

func newParam(t reflect.Type, sf reflect.StructField, source, name string, f validate.Field, pos int) (*Param, error) {
	p := &Param{
		Source: source, Name: name, Field: sf, Rules: f,
		Required: f.Required || source == SourcePath,
		Explode:  sf.Tag.Get("explode") != "false",
		pos:      pos, index: f.Index, key: name,
	}
	where := fmt.Sprintf("bind: %s.%s: tag %s:%q", t, sf.Name, source, name)
	if source == SourcePath && strings.ContainsAny(name, "{}/.") {
		return nil, fmt.Errorf("%s: not a path wildcard name", where)
	}
	p.loc = locOf(source, name)
	if source == SourceHeader {
		p.key = http.CanonicalHeaderKey(name)
	}
	if v, ok := sf.Tag.Lookup("explode"); ok && v != "true" && v != "false" {
		return nil, fmt.Errorf("%s: explode:%q must be true or false", where, v)
	}
	var err error
	if source == SourceFile {
		p.setFile, err = fileSetter(sf.Type)
	} else {
		p.set, err = setterFor(sf.Type, p.Explode)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if def, ok := sf.Tag.Lookup("default"); ok {
		if p.Required {
			return nil, fmt.Errorf("%s: a required parameter cannot have a default", where)
		}
		if source == SourceFile {
			return nil, fmt.Errorf("%s: a file cannot have a default", where)
		}
		v := reflect.New(sf.Type).Elem()
		errs := errorList{max: 1}
		if !p.set(v, splitDefault(def, sf.Type), nil, &errs) {
			return nil, fmt.Errorf("%s: default:%q: %s", where, def, errs.list[0].Msg)
		}
		p.Default, p.HasDefault, p.defValue = def, true, v
	}
	return p, nil
}

// Loc returns the loc of the parameter's field errors, as bind reports
// them: [source, name], a header by its lowercased name, a form field or a
// file as ["body", name]. The slice is the caller's.
func (p *Param) Loc() []any { return slices.Clone(p.loc) }

// locOf returns the loc of a parameter's errors: [source, name], a header
// by its lowercased name, and a form field or file in the body, as FastAPI
// locates them.
func locOf(source, name string) []any {
	switch source {
	case SourceHeader:
		return []any{source, strings.ToLower(name)}
	case SourceForm, SourceFile:
		return []any{SourceBody, name}
	}
	return []any{source, name}
}

// splitDefault turns a default tag into values: comma-separated for slices.
func splitDefault(def string, t reflect.Type) []string {
	if t.Kind() == reflect.Slice && t != reflect.TypeFor[[]byte]() {
		return strings.Split(def, ",")
	}
	return []string{def}
}

// compileBody handles the Body field: a form when its struct has form or
// file tags, JSON otherwise.
func (in *Input) compileBody(t reflect.Type, vp *validate.Plan, seen map[string]string) error {
	bt := in.Body.Type
	in.BodyRequired = bt.Kind() != reflect.Pointer && bt.Kind() != reflect.Interface
	if in.Rules(in.bodyPos).Required {
		in.BodyRequired = true
	}
	if isFormBody(bt) {
		return in.compileFormBody(t, vp.Object().Fields[in.bodyPos].Object, seen)
	}
	in.BodyKind = BodyJSON
	sh, err := shapeOf(bt)
	if err != nil {
		return fmt.Errorf("bind: %s.%s: %w", t, in.Body.Name, err)
	}
	in.bodyShape = sh
	in.bodyCheck = vp.Field(in.bodyPos)
	return nil
}

// isFormBody reports whether a body type is a form: a struct with form or
// file tags.
func isFormBody(bt reflect.Type) bool {
	if st := derefType(bt); st.Kind() == reflect.Struct {
		for _, sf := range reflect.VisibleFields(st) {
			_, form := sf.Tag.Lookup(SourceForm)
			_, file := sf.Tag.Lookup(SourceFile)
			if form || file {
				return true
			}
		}
	}
	return false
}

// compileFormBody compiles the fields of a form body, described by obj.
func (in *Input) compileFormBody(t reflect.Type, obj *validate.Object, seen map[string]string) error {
	bt := in.Body.Type
	if in.formTop {
		return fmt.Errorf("bind: %s: form fields both at the top level and in %s", t, in.Body.Name)
	}
	if bt.Kind() != reflect.Struct {
		return fmt.Errorf("bind: %s.%s: a form body must be a struct, not %s", t, in.Body.Name, bt)
	}
	in.BodyKind = BodyForm
	in.bodyObj = obj
	bodyPlan, err := validate.Compile(bt)
	if err != nil {
		return err
	}
	in.bodyForm = bodyPlan
	for pos, f := range obj.Fields {
		sf := bt.FieldByIndex(f.Index)
		source, name, err := sourceOf(bt, sf)
		if err != nil {
			return err
		}
		if source != SourceForm && source != SourceFile {
			return fmt.Errorf("bind: %s.%s: a form body's fields need form or file tags", bt, sf.Name)
		}
		p, err := newParam(bt, sf, source, name, f, pos)
		if err != nil {
			return err
		}
		p.InBody = true
		if err := claim(seen, bt, p); err != nil {
			return err
		}
		p.check = bodyPlan.Field(pos)
		in.add(p)
	}
	return nil
}

// Rules returns the compiled validation of the top-level field at pos.
func (in *Input) Rules(pos int) validate.Field { return in.Validation.Object().Fields[pos] }

// jsonDefaults collects the default tags of a JSON struct and of the
// structs it holds by value; the decoder sets them before it reads the
// object's keys, so a key that is sent overrides them.
func jsonDefaults(t reflect.Type, prefix []int, visiting map[reflect.Type]bool) ([]fieldDefault, error) {
	if visiting[t] {
		return nil, nil
	}
	visiting[t] = true
	defer delete(visiting, t)
	var out []fieldDefault
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		index := append(slices.Clone(prefix), i)
		if def, ok := sf.Tag.Lookup("default"); ok {
			set, err := setterFor(sf.Type, true)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: default:%q: %w", t, sf.Name, def, err)
			}
			v := reflect.New(sf.Type).Elem()
			errs := errorList{max: 1}
			if !set(v, splitDefault(def, sf.Type), nil, &errs) {
				return nil, fmt.Errorf("%s.%s: default:%q: %s", t, sf.Name, def, errs.list[0].Msg)
			}
			out = append(out, fieldDefault{index: index, value: v})
			continue
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != timeType {
			sub, err := jsonDefaults(sf.Type, index, visiting)
			if err != nil {
				return nil, err
			}
			out = append(out, sub...)
		}
	}
	return out, nil
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
