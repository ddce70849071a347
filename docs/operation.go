package docs

import (
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/stdapi/stdapi/bind"
	"github.com/stdapi/stdapi/validate"
)

// SecurityDescriber is implemented by security middleware (the handlers
// of package security): the scheme's name, its OpenAPI Security Scheme
// Object, and the scopes the wrapped operation requires. An empty name or
// a nil scheme means the handler requires no security.
type SecurityDescriber interface {
	OpenAPISecurity() (name string, scheme map[string]any, scopes []string)
}

// OperationDescriber is implemented by plain handlers that describe their
// own request body and responses, such as security.TokenEndpoint, whose
// form and RFC 6749 answers are not bind's. OpenAPIOperation returns a
// fragment of an OpenAPI Operation Object: its "requestBody" is used when
// the operation has no other, its "responses" are added (a Response option
// for the same status wins), and its "summary" and "description" are used
// when no option sets them. A request or response schema with a title is
// a component of that name (the title of security.TokenEndpoint's token
// response is Token), unless another schema has the name. Other members
// are ignored. The map is read, not modified.
type OperationDescriber interface {
	OpenAPIOperation() map[string]any
}

// ParameterDescriber is implemented by middleware that reads request
// parameters of its own (route-level dependencies of package deps): OpenAPI
// Parameter Objects such as {"name":"X-Token","in":"header","required":true,
// "schema":{"type":"string"}}.
type ParameterDescriber interface {
	OpenAPIParameters() []map[string]any
}

// StreamDescriber is implemented by streaming handlers (Events and Lines
// of package stream): the media type of the success response
// ("text/event-stream", "application/jsonl") and the type of the items it
// streams, by server-sent event name: "" for unnamed events (the
// browser's "message") and for the items of JSON Lines, "*" for events of
// any name. A handler that also has an Input() *bind.Input
// method gets its parameters documented as a bind handler's. See
// "Streams" in the package documentation for the schema written.
type StreamDescriber interface {
	OpenAPIStream() (mediaType string, items map[string]reflect.Type)
}

// Unwrapper is implemented by middleware that wraps one handler; Handle
// follows Unwrap to find the handlers it describes.
type Unwrapper interface {
	Unwrap() http.Handler
}

// maxUnwrap bounds the middleware chain Handle follows, against cycles.
const maxUnwrap = 64

// Option configures the documentation of one operation.
type Option func(*operation)

// Summary sets the operation's one-line summary. Default none.
func Summary(s string) Option { return func(o *operation) { o.summary = s } }

// Description sets the operation's description (CommonMark). Default none.
func Description(s string) Option { return func(o *operation) { o.description = s } }

// Tags adds tags, which group operations in Swagger UI and ReDoc. Default
// none.
func Tags(tags ...string) Option { return func(o *operation) { o.tags = append(o.tags, tags...) } }

// OperationID sets the operation's ID, which client generators use as a
// function name. Default: the method and the path, such as
// "get_items_id" for GET /items/{id}, with a number appended when that is
// taken.
func OperationID(id string) Option {
	return func(o *operation) { o.id, o.idSet = id, true }
}

// Deprecated marks the operation as deprecated.
func Deprecated() Option { return func(o *operation) { o.deprecated = true } }

// Hidden registers the handler on the mux without documenting it. A
// hidden pattern may omit the method.
func Hidden() Option { return func(o *operation) { o.hidden = true } }

// Response declares a response: its status, the type of its JSON body (a
// value of it such as Item{}, or a reflect.Type; nil for none) and its
// description ("" for the status text). A nil body on an error status
// (4xx, 5xx) documents the problem body stdapi.WriteError writes.
func Response(status int, body any, description string) Option {
	return func(o *operation) {
		o.responses = append(o.responses, declared{status: status, body: typeOf(body), description: description})
	}
}

// ResponseMedia declares a response whose body is not JSON: its status,
// its media type (such as "text/html; charset=utf-8" for a page, or
// "text/csv"), documented as a string, and its description ("" for the
// status text). For a handler that writes its own body, such as a page of
// package templates.
func ResponseMedia(status int, mediaType, description string) Option {
	return func(o *operation) {
		o.responses = append(o.responses, declared{status: status, media: mediaType, description: description})
	}
}

// Request declares the input type of a plain handler that reads its
// request with bind.Request: a value of it such as GetItem{}, or a
// reflect.Type. Its parameters and body are documented as for a bind
// handler.
func Request(in any) Option { return func(o *operation) { o.request = typeOf(in) } }

// ResponseType declares the JSON body of a plain handler's 200 response:
// a value of it, or a reflect.Type.
func ResponseType(body any) Option { return func(o *operation) { o.responseType = typeOf(body) } }

// Example adds a named example of the request body.
func Example(name string, value any) Option {
	return func(o *operation) { o.examples = append(o.examples, example{name: name, value: value}) }
}

