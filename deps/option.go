package deps

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/stdapi/stdapi/bind"
)

// An Option configures a Provider or a Singleton when it is created.
type Option func(*decl)

// Name sets the name used in errors, cycle reports and logs. The default is
// built from the type: "deps.Provider[*main.Session]" or
// "deps.Singleton[*sql.DB]".
func Name(name string) Option {
	return func(d *decl) { d.name = name }
}

// NoCache makes every use of a Provider in a request call its function
// again (and queue its cleanup again), instead of reusing the first value:
// FastAPI's Depends(use_cache=False). By default values are cached per
// request. It has no effect on a Singleton.
func NoCache() Option {
	return func(d *decl) { d.noCache = true }
}

// Parameter declares a request parameter that the provider reads, so that
// operations using it document it. in is "header", "query", "cookie" or
// "path"; the schema is {"type":"string"}. A path parameter is always
// required. Parameter panics if in is not one of those.
func Parameter(in, name, description string, required bool) Option {
	switch in {
	case "header", "query", "cookie":
	case "path":
		required = true
	default:
		panic(fmt.Sprintf("deps: Parameter %q: location %q is not header, query, cookie or path", name, in))
	}
	obj := map[string]any{
		"name":     name,
		"in":       in,
		"required": required,
		"schema":   map[string]any{"type": "string"},
	}
	if description != "" {
		obj["description"] = description
	}
	return ParameterObject(obj)
}

// ParameterObject declares a full OpenAPI 3.1 Parameter Object that the
// provider reads. It panics unless obj has string members "name" and "in".
func ParameterObject(obj map[string]any) Option {
	name, _ := obj["name"].(string)
	in, _ := obj["in"].(string)
	if name == "" || in == "" {
		panic("deps: ParameterObject needs string members \"name\" and \"in\"")
	}
	obj = cloneJSON(obj).(map[string]any)
	return func(d *decl) { d.params = addParams(d.params, obj) }
}

// Security declares the security scheme the provider checks: name is the key
// under components.securitySchemes, scheme an OpenAPI Security Scheme Object
// (for example {"type":"apiKey","in":"header","name":"X-API-Key"}) and scopes
// the scopes the provider requires.
func Security(name string, scheme map[string]any, scopes ...string) Option {
	scheme, _ = cloneJSON(scheme).(map[string]any)
	scopes = slices.Clone(scopes)
	return func(d *decl) {
		d.secName, d.secScheme, d.secScopes = name, scheme, scopes
	}
}

// Uses declares the dependencies that the provider's function resolves
// itself, so that the provider documents what they declare too (their
// parameters, and their security scheme when the provider declares none).
// It is for documentation only: the function still resolves them.
func Uses(ds ...Dependency) Option {
	return func(d *decl) { d.uses = append(d.uses, ds...) }
}

// decl is what Providers and Singletons share: a name, options and what they
// declare to docs.
type decl struct {
	name      string
	noCache   bool
	params    []map[string]any
	secName   string
	secScheme map[string]any
	secScopes []string
	uses      []Dependency
	inputs    []*bind.Input // typed parameters, its own (Bind) and its uses'
}

func (d *decl) init(kind, typ string, opts []Option) {
	d.name = kind + "[" + typ + "]"
	for _, o := range opts {
		if o != nil {
			o(d)
		}
	}
	uses := d.uses
	d.uses = nil
	d.aggregate(uses)
}

// aggregate adds what ds declare to what d declares itself: parameters not
// already declared (by location and name), the first security scheme when d
// has none, and the scopes of every dependency using d's scheme.
func (d *decl) aggregate(ds []Dependency) {
	for _, dep := range ds {
		if dep == nil {
			continue
		}
		d.params = addParams(d.params, dep.OpenAPIParameters()...)
		for _, in := range dep.bindInputs() {
			if !slices.Contains(d.inputs, in) {
				d.inputs = append(d.inputs, in)
			}
		}
		name, scheme, scopes := dep.OpenAPISecurity()
		switch {
		case name == "":
		case d.secName == "":
			d.secName, d.secScheme, d.secScopes = name, scheme, scopes
		case d.secName == name:
			for _, s := range scopes {
				if !slices.Contains(d.secScopes, s) {
					d.secScopes = append(d.secScopes, s)
				}
			}
		}
	}
}

func addParams(list []map[string]any, objs ...map[string]any) []map[string]any {
	for _, obj := range objs {
		dup := slices.ContainsFunc(list, func(p map[string]any) bool {
			return p["in"] == obj["in"] && p["name"] == obj["name"]
		})
		if !dup {
			list = append(list, obj)
		}
	}
	return list
}

func (d *decl) parameters() []map[string]any {
	if len(d.params) == 0 {
		return nil
	}
	out := make([]map[string]any, len(d.params))
	for i, p := range d.params {
		out[i] = cloneJSON(p).(map[string]any)
	}
	return out
}

// cloneJSON copies the maps and slices of a JSON-like value, so that callers
// cannot change a declaration through what they are given.
func cloneJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = cloneJSON(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = cloneJSON(e)
		}
		return s
	case []string:
		return slices.Clone(v)
	default:
		return v
	}
}

func (d *decl) security() (string, map[string]any, []string) {
	if d.secName == "" {
		return "", nil, nil
	}
	scheme, _ := cloneJSON(d.secScheme).(map[string]any)
	return d.secName, scheme, slices.Clone(d.secScopes)
}

func typeName[T any]() string {
	return reflect.TypeFor[T]().String()
}
