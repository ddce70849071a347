package docs

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/stdapi/stdapi/bind"
)

// Group registers operations under a common path prefix with common
// options: FastAPI's APIRouter, huma's groups. Options given to the group
// (Tags, Response, Security, Use, Deps and the rest) apply to each
// operation registered through it, before the operation's own; Tags and
// responses add up; a group inside a group adds its prefix and options to
// its parent's. Make one with API.Group or Group.Group. A Group is safe for
// concurrent use.
//
//	v1 := api.Group(mux, "/v1", docs.Deps(db))
//	items := v1.Group("/items", docs.Tags("items"), docs.Use(security.Require(oauth2)))
//	items.Handle("GET /", bind.Handler(listItems))         // GET /v1/items
//	items.Handle("GET /{id}", bind.Handler(getItem))       // GET /v1/items/{id}
//
// The pattern of each operation is registered on mux with the full path and
// documented with it. "/" under a prefix is the prefix itself, and its
// trailing-slash twin (GET /v1/items/) serves the same handler without
// being documented; any other path ending in "/" (a ServeMux subtree, which
// would match every path below it) makes Handle panic: write
// "{rest...}" or "{$}" to say which is meant.
type Group struct {
	api    *API
	mux    Router
	prefix string
	opts   []Option
}

// Group returns a group of operations registered on mux under prefix
// ("/v1", or "" for none), with opts. It panics on a prefix that does not
// start with "/" or that ends with one.
func (a *API) Group(mux Router, prefix string, opts ...Option) *Group {
	checkPrefix(prefix)
	return &Group{api: a, mux: mux, prefix: prefix, opts: append([]Option(nil), opts...)}
}

// Group returns a group inside g: its prefix follows g's and its options
// apply after g's.
func (g *Group) Group(prefix string, opts ...Option) *Group {
	checkPrefix(prefix)
	all := append(append([]Option(nil), g.opts...), opts...)
	return &Group{api: g.api, mux: g.mux, prefix: g.prefix + prefix, opts: all}
}

func checkPrefix(prefix string) {
	if prefix != "" && (!strings.HasPrefix(prefix, "/") || strings.HasSuffix(prefix, "/")) {
		panic(fmt.Sprintf("docs: group prefix %q must start with / and not end with one", prefix))
	}
}

// Handle registers h for pattern ("GET /{id}") under the group's prefix,
// with the group's options then opts, as API.Handle does.
func (g *Group) Handle(pattern string, h http.Handler, opts ...Option) {
	full, alias := g.join(pattern)
	all := append(append([]Option(nil), g.opts...), opts...)
	h = g.api.handle(g.mux, full, h, all)
	if alias != "" {
		g.mux.Handle(alias, h)
	}
}

// HandleFunc is Handle for a handler function.
func (g *Group) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request), opts ...Option) {
	g.Handle(pattern, http.HandlerFunc(h), opts...)
}

// join returns the full pattern of pattern under g's prefix, and the
// pattern of its trailing-slash twin, if any.
func (g *Group) join(pattern string) (full, alias string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	path = strings.TrimLeft(path, " \t")
	if !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("docs: group %q: pattern %q: the path must start with /", g.prefix, pattern))
	}
	sp := func(p string) string {
		if method == "" {
			return p
		}
		return method + " " + p
	}
	switch {
	case path == "/" && g.prefix != "":
		return sp(g.prefix), sp(g.prefix + "/{$}")
	case strings.HasSuffix(path, "/"):
		panic(fmt.Sprintf("docs: group %q: pattern %q ends with /, which matches every path below it: write %q or %q",
			g.prefix, pattern, path+"{rest...}", path+"{$}"))
	}
	return sp(g.prefix + path), ""
}

// Use wraps the operation's handler with middleware, the first one
// outermost; a group's middleware wraps its operations' own. Documentation
// still sees through them (Unwrap), so a security.Require here documents
// its scheme on every operation.
func Use(mw ...func(http.Handler) http.Handler) Option {
	return func(o *operation) { o.use = append(o.use, mw...) }
}

// Deps offers dependencies to the dep fields of the operation's bind
// handler (see bind.Dependency): the operation's own first, then those of
// its innermost group, out to the API's. A dep field that none provides
// makes Handle panic. The chosen dependencies' parameters and security
// schemes are documented on the operation.
func Deps(ds ...bind.Dependency) Option {
	return func(o *operation) { o.offered = append(append([]bind.Dependency(nil), ds...), o.offered...) }
}

// Requires makes the operation's bind handler resolve ds before its
// function, for their effect only (FastAPI's dependencies=[...] on a router
// or a path operation): a group's first, then the operation's. Their 422s
// join the handler's own in one 422, first; another error (a 400, a 401) is
// the response. Their parameters and security schemes are documented. The
// operation must be a bind handler (or a ws.Endpoint): Handle panics
// otherwise; give other handlers deps.Requires middleware with Use.
func Requires(ds ...bind.Dependency) Option {
	return func(o *operation) { o.required = append(o.required, ds...) }
}