// ResponseExample adds a named example of the body of the response with
// the given status.
func ResponseExample(status int, name string, value any) Option {
	return func(o *operation) {
		o.responseExamples = append(o.responseExamples, example{status: status, name: name, value: value})
	}
}

// Security declares a security requirement of a plain handler, as
// security middleware does through OpenAPISecurity: the scheme's name, its
// Security Scheme Object and the required scopes.
func Security(name string, scheme map[string]any, scopes ...string) Option {
	return func(o *operation) { o.addSecurity(name, scheme, scopes) }
}

func typeOf(v any) reflect.Type {
	if t, ok := v.(reflect.Type); ok {
		return t
	}
	return reflect.TypeOf(v)
}

type declared struct {
	status      int
	body        reflect.Type
	media       string // a body that is not JSON, documented as a string
	description string
}

type example struct {
	status int
	name   string
	value  any
}

type requirement struct {
	name   string
	scheme map[string]any
	scopes []string
}

// operation is everything known about one registered operation.
type operation struct {
	pattern, method, path string
	pathNames             []string

	id, summary, description string
	idSet, deprecated        bool
	hidden                   bool
	tags                     []string

	input        *bind.Input
	request      reflect.Type
	status       int
	output       reflect.Type // nil: no documented body
	responseType reflect.Type
	typed        bool // a bind handler
	streamMedia  string
	streamItems  map[string]reflect.Type // from StreamDescriber

	responses        []declared
	headers          []header
	examples         []example
	responseExamples []example
	security         []requirement
	params           []map[string]any // from ParameterDescriber
	self             map[string]any   // from OperationDescriber
	depInputs        []*bind.Input    // typed parameters of dependencies

	use      []func(http.Handler) http.Handler // Use, outermost first
	offered  []bind.Dependency                 // Deps, the first preferred
	required []bind.Dependency                 // Requires, outermost first
	handler  http.Handler                      // the bind handler found by inspect

	usesErrors bool // set by a build: the operation refers to error bodies
}

func newOperation(pattern string, h http.Handler, opts []Option) (*operation, http.Handler, error) {
	op := &operation{pattern: pattern, status: http.StatusOK}
	for _, o := range opts {
		o(op)
	}
	op.inspect(h)
	if err := op.useDeps(); err != nil {
		return nil, nil, fmt.Errorf("docs: %s: %w", pattern, err)
	}
	h = op.wrap(h)
	if op.hidden {
		return op, h, nil
	}
	method, path, names, err := parsePattern(pattern)
	if err != nil {
		return nil, nil, err
	}
	op.method, op.path, op.pathNames = method, path, names
	if !op.idSet {
		op.id = defaultID(method, path)
	}
	if op.request != nil && op.input == nil {
		in, err := bind.Describe(op.request)
		if err != nil {
			return nil, nil, fmt.Errorf("docs: %s: Request: %w", pattern, err)
		}
		op.input = in
	}
	if op.responseType != nil && !op.typed {
		op.output = op.responseType
	}
	for _, t := range op.outputTypes() {
		if err := checkOutput(t); err != nil {
			return nil, nil, fmt.Errorf("docs: %s: %w", pattern, err)
		}
	}
	if err := op.checkPath(); err != nil {
		return nil, nil, err
	}
	return op, h, nil
}

// inspect follows h's middleware chain.
func (op *operation) inspect(h http.Handler) {
	for range maxUnwrap {
		if h == nil {
			return
		}
		op.describeLayer(h)
		if d, ok := h.(StreamDescriber); ok {
			op.typed, op.handler = true, h
			op.streamMedia, op.streamItems = d.OpenAPIStream()
			if in, ok := h.(interface{ Input() *bind.Input }); ok {
				op.input = in.Input()
			}
			return
		}
		if b, ok := h.(bind.Operation); ok {
			op.typed, op.handler = true, h
			op.input = b.Input()
			op.status = b.SuccessStatus()
			op.output = b.OutputType()
			return
		}
		u, ok := h.(Unwrapper)
		if !ok {
			return
		}
		h = u.Unwrap()
	}
}

// describeLayer adds what one handler of a chain (a middleware, a
// dependency) declares: security, parameters, typed parameters.
func (op *operation) describeLayer(h any) {
	if s, ok := h.(SecurityDescriber); ok {
		name, scheme, scopes := s.OpenAPISecurity()
		op.addSecurity(name, scheme, scopes)
	}
	if p, ok := h.(ParameterDescriber); ok {
		op.params = append(op.params, p.OpenAPIParameters()...)
	}
	if d, ok := h.(OperationDescriber); ok && op.self == nil {
		op.self, _ = deepCopy(d.OpenAPIOperation()).(map[string]any)
	}
	if b, ok := h.(interface{ BindInputs() []*bind.Input }); ok {
		for _, in := range b.BindInputs() {
			if !slices.Contains(op.depInputs, in) {
				op.depInputs = append(op.depInputs, in)
			}
		}
	}
}

