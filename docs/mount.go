package docs

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/stdapi/stdapi"
)

// MountOption configures Mount.
type MountOption func(*mountConfig)

type mountConfig struct {
	spec, spec30, swagger, redoc string
	specYAML                     string
	assetsPath                   string
	root                         bool
	assets                       assetSource
	connect                      []string
}

// OpenAPIPath sets where the document is served. Default "/openapi.json";
// "" serves no document (and then no page, which needs it).
func OpenAPIPath(p string) MountOption { return func(c *mountConfig) { c.spec = p } }

// OpenAPI30Path sets where the OpenAPI 3.0.3 rendering of the document
// (Document30) is served, for tools not on 3.1 yet such as ogen. Default
// "/openapi-3.0.json"; "" serves none. It is served only with the document.
func OpenAPI30Path(p string) MountOption { return func(c *mountConfig) { c.spec30 = p } }

// OpenAPIYAMLPath serves the document as YAML (DocumentYAML, media type
// application/yaml) at p, such as "/openapi.yaml". Default "": none. It is
// served only with the document.
func OpenAPIYAMLPath(p string) MountOption { return func(c *mountConfig) { c.specYAML = p } }

// SwaggerUIPath sets where Swagger UI is served; its OAuth2 redirect page
// is that path followed by "/oauth2-redirect". Default "/docs"; "" serves
// neither.
func SwaggerUIPath(p string) MountOption { return func(c *mountConfig) { c.swagger = p } }

// ReDocPath sets where ReDoc is served. Default "/redoc"; "" serves none.
func ReDocPath(p string) MountOption { return func(c *mountConfig) { c.redoc = p } }

// RedirectRoot redirects GET / (exactly) to Swagger UI, or to ReDoc when
// Swagger UI is off, with a relative Location so that it works behind a
// path prefix. Off by default; the mux panics if something else already
// handles GET /{$}.
func RedirectRoot() MountOption { return func(c *mountConfig) { c.root = true } }

// AssetsURL loads the pages' scripts and styles from an npm mirror with
// jsDelivr's layout (base + "swagger-ui-dist@VERSION/swagger-ui.css"),
// keeping the pinned integrity hashes; the pages' Content-Security-Policy
// lists those exact URLs. base is an absolute http or https URL; Mount
// panics on one that is not, or that holds characters a policy cannot
// (spaces, ';', ',', quotes). Default "https://cdn.jsdelivr.net/npm/".
func AssetsURL(base string) MountOption {
	return func(c *mountConfig) {
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		c.assets.base, c.assets.fsys = base, nil
	}
}

// AssetsFS serves the pages' scripts and styles from fsys, laid out as a
// node_modules directory (swagger-ui-dist/swagger-ui-bundle.js,
// redoc/bundles/redoc.standalone.js...), for offline and air-gapped sites
// and a Content-Security-Policy without third-party origins: for example
// os.DirFS("node_modules") after npm install swagger-ui-dist redoc. Only
// the files the pages use are served, at AssetsPath; their integrity
// hashes are computed by Mount, which panics when one is missing. A nil
// fsys keeps the default, the CDN.
func AssetsFS(fsys fs.FS) MountOption { return func(c *mountConfig) { c.assets.fsys = fsys } }

// AssetsPath sets where AssetsFS files are served. Default "/docs/assets/".
func AssetsPath(p string) MountOption { return func(c *mountConfig) { c.assetsPath = p } }

// ConnectSources adds origins the Swagger UI page may send requests to,
// besides its own (CSP connect-src): the origins of servers or OAuth2 token
// URLs on other hosts, which "Try it out" and "Authorize" call.
func ConnectSources(origins ...string) MountOption {
	return func(c *mountConfig) { c.connect = append(c.connect, origins...) }
}

// Mount serves the document and the pages on mux: GET /openapi.json,
// GET /docs (Swagger UI), GET /docs/oauth2-redirect and GET /redoc by
// default. Pages refer to the document and to each other by relative URLs.
// Mount panics on an inconsistent configuration (a page without the
// document, a path without a leading "/") or a missing AssetsFS file.
func (a *API) Mount(mux Router, opts ...MountOption) {
	c := mountConfig{spec: "/openapi.json", spec30: "/openapi-3.0.json", swagger: "/docs", redoc: "/redoc", assetsPath: "/docs/assets/"}
	c.assets.base = defaultCDN
	for _, o := range opts {
		o(&c)
	}
	if err := c.check(); err != nil {
		panic(err)
	}
	if c.spec != "" {
		mux.Handle("GET "+c.spec, a)
		if c.spec30 != "" {
			mux.Handle("GET "+c.spec30, a.Handler30())
		}
		if c.specYAML != "" {
			mux.Handle("GET "+c.specYAML, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				serveBuilt(w, r, a.latest().yaml)
			}))
		}
	}
	title := a.info.Title
	if title == "" {
		title = "API"
	}
	if c.swagger != "" {
		redirect := c.swagger + "/oauth2-redirect"
		mux.Handle("GET "+c.swagger, c.page(swaggerPage(&c, title, redirect)))
		mux.Handle("GET "+redirect, c.page(redirectPage(&c, redirect)))
	}
	if c.redoc != "" {
		mux.Handle("GET "+c.redoc, c.page(redocPage(&c, title)))
	}
	if c.assets.fsys != nil {
		mux.Handle("GET "+c.assetsPath+"{file...}", assetHandler(c.assets.fsys))
	}
	if c.root {
		to := c.swagger
		if to == "" {
			to = c.redoc
		}
		loc := relURL("/", to)
		mux.Handle("GET /{$}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Not http.Redirect, which would make loc absolute and break
			// the redirect behind a path prefix.
			w.Header().Set("Location", loc)
			w.WriteHeader(http.StatusFound)
		}))
	}
}

