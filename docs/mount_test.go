package docs_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func TestServeDocument(t *testing.T) {
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "t", Version: "1"})
	api.Mount(mux)
	api.Handle(mux, "GET /a", http.NotFoundHandler()) // after Mount

	rec := get(t, mux, "/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	data, _ := api.Document()
	if rec.Body.String() != string(data) {
		t.Error("served bytes differ from Document()")
	}
	etag := rec.Header().Get("ETag")
	for k, want := range map[string]string{
		"Content-Type": "application/json", "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
	} {
		if got := rec.Header().Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("ETag %q", etag)
	}
	if !strings.Contains(rec.Body.String(), `"/a"`) {
		t.Error("operation registered after Mount is missing")
	}

	for _, tt := range []struct {
		match string
		code  int
	}{
		{etag, http.StatusNotModified},
		{"W/" + etag, http.StatusNotModified},
		{`"other", ` + etag, http.StatusNotModified},
		{"*", http.StatusNotModified},
		{`"other"`, http.StatusOK},
		{strings.Trim(etag, `"`), http.StatusOK},
	} {
		rec := get(t, mux, "/openapi.json", "If-None-Match", tt.match)
		if rec.Code != tt.code {
			t.Errorf("If-None-Match %s: status %d, want %d", tt.match, rec.Code, tt.code)
		}
		if tt.code == http.StatusNotModified && (rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag) {
			t.Errorf("304 with body %q, ETag %q", rec.Body, rec.Header().Get("ETag"))
		}
	}

	// A registration changes the document and its ETag.
	api.Handle(mux, "GET /b", http.NotFoundHandler())
	rec = get(t, mux, "/openapi.json", "If-None-Match", etag)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"/b"`) {
		t.Fatalf("after a registration: status %d, body has /b: %v", rec.Code, strings.Contains(rec.Body.String(), `"/b"`))
	}
	if rec.Header().Get("ETag") == etag {
		t.Error("ETag unchanged after a registration")
	}
}

func TestServeConcurrentWithRegistration(t *testing.T) {
	defer leakcheck.Check(t)()
	mux := http.NewServeMux()
	api := docs.New(docs.Info{Title: "t"})
	api.Mount(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			api.Handle(mux, "GET /op"+string(rune('a'+i)), http.NotFoundHandler())
		}
	}()
	for range 20 {
		res, err := srv.Client().Get(srv.URL + "/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("status %d", res.StatusCode)
		}
	}
	<-done
	body := get(t, mux, "/openapi.json").Body.String()
	if !strings.Contains(body, `"/opt"`) {
		t.Error("last registration missing")
	}
	srv.CloseClientConnections()
}

func TestPages(t *testing.T) {
	tests := []struct {
		name   string
		opts   []docs.MountOption
		path   string
		code   int
		has    []string
		csp    []string
		header map[string]string
	}{
		{
			name: "swagger ui", path: "/docs", code: 200,
			has: []string{
				`<title>Pets &amp; Co - Swagger UI</title>`,
				`href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@` + docs.SwaggerUIVersion + `/swagger-ui.css" integrity="sha384-`,
				`src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@` + docs.SwaggerUIVersion + `/swagger-ui-bundle.js" integrity="sha384-`,
				`url: new URL("openapi.json", window.location.href).href`,
				`oauth2RedirectUrl: new URL("docs/oauth2-redirect", window.location.href).href`,
				`persistAuthorization: true`,
				`<div id="swagger-ui"><p id="stdapi-docs-loading">Loading Swagger UI&hellip;</p><p>If this message stays, the browser could not load Swagger UI's script, <code>https://cdn.jsdelivr.net/npm/swagger-ui-dist@` + docs.SwaggerUIVersion + `/swagger-ui-bundle.js</code>`,
				`<code>docs.AssetsFS(os.DirFS("node_modules"))</code>`, `<code>-docs-assets node_modules</code>`,
			},
			csp:    []string{"default-src 'none'", "script-src https://cdn.jsdelivr.net/npm/swagger-ui-dist@" + docs.SwaggerUIVersion + "/swagger-ui-bundle.js 'sha256-", "connect-src 'self'"},
			header: map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff"},
		},
		{
			name: "oauth2 redirect", path: "/docs/oauth2-redirect", code: 200,
			has: []string{`src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@` + docs.SwaggerUIVersion + `/oauth2-redirect.js"`},
		},
		{
			name: "redoc", path: "/redoc", code: 200,
			has: []string{`<redoc spec-url="openapi.json"><p id="stdapi-docs-loading">Loading ReDoc&hellip;</p><p>If this message stays, the browser could not load ReDoc's script, <code>https://cdn.jsdelivr.net/npm/redoc@` + docs.ReDocVersion + `/bundles/redoc.standalone.js</code>`, `-docs-assets node_modules</code>.</p></redoc>`, `/npm/redoc@` + docs.ReDocVersion + `/bundles/redoc.standalone.js" integrity="sha384-`},
			csp: []string{"worker-src blob:"},
		},
		{name: "no root redirect by default", path: "/", code: 404},
		{
			name: "root redirect", opts: []docs.MountOption{docs.RedirectRoot()}, path: "/", code: 302,
			header: map[string]string{"Location": "docs"},
		},
		{
			name: "root redirect to redoc", opts: []docs.MountOption{docs.RedirectRoot(), docs.SwaggerUIPath("")}, path: "/", code: 302,
			header: map[string]string{"Location": "redoc"},
		},
		{name: "swagger off", opts: []docs.MountOption{docs.SwaggerUIPath("")}, path: "/docs", code: 404},
		{name: "redoc off", opts: []docs.MountOption{docs.ReDocPath("")}, path: "/redoc", code: 404},
		{
			name: "nested paths", opts: []docs.MountOption{docs.OpenAPIPath("/v1/openapi.json"), docs.SwaggerUIPath("/v1/ui/docs")},
			path: "/v1/ui/docs", code: 200,
			has: []string{`new URL("../openapi.json"`, `new URL("docs/oauth2-redirect"`},
		},
		{
			name: "mirror", opts: []docs.MountOption{docs.AssetsURL("https://mirror.example/npm")},
			path: "/redoc", code: 200,
			has: []string{`src="https://mirror.example/npm/redoc@` + docs.ReDocVersion + `/bundles/redoc.standalone.js" integrity="sha384-w447`},
			csp: []string{"script-src https://mirror.example/npm/redoc@" + docs.ReDocVersion + "/bundles/redoc.standalone.js;"},
		},
		{
			name: "connect sources", opts: []docs.MountOption{docs.ConnectSources("https://auth.example")},
			path: "/docs", code: 200, csp: []string{"connect-src 'self' https://auth.example;"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			api := docs.New(docs.Info{Title: "Pets & Co"})
			api.Mount(mux, tt.opts...)
			rec := get(t, mux, tt.path)
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d", rec.Code, tt.code)
			}
			for _, s := range tt.has {
				if !strings.Contains(rec.Body.String(), s) {
					t.Errorf("body lacks %s\n%s", s, rec.Body)
				}
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, s := range tt.csp {
				if !strings.Contains(csp, s) {
					t.Errorf("CSP %q lacks %q", csp, s)
				}
			}
			for k, v := range tt.header {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

// TestPagePolicies pins each page's Content-Security-Policy: the assets by
// their exact URLs (not the whole CDN), Swagger UI's inline script by its
// hash, no 'unsafe-inline' anywhere (ReDoc's two <style> elements by their
// hashes), and only what each page uses.
func TestPagePolicies(t *testing.T) {
	const (
		tail   = "; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
		images = "; img-src 'self' data:"
		styles = "; style-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='"
	)
	mux := http.NewServeMux()
	docs.New(docs.Info{}).Mount(mux)
	body := get(t, mux, "/docs").Body.String()
	inline := "'sha256-" + sha256Base64(body[strings.LastIndex(body, "<script>")+len("<script>"):strings.LastIndex(body, "</script>")]) + "'"
	assetsFS := fstest.MapFS{
		"swagger-ui-dist/swagger-ui-bundle.js": {Data: []byte("bundle")},
		"swagger-ui-dist/swagger-ui.css":       {Data: []byte("css")},
		"swagger-ui-dist/oauth2-redirect.js":   {Data: []byte("redirect")},
		"redoc/bundles/redoc.standalone.js":    {Data: []byte("redoc")},
	}
	cdn := func(base string) map[string]string {
		swagger := base + "swagger-ui-dist@" + docs.SwaggerUIVersion + "/"
		return map[string]string{
			"/docs": "default-src 'none'; script-src " + swagger + "swagger-ui-bundle.js " + inline +
				"; style-src " + swagger + "swagger-ui.css" + images + "; connect-src 'self' https://auth.example" + tail,
			"/docs/oauth2-redirect": "default-src 'none'; script-src " + swagger + "oauth2-redirect.js" + tail,
			"/redoc": "default-src 'none'; script-src " + base + "redoc@" + docs.ReDocVersion + "/bundles/redoc.standalone.js" +
				styles + images + "; connect-src 'self'; worker-src blob:" + tail,
		}
	}
	tests := []struct {
		name string
		opts []docs.MountOption
		want map[string]string
	}{
		{"CDN", nil, cdn("https://cdn.jsdelivr.net/npm/")},
		{"mirror", []docs.MountOption{docs.AssetsURL("https://mirror.example/npm")}, cdn("https://mirror.example/npm/")},
		{"AssetsFS", []docs.MountOption{docs.AssetsFS(assetsFS)}, map[string]string{
			"/docs":                 "default-src 'none'; script-src 'self' " + inline + "; style-src 'self'" + images + "; connect-src 'self' https://auth.example" + tail,
			"/docs/oauth2-redirect": "default-src 'none'; script-src 'self'" + tail,
			"/redoc":                "default-src 'none'; script-src 'self'" + styles + images + "; connect-src 'self'; worker-src blob:" + tail,
		}},
	}
	for _, tt := range tests {
		mux := http.NewServeMux()
		docs.New(docs.Info{}).Mount(mux, append(tt.opts, docs.ConnectSources("https://auth.example"))...)
		for path, want := range tt.want {
			if got := get(t, mux, path).Header().Get("Content-Security-Policy"); got != want {
				t.Errorf("%s %s:\n got %s\nwant %s", tt.name, path, got, want)
			}
		}
	}
}

func TestInlineScriptHashInCSP(t *testing.T) {
	mux := http.NewServeMux()
	docs.New(docs.Info{}).Mount(mux)
	rec := get(t, mux, "/docs")
	body := rec.Body.String()
	start := strings.LastIndex(body, "<script>") + len("<script>")
	end := strings.LastIndex(body, "</script>")
	script := body[start:end]
	sum := sha256Base64(script)
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "'sha256-"+sum+"'") {
		t.Errorf("CSP does not allow the inline script (sha256-%s): %s", sum, rec.Header().Get("Content-Security-Policy"))
	}
}

func TestAssetsFS(t *testing.T) {
	fsys := fstest.MapFS{
		"swagger-ui-dist/swagger-ui-bundle.js": {Data: []byte("bundle")},
		"swagger-ui-dist/swagger-ui.css":       {Data: []byte("css")},
		"swagger-ui-dist/oauth2-redirect.js":   {Data: []byte("redirect")},
		"redoc/bundles/redoc.standalone.js":    {Data: []byte("redoc")},
		"secret.txt":                           {Data: []byte("secret")},
	}
	mux := http.NewServeMux()
	docs.New(docs.Info{}).Mount(mux, docs.AssetsFS(fsys))

	page := get(t, mux, "/docs")
	want := `src="docs/assets/swagger-ui-dist/swagger-ui-bundle.js" integrity="sha384-` + sha384Base64("bundle") + `"`
	if !strings.Contains(page.Body.String(), want) {
		t.Errorf("page lacks %s\n%s", want, page.Body)
	}
	redoc := get(t, mux, "/redoc")
	if want := `src="docs/assets/redoc/bundles/redoc.standalone.js"`; !strings.Contains(redoc.Body.String(), want) {
		t.Errorf("redoc lacks %s", want)
	}
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self' 'sha256-") || strings.Contains(csp, "https:") {
		t.Errorf("CSP %q", csp)
	}
	for path, code := range map[string]int{
		"/docs/assets/swagger-ui-dist/swagger-ui-bundle.js": 200,
		"/docs/assets/redoc/bundles/redoc.standalone.js":    200,
		"/docs/assets/secret.txt":                           404,
		"/docs/assets/../secret.txt":                        404,
		"/docs/assets/swagger-ui-dist/":                     404,
	} {
		rec := get(t, mux, path)
		got := rec.Code
		if got/100 == 3 { // the mux cleans ../ with a redirect
			got = get(t, mux, rec.Header().Get("Location")).Code
		}
		if got != code {
			t.Errorf("%s: status %d, want %d", path, got, code)
		}
	}
	if body := get(t, mux, "/docs/assets/swagger-ui-dist/swagger-ui.css").Body.String(); body != "css" {
		t.Errorf("asset body %q", body)
	}
}

func TestMountPanics(t *testing.T) {
	tests := []struct {
		name string
		opts []docs.MountOption
		want string
	}{
		{"pages without document", []docs.MountOption{docs.OpenAPIPath("")}, "the pages need the document"},
		{"relative path", []docs.MountOption{docs.SwaggerUIPath("docs")}, `path "docs" must start with /`},
		{"redirect to nothing", []docs.MountOption{docs.RedirectRoot(), docs.SwaggerUIPath(""), docs.ReDocPath("")}, "RedirectRoot needs"},
		{"missing asset", []docs.MountOption{docs.AssetsFS(fstest.MapFS{})}, "swagger-ui-dist/swagger-ui-bundle.js"},
		{"bad assets path", []docs.MountOption{docs.AssetsFS(fstest.MapFS{}), docs.AssetsPath("/assets")}, "must start and end with /"},
		{"assets URL breaking the policy", []docs.MountOption{docs.AssetsURL("https://cdn.example/npm/; script-src *")}, "not an http(s) URL fit for a Content-Security-Policy"},
		{"relative assets URL", []docs.MountOption{docs.AssetsURL("/npm/")}, "not an http(s) URL fit for a Content-Security-Policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := &recordingMux{}
			defer func() {
				err, _ := recover().(error)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("panic %v, want %q", err, tt.want)
				}
				if len(mux.patterns) > 0 {
					t.Errorf("registered %v", mux.patterns)
				}
			}()
			docs.New(docs.Info{}).Mount(mux, tt.opts...)
		})
	}
}

func TestDocumentOnlyMount(t *testing.T) {
	mux := &recordingMux{}
	docs.New(docs.Info{}).Mount(mux, docs.SwaggerUIPath(""), docs.ReDocPath(""))
	if strings.Join(mux.patterns, ",") != "GET /openapi.json,GET /openapi-3.0.json" {
		t.Errorf("registered %v", mux.patterns)
	}
}

func sha384Base64(s string) string {
	sum := sha512.Sum384([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func sha256Base64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}