// useDeps gives the offered dependencies to the bind handler's dep fields
// and documents the ones it takes.
func (op *operation) useDeps() error {
	d, ok := op.handler.(bind.Dependent)
	if !ok {
		if len(op.required) > 0 {
			return fmt.Errorf("docs.Requires: the handler is not a bind handler; wrap it with deps.Requires (docs.Use)")
		}
		return nil
	}
	if err := d.UseDependencies(op.offered, op.required); err != nil {
		return err
	}
	if r, ok := d.(interface{ RequiredDependencies() []bind.Dependency }); ok {
		for _, dep := range r.RequiredDependencies() {
			op.describeLayer(dep)
		}
	}
	for _, dep := range d.Dependencies() {
		op.describeLayer(dep)
	}
	return nil
}

// wrap applies the operation's middleware to h, documenting each layer.
func (op *operation) wrap(h http.Handler) http.Handler {
	for i := len(op.use) - 1; i >= 0; i-- {
		h = op.use[i](h)
		op.describeLayer(h)
	}
	return h
}

func (op *operation) addSecurity(name string, scheme map[string]any, scopes []string) {
	if name == "" || scheme == nil {
		return // a describer with no scheme, such as deps.Requires without security
	}
	for i := range op.security {
		if op.security[i].name == name {
			for _, s := range scopes {
				if !slices.Contains(op.security[i].scopes, s) {
					op.security[i].scopes = append(op.security[i].scopes, s)
				}
			}
			return
		}
	}
	op.security = append(op.security, requirement{name: name, scheme: scheme, scopes: slices.Clone(scopes)})
}

// hasInputs reports whether the operation reads parameters or a body that
// can be invalid, its own or a dependency's (deps answers 422 for those
// too).
func (op *operation) hasInputs() bool {
	return len(op.params) > 0 || len(op.depInputs) > 0 ||
		op.input != nil && (len(op.input.Params) > 0 || op.input.Body != nil)
}

func (op *operation) outputTypes() []reflect.Type {
	var ts []reflect.Type
	if op.output != nil {
		ts = append(ts, op.output)
	}
	for _, r := range op.responses {
		if r.body != nil {
			ts = append(ts, r.body)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(op.streamItems)) {
		ts = append(ts, op.streamItems[name])
	}
	return ts
}

// checkOutput compiles the struct types of a response body, so that a bad
// validate tag is reported at start-up rather than when the document is
// built.
func checkOutput(t reflect.Type) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && !isLeaf(t) {
		if _, err := validate.Compile(t); err != nil {
			return err
		}
	}
	return nil
}

// checkPath compares the pattern's wildcards with the input's path
// parameters: bind answers 422 for a path parameter the pattern never fills.
func (op *operation) checkPath() error {
	if op.input == nil {
		return nil
	}
	var fields []string
	for _, p := range op.input.Params {
		if p.Source != bind.SourcePath {
			continue
		}
		fields = append(fields, p.Name)
		if !slices.Contains(op.pathNames, p.Name) {
			return fmt.Errorf("docs: %s: field %s.%s reads path:%q but the pattern has no {%s} wildcard",
				op.pattern, op.input.Type, p.Field.Name, p.Name, p.Name)
		}
	}
	for _, n := range op.pathNames {
		if !slices.Contains(fields, n) {
			return fmt.Errorf("docs: %s: wildcard {%s} has no field with tag path:%q in %s",
				op.pattern, n, n, op.input.Type)
		}
	}
	return nil
}

// parsePattern splits an http.ServeMux pattern into its method, its
// OpenAPI path (wildcards as {name}, without {$}) and its wildcard names.
func parsePattern(pattern string) (method, path string, names []string, err error) {
	rest := strings.TrimLeft(pattern, " \t")
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		method, rest = rest[:i], strings.TrimLeft(rest[i:], " \t")
	}
	if method == "" {
		return "", "", nil, fmt.Errorf("docs: pattern %q has no method: a documented operation needs one, such as \"GET %s\" (or use Hidden)", pattern, rest)
	}
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "", "", nil, fmt.Errorf("docs: pattern %q has no path", pattern)
	}
	rest = rest[i:] // drop the host: OpenAPI paths have none
	var b strings.Builder
	for seg := range strings.SplitSeq(rest[1:], "/") {
		b.WriteByte('/')
		if !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") {
			b.WriteString(seg)
			continue
		}
		name := strings.TrimSuffix(seg[1:len(seg)-1], "...")
		if name == "$" {
			continue
		}
		names = append(names, name)
		b.WriteString("{" + name + "}")
	}
	return strings.ToUpper(method), b.String(), names, nil
}

// defaultID is a readable operation ID: get_items_id.
func defaultID(method, path string) string {
	parts := strings.FieldsFunc(path, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	})
	if len(parts) == 0 {
		parts = []string{"root"}
	}
	return strings.ToLower(method) + "_" + strings.Join(parts, "_")
}