func (c *mountConfig) check() error {
	for _, p := range []string{c.spec, c.spec30, c.specYAML, c.swagger, c.redoc} {
		if p != "" && !strings.HasPrefix(p, "/") {
			return fmt.Errorf("docs: Mount: path %q must start with /", p)
		}
	}
	if c.spec == "" && (c.swagger != "" || c.redoc != "") {
		return fmt.Errorf("docs: Mount: the pages need the document: set SwaggerUIPath(\"\") and ReDocPath(\"\") too, or keep OpenAPIPath")
	}
	if c.root && c.swagger == "" && c.redoc == "" {
		return fmt.Errorf("docs: Mount: RedirectRoot needs Swagger UI or ReDoc")
	}
	if c.assets.fsys == nil && !cspURL(c.assets.base) {
		return fmt.Errorf("docs: Mount: AssetsURL %q is not an http(s) URL fit for a Content-Security-Policy", c.assets.base)
	}
	if c.assets.fsys != nil {
		if !strings.HasPrefix(c.assetsPath, "/") || !strings.HasSuffix(c.assetsPath, "/") {
			return fmt.Errorf("docs: Mount: AssetsPath %q must start and end with /", c.assetsPath)
		}
		var need []asset
		if c.swagger != "" {
			need = append(need, swaggerJS, swaggerCSS, swaggerRedirect)
		}
		if c.redoc != "" {
			need = append(need, redocJS)
		}
		c.assets.path = c.assetsPath
		return c.assets.hashFS(need)
	}
	return nil
}

// ServeHTTP serves the document as application/json from memory, with a
// strong ETag: a request whose If-None-Match names it gets a 304. The
// document is built on the first request after a registration; a build
// error is a 500 whose cause is logged, not sent.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	serveBuilt(w, r, a.latest())
}

// Handler30 serves the OpenAPI 3.0.3 rendering (Document30) as ServeHTTP
// serves the document.
func (a *API) Handler30() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveBuilt(w, r, a.latest().v30)
	})
}

// latest is the current build, without locking when it is up to date.
func (a *API) latest() *built {
	b := a.built.Load()
	if b == nil || b.gen != a.gen.Load() {
		b = a.current()
	}
	return b
}

func serveBuilt(w http.ResponseWriter, r *http.Request, b *built) {
	if b.err != nil {
		stdapi.WriteError(w, r, b.err)
		return
	}
	h := w.Header()
	h["Etag"] = b.etagHeader
	h["Cache-Control"] = noCache
	if match := r.Header["If-None-Match"]; len(match) > 0 && etagMatch(match, b.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = jsonType
	if b.media != nil {
		h["Content-Type"] = b.media
	}
	h["Content-Length"] = b.lengthHeader
	h["X-Content-Type-Options"] = nosniff
	w.WriteHeader(http.StatusOK)
	w.Write(b.data)
}

var (
	noCache  = []string{"no-cache"}
	jsonType = []string{"application/json"}
	yamlType = []string{"application/yaml"}
	htmlType = []string{"text/html; charset=utf-8"}
	nosniff  = []string{"nosniff"}
)

// etagMatch reports whether an If-None-Match list names etag (weak
// comparison, as RFC 9110 asks for If-None-Match) or is "*".
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for t := range strings.SplitSeq(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// page is a static HTML page with its Content-Security-Policy.
type page struct {
	body        []byte
	csp, length []string
	etag        []string
}

func (c *mountConfig) page(body string, pol policy) http.Handler {
	p := &page{body: []byte(body)}
	p.length = []string{strconv.Itoa(len(p.body))}
	sum := sha256.Sum256(p.body)
	p.etag = []string{`"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	p.csp = []string{c.csp(pol)}
	return p
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Security-Policy"] = p.csp
	h["X-Content-Type-Options"] = nosniff
	h["Referrer-Policy"] = noReferrer
	h["Cache-Control"] = noCache
	h["Etag"] = p.etag
	if match := r.Header["If-None-Match"]; len(match) > 0 && etagMatch(match, p.etag[0]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = htmlType
	h["Content-Length"] = p.length
	w.WriteHeader(http.StatusOK)
	w.Write(p.body)
}

var noReferrer = []string{"no-referrer"}

// assetHandler serves the asset files, and nothing else, from fsys.
func assetHandler(fsys fs.FS) http.Handler {
	allowed := map[string]bool{}
	for _, a := range allAssets {
		allowed[a.fsPath()] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !allowed[name] {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, ""))
			return
		}
		w.Header()["X-Content-Type-Options"] = nosniff
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeFileFS(w, r, fsys, name)
	})
}

// jsString is s as a JavaScript string literal, safe inside <script>.
func jsString(s string) string {
	b, _ := json.Marshal(s) // escapes <, > and &
	return string(b)
}

func attr(s string) string { return html.EscapeString(s) }
