package docs

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// Info is the document's info object: what the API is.
type Info struct {
	// Title names the API. Required by OpenAPI; "API" when empty.
	Title string
	// Version is the API's version (not OpenAPI's). "0.0.0" when empty.
	Version string
	// Summary is a one-line summary of the API.
	Summary string
	// Description may use CommonMark.
	Description string
	// TermsOfService is a URL.
	TermsOfService string
	// Contact is the API's contact, when not nil.
	Contact *Contact
	// License is the API's license, when not nil.
	License *License
}

// Contact is the contact information of an API.
type Contact struct {
	// Name of the contact person or organization.
	Name string
	// URL of the contact information.
	URL string
	// Email address of the contact.
	Email string
}

// License is the license of an API: Name and either an SPDX Identifier or
// a URL.
type License struct {
	// Name is the license's name, such as "MIT".
	Name string
	// Identifier is its SPDX identifier, such as "MIT".
	Identifier string
	// URL is where the license text is.
	URL string
}

// Server is one entry of the document's servers list.
type Server struct {
	// URL may be relative to where the document is served, such as "/api".
	URL string
	// Description describes the server.
	Description string
}

// Router is where Handle registers handlers: *http.ServeMux satisfies it,
// as does any router with the same Handle method.
type Router interface {
	Handle(pattern string, handler http.Handler)
}

// API is a registry of documented operations and the OpenAPI 3.1 document
// made from them. Create it with New. Its methods are safe for concurrent
// use; handlers may be registered before or after Mount.
type API struct {
	info    Info
	servers []Server
	tags    []tagInfo

	mu      sync.Mutex
	ops     []*operation
	keys    map[string]bool // "METHOD path" of every operation
	ids     map[string]bool // operation IDs
	schemes map[string]map[string]any
	gen     atomic.Uint64 // bumped by every registration, under mu

	built atomic.Pointer[built]
}

type tagInfo struct{ name, description string }

// APIOption configures an API.
type APIOption func(*API)

// Tag describes a tag used by operations (docs.Tags); tags are listed in
// the document in the order of their Tag options, then the undescribed
// ones in alphabetical order.
func Tag(name, description string) APIOption {
	return func(a *API) { a.tags = append(a.tags, tagInfo{name, description}) }
}

// Servers sets the document's servers. Default none, which OpenAPI tools
// read as the origin the document was loaded from.
func Servers(servers ...Server) APIOption {
	return func(a *API) { a.servers = append(a.servers, servers...) }
}

// New returns an empty API described by info.
func New(info Info, opts ...APIOption) *API {
	a := &API{
		info:    info,
		keys:    map[string]bool{},
		ids:     map[string]bool{},
		schemes: map[string]map[string]any{},
	}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Handle registers h on mux for pattern and documents it as an operation.
// The pattern is an http.ServeMux pattern with a method, such as
// "GET /items/{id}". What h is, is found by unwrapping middleware through
// Unwrap() http.Handler: a bind handler gives the parameters, the request
// body, the response body and the success status; handlers with
// OpenAPISecurity or OpenAPIParameters methods add security requirements and
// parameters. Options add the rest: Use wraps h in middleware, Deps offers
// dependencies to the dep fields of its bind handler (see Group for both).
//
// Handle panics, before touching mux, on a pattern without a method (unless
// the operation is Hidden), on a path parameter of the pattern that the
// input type does not read or the other way round, on an operation
// registered twice, on a duplicate OperationID, on two different security
// schemes with one name, on a dep field that no dependency provides, and on
// types that cannot be documented: the
// mistakes http.ServeMux also reports when a program starts.
func (a *API) Handle(mux Router, pattern string, h http.Handler, opts ...Option) {
	a.handle(mux, pattern, h, opts)
}

// handle registers and documents h, wrapped in the middleware of opts, and
// returns what it registered.
func (a *API) handle(mux Router, pattern string, h http.Handler, opts []Option) http.Handler {
	op, h, err := newOperation(pattern, h, opts)
	if err != nil {
		panic(err)
	}
	if !op.hidden {
		a.mu.Lock()
		err = a.claim(op)
		a.mu.Unlock()
		if err != nil {
			panic(err)
		}
	}
	mux.Handle(pattern, h)
	if op.hidden {
		return h
	}
	a.mu.Lock()
	a.add(op)
	a.mu.Unlock()
	return h
}

// HandleFunc is Handle for a handler function.
func (a *API) HandleFunc(mux Router, pattern string, h func(http.ResponseWriter, *http.Request), opts ...Option) {
	a.Handle(mux, pattern, http.HandlerFunc(h), opts...)
}

// claim checks op against the operations already registered.
func (a *API) claim(op *operation) error {
	key := op.method + " " + op.path
	if a.keys[key] {
		return fmt.Errorf("docs: %s: operation %s %s is already registered", op.pattern, op.method, op.path)
	}
	if op.idSet && a.ids[op.id] {
		return fmt.Errorf("docs: %s: operation ID %q is already used", op.pattern, op.id)
	}
	for _, s := range op.security {
		if old, ok := a.schemes[s.name]; ok && !equalJSON(old, s.scheme) {
			return fmt.Errorf("docs: %s: security scheme %q is declared twice with different definitions", op.pattern, s.name)
		}
	}
	return nil
}

// add records op, giving it a unique readable ID when it has none.
func (a *API) add(op *operation) {
	a.keys[op.method+" "+op.path] = true
	if !op.idSet {
		base := op.id
		for i := 2; a.ids[op.id]; i++ {
			op.id = fmt.Sprintf("%s_%d", base, i)
		}
	}
	a.ids[op.id] = true
	for _, s := range op.security {
		a.schemes[s.name] = s.scheme
	}
	a.ops = append(a.ops, op)
	a.gen.Add(1)
}
