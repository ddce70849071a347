package templates_test

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/internal/logtest"
	"github.com/stdapi/stdapi/templates"
)

// captureLog sends slog's default logger to a buffer for the test.
func captureLog(t *testing.T) *logtest.Buffer { return logtest.Capture(t) }

const generic500 = `{"type":"about:blank","title":"Internal Server Error","status":500}`

func mapFS(files ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(files); i += 2 {
		m[files[i]] = &fstest.MapFile{Data: []byte(files[i+1])}
	}
	return m
}

func TestNewErrors(t *testing.T) {
	base := `<html>{{block "content" .}}{{end}}</html>`
	tests := []struct {
		name string
		fsys fstest.MapFS
		opts templates.Options
		want string
	}{
		{"missing layout", mapFS("index.html", "x"), templates.Options{Layouts: []string{"base.html"}},
			`templates: layout "base.html" (Options.Layouts): open base.html: file does not exist`},
		{"layout is a directory", mapFS("base/x.html", "x"), templates.Options{Layouts: []string{"base"}},
			`templates: layout "base" (Options.Layouts): not a regular file`},
		{"layout pattern matches nothing", mapFS("base.html", base), templates.Options{Layouts: []string{"base.html", "partials/*.html"}},
			`templates: layout pattern "partials/*.html" (Options.Layouts) matches no file`},
		{"missing page", mapFS("base.html", base, "index.html", "x"), templates.Options{Layouts: []string{"base.html"}, Pages: []string{"index.html", "about.html"}},
			`templates: page "about.html" (Options.Pages): open about.html: file does not exist`},
		{"page is a layout", mapFS("base.html", base, "index.html", "x"), templates.Options{Layouts: []string{"base.html"}, Pages: []string{"base.html"}},
			`templates: page "base.html" (Options.Pages) is also a layout`},
		{"page pattern matches only hidden files", mapFS(".index.html", "x", "a.html", "x"), templates.Options{Pages: []string{"*index.html"}},
			`templates: page pattern "*index.html" (Options.Pages) matches no file`},
		{"page pattern matches nothing", mapFS("index.html", "x"), templates.Options{Pages: []string{"pages/*.html"}},
			`templates: page pattern "pages/*.html" (Options.Pages) matches no file`},
		{"bad page pattern", mapFS("index.html", "x"), templates.Options{Pages: []string{"[.html"}},
			`templates: page pattern "[.html" (Options.Pages): syntax error in pattern`},
		{"parse error in page", mapFS("base.html", base, "index.html", "{{define \"content\"}}\n<p>{{.Data.Name</p>\n{{end}}"), templates.Options{Layouts: []string{"base.html"}},
			`templates: template: index.html:2: bad character U+003C '<'`},
		{"parse error in layout", mapFS("base.html", "<html>\n\n{{if}}</html>", "index.html", "x"), templates.Options{Layouts: []string{"base.html"}},
			`templates: template: base.html:3: missing value for if`},
		{"unknown function", mapFS("index.html", "<p>\n{{upper .Data}}</p>"), templates.Options{},
			`templates: template: index.html:2: function "upper" not defined`},
		{"url redefined", mapFS("index.html", "x"), templates.Options{Funcs: template.FuncMap{"url": strings.ToUpper}},
			`templates: Options.Funcs: "url" is a built-in function`},
		{"func not a function", mapFS("index.html", "x"), templates.Options{Funcs: template.FuncMap{"answer": 42}},
			`templates: Options.Funcs: value for answer not a function`},
		{"func name not an identifier", mapFS("index.html", "x"), templates.Options{Funcs: template.FuncMap{"a-b": strings.ToUpper}},
			`templates: Options.Funcs: function name "a-b" is not a valid identifier`},
		{"unclosed attribute", mapFS("index.html", "<p>\n<a href=\"{{.Data}}\n"), templates.Options{},
			`templates: html/template:index.html: ends in a non-text context: ...`},
		{"unclosed attribute in a block", mapFS("base.html", base, "index.html", `{{define "content"}}<a href="{{end}}`), templates.Options{Layouts: []string{"base.html"}},
			`templates: html/template:base.html: ends in a non-text context: ...`},
		{"undefined template", mapFS("base.html", base, "index.html", "{{define \"content\"}}\n{{template \"nav\" .}}{{end}}"), templates.Options{Layouts: []string{"base.html"}},
			`templates: html/template:index.html:2:11: no such template "nav"`},
		{"no page", mapFS("base.html", base, "notes.txt", "x"), templates.Options{Layouts: []string{"base.html"}},
			`templates: no page: the fs has no *.html file that is not a layout`},
		{"bad base path", mapFS("index.html", "x"), templates.Options{BasePath: "javascript:alert(1)"},
			`templates: Options.BasePath "javascript:alert(1)" is not a clean path or http(s) URL`},
		{"bad static prefix", mapFS("index.html", "x"), templates.Options{StaticPrefix: "/a b/"},
			`templates: Options.StaticPrefix "/a b/" is not a clean path`},
		{"error page is not a page", mapFS("index.html", "x"), templates.Options{ErrorPage: "error.html"},
			`templates: Options.ErrorPage "error.html" is not a page`},
		{"zero trusted proxy", mapFS("index.html", "x"), templates.Options{TrustPositConnect: true, TrustedProxies: []netip.Prefix{{}}},
			`templates: Options.TrustedProxies[0] is not a valid network`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm, err := templates.New(tt.fsys, tt.opts)
			if err == nil {
				t.Fatalf("New = %v, nil error; want %q", tm.Pages(), tt.want)
			}
			if want, ok := strings.CutSuffix(tt.want, "..."); ok && strings.HasPrefix(err.Error(), want) {
				return
			}
			if err.Error() != tt.want {
				t.Errorf("error\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}

// TestNewRunsNoFunction checks that New's escaping check does not call the
// application's functions.
func TestNewRunsNoFunction(t *testing.T) {
	calls := 0
	tm, err := templates.New(mapFS("index.html", `{{count}}<p>{{count}}</p>`), templates.Options{
		Funcs: template.FuncMap{"count": func() (int, error) { calls++; return calls, nil }},
	})
	if err != nil || calls != 0 {
		t.Fatalf("New: %v, %d calls", err, calls)
	}
	w := httptest.NewRecorder()
	tm.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), "index.html", nil)
	if w.Body.String() != "1<p>2</p>" || calls != 2 {
		t.Errorf("render %q, %d calls", w.Body, calls)
	}
}

func TestMustPanics(t *testing.T) {
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "base.html") {
			t.Errorf("recovered %v", v)
		}
	}()
	templates.Must(templates.New(mapFS("index.html", "x"), templates.Options{Layouts: []string{"base.html"}}))
}

func TestPageDiscovery(t *testing.T) {
	fsys := mapFS(
		"base.html", `[{{block "content" .}}{{end}}]`,
		"partials/nav.html", `{{define "nav"}}<nav>{{url "/"}}</nav>{{end}}`,
		"index.html", `{{define "content"}}{{template "nav" .}}index{{end}}`,
		"admin/users.html", `{{define "content"}}users{{end}}`,
		"notes.txt", `not a page`,
		".git/hook.html", `hidden`,
		".draft.html", `hidden`,
	)
	tests := []struct {
		name  string
		opts  templates.Options
		pages []string
	}{
		{"default", templates.Options{Layouts: []string{"base.html", "partials/*.html"}},
			[]string{"admin/users.html", "index.html"}},
		{"no layouts", templates.Options{},
			[]string{"admin/users.html", "base.html", "index.html", "partials/nav.html"}},
		{"explicit and glob", templates.Options{Layouts: []string{"base.html", "partials/nav.html"}, Pages: []string{"index.html", "*.html", "admin/*"}},
			[]string{"admin/users.html", "index.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm, err := templates.New(fsys, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(tm.Pages()); got != fmt.Sprint(tt.pages) {
				t.Errorf("pages %s, want %s", got, tt.pages)
			}
		})
	}
	tm := templates.Must(templates.New(fsys, templates.Options{Layouts: []string{"base.html", "partials/*.html"}, BasePath: "/b"}))
	for name, want := range map[string]string{"index.html": "[<nav>/b/</nav>index]", "admin/users.html": "[users]"} {
		w := httptest.NewRecorder()
		tm.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), name, nil)
		if w.Code != http.StatusOK || w.Body.String() != want {
			t.Errorf("%s: %d %q, want %q", name, w.Code, w.Body, want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	big := strings.Repeat("<p>lorem ipsum</p>\n", 1000)
	fsys := mapFS(
		"base.html", `<html>`+big+`{{block "content" .}}{{end}}</html>`,
		"fails.html", "{{define \"content\"}}\n\n{{fail .Data}}{{end}}",
		"nostatic.html", `{{define "content"}}{{static "missing.css"}}{{end}}`,
		"badfield.html", `{{define "content"}}{{.Data.Nope}}{{end}}`,
		"ok.html", `{{define "content"}}ok{{end}}`,
	)
	tm := templates.Must(templates.New(fsys, templates.Options{
		Layouts:  []string{"base.html"},
		StaticFS: mapFS("a.css", "a"),
		Funcs: template.FuncMap{"fail": func(v any) (string, error) {
			return "", fmt.Errorf("secret database password %v", v)
		}},
	}))
	tests := []struct {
		page string
		data any
		log  []string
	}{
		{"fails.html", "hunter2", []string{`fails.html:3:2: executing \"content\"`, "secret database password hunter2"}},
		{"nostatic.html", nil, []string{"nostatic.html", "missing.css", "file does not exist"}},
		{"badfield.html", struct{}{}, []string{"badfield.html:1", "Nope"}},
		{"missing.html", nil, []string{`templates: no page \"missing.html\"`}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			logs := captureLog(t)
			w := httptest.NewRecorder()
			tm.Render(w, httptest.NewRequest(http.MethodGet, "/p", nil), tt.page, tt.data)
			if w.Code != http.StatusInternalServerError {
				t.Errorf("status %d", w.Code)
			}
			if got := w.Body.String(); got != generic500 {
				t.Errorf("body %q, want %q", got, generic500)
			}
			if got := w.Header().Get("Content-Type"); got != "application/problem+json" {
				t.Errorf("Content-Type %q", got)
			}
			for _, s := range tt.log {
				if !strings.Contains(logs.String(), s) {
					t.Errorf("log lacks %q:\n%s", s, logs)
				}
			}
		})
	}
	// The pages that failed (and their pooled instances) still render.
	w := httptest.NewRecorder()
	tm.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), "ok.html", nil)
	if w.Code != http.StatusOK || w.Body.String() != "<html>"+big+"ok</html>" {
		t.Errorf("ok.html: %d %.40q", w.Code, w.Body)
	}
}

func TestPage(t *testing.T) {
	fsys := mapFS("item.html", `<h1>{{.Data}}</h1>`)
	tm := templates.Must(templates.New(fsys, templates.Options{}))
	tests := []struct {
		name   string
		data   func(*http.Request) (any, error)
		status int
		body   string
		header map[string]string
		log    string
	}{
		{"data", func(*http.Request) (any, error) { return "Widget", nil }, 200, "<h1>Widget</h1>", nil, ""},
		{"nil data func", nil, 200, "<h1></h1>", nil, ""},
		{"stdapi error", func(*http.Request) (any, error) {
			return nil, stdapi.NewError(http.StatusNotFound, "Item not found")
		}, 404, `{"type":"about:blank","title":"Not Found","status":404,"detail":"Item not found"}`, nil, ""},
		{"wrapped stdapi error with header", func(*http.Request) (any, error) {
			return nil, fmt.Errorf("loading: %w", &stdapi.Error{Status: 401, Header: http.Header{"Www-Authenticate": {"Bearer"}}})
		}, 401, `{"type":"about:blank","title":"Unauthorized","status":401}`, map[string]string{"Www-Authenticate": "Bearer"}, ""},
		{"internal error", func(*http.Request) (any, error) {
			return nil, errors.New("dial tcp 10.0.0.7:5432: connection refused")
		}, 500, generic500, nil, "10.0.0.7:5432"},
		{"panic", func(*http.Request) (any, error) { panic("boom at 0xdeadbeef") }, 500, generic500, nil, "boom at 0xdeadbeef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := captureLog(t)
			w := get(tm.Page("item.html", tt.data), "/items/1")
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %s, want %d %s", w.Code, w.Body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log lacks %q:\n%s", tt.log, logs)
			}
		})
	}
}

func TestPageAbortHandler(t *testing.T) {
	tm := templates.Must(templates.New(mapFS("p.html", "x"), templates.Options{}))
	h := tm.Page("p.html", func(*http.Request) (any, error) { panic(http.ErrAbortHandler) })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler", v)
		}
	}()
	get(h, "/")
	t.Error("no panic")
}

func TestPageUnknownPanics(t *testing.T) {
	tm := templates.Must(templates.New(mapFS("index.html", "x"), templates.Options{}))
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), `no page "idnex.html"`) {
			t.Errorf("recovered %v", v)
		}
	}()
	tm.Page("idnex.html", nil)
}

func TestErrorPage(t *testing.T) {
	fsys := mapFS(
		"base.html", `<title>{{block "title" .}}{{end}}</title>{{block "content" .}}{{end}}`,
		"error.html", `{{define "title"}}{{.Data.TitleText}}{{end}}{{define "content"}}<h1>{{.Data.StatusCode}}</h1><p>{{.Data.Detail}}</p><p>{{.Data.Err}}</p>{{end}}`,
		"item.html", `{{define "content"}}item{{end}}`,
		"broken.html", `{{define "content"}}{{.Data.Nope}}{{end}}`,
	)
	tm := templates.Must(templates.New(fsys, templates.Options{Layouts: []string{"base.html"}, ErrorPage: "error.html"}))
	tests := []struct {
		name   string
		h      http.Handler
		status int
		body   string
		header map[string]string
	}{
		{"not found", tm.Page("item.html", func(*http.Request) (any, error) {
			return nil, &stdapi.Error{Status: 404, Detail: "No <item>", Header: http.Header{"X-Reason": {"gone"}}}
		}), 404, `<title>Not Found</title><h1>404</h1><p>No &lt;item&gt;</p><p></p>`, map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Reason": "gone"}},
		{"internal error hides its cause", tm.Page("item.html", func(*http.Request) (any, error) {
			return nil, errors.New("secret cause")
		}), 500, `<title>Internal Server Error</title><h1>500</h1><p></p><p></p>`, map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		{"render error", tm.Page("broken.html", nil),
			500, `<title>Internal Server Error</title><h1>500</h1><p></p><p></p>`, nil},
		{"status without body", tm.Page("item.html", func(*http.Request) (any, error) {
			return nil, stdapi.NewError(http.StatusNotModified, "")
		}), 304, ``, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := captureLog(t)
			w := get(tt.h, "/")
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tt.status, tt.body)
			}
			for k, v := range tt.header {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if tt.status == 500 && !strings.Contains(logs.String(), "internal server error") {
				t.Errorf("500 not logged:\n%s", logs)
			}
		})
	}

	// An error page that fails falls back to problem JSON.
	failing := templates.Must(templates.New(mapFS("error.html", `{{.Data.Nope}}`, "p.html", "x"), templates.Options{ErrorPage: "error.html"}))
	logs := captureLog(t)
	w := httptest.NewRecorder()
	failing.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), stdapi.NewError(http.StatusNotFound, "gone"))
	if want := `{"type":"about:blank","title":"Not Found","status":404,"detail":"gone"}`; w.Code != 404 || w.Body.String() != want {
		t.Errorf("fallback: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "error page failed") {
		t.Errorf("failing error page not logged:\n%s", logs)
	}
}

func TestErrorPageRecordsRequestError(t *testing.T) {
	tm := templates.Must(templates.New(mapFS("error.html", `{{.Data.Status}}`, "p.html", "x"), templates.Options{ErrorPage: "error.html"}))
	want := stdapi.NewError(http.StatusForbidden, "no")
	var got error
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tm.WriteError(w, r, want)
		got = stdapi.RequestError(r.Context())
	})
	w := httptest.NewRecorder()
	stdapi.ServeScoped(w, httptest.NewRequest(http.MethodGet, "/", nil), h)
	if got != want || w.Code != 403 || w.Body.String() != "403" {
		t.Errorf("RequestError %v, response %d %q", got, w.Code, w.Body)
	}
}

func TestEscaping(t *testing.T) {
	fsys := mapFS(
		"search.html", `<p>{{.Request.URL.Query.Get "q"}}</p><a href="{{.Request.URL.Query.Get "next"}}">next</a><script>var q = {{.Request.URL.Query.Get "q"}};</script>`,
		"home.html", `<a href="{{.Request.Header.Get "RStudio-Connect-App-Base-URL"}}/">home</a> <a href="{{url "/"}}">home</a>`,
		"shout.html", `<b>{{shout .Data}}</b>`,
	)
	tm := templates.Must(templates.New(fsys, templates.Options{
		TrustPositConnect: true,
		Funcs:             template.FuncMap{"shout": func(s string) string { return strings.ToUpper(s) + "!" }},
	}))
	tests := []struct {
		name, page, target string
		header             []string
		want               string
	}{
		{"query in text, URL and script", "search.html", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&next=javascript:alert(1)", nil,
			`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p><a href="#ZgotmplZ">next</a><script>var q = "\u003cscript\u003ealert(1)\u003c/script\u003e";</script>`},
		{"quote breaking out of attribute", "search.html", "/search?q=x&next=%22onmouseover%3D%22alert(1)", nil,
			`<p>x</p><a href="%22onmouseover=%22alert%281%29">next</a><script>var q = "x";</script>`},
		{"javascript base URL header", "home.html", "/", []string{"RStudio-Connect-App-Base-URL", "javascript:alert(1)//"},
			`<a href="#ZgotmplZ/">home</a> <a href="/">home</a>`},
		{"valid base URL header", "home.html", "/", []string{"RStudio-Connect-App-Base-URL", "https://connect.example.com/content/42/"},
			`<a href="https://connect.example.com/content/42//">home</a> <a href="https://connect.example.com/content/42/">home</a>`},
		{"custom func output escaped", "shout.html", "/", nil, `<b>&lt;I&gt;!</b>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.target, nil)
			r.RemoteAddr = "127.0.0.1:1234" // Connect's proxy on the same host
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Add(tt.header[i], tt.header[i+1])
			}
			w := httptest.NewRecorder()
			tm.Render(w, r, tt.page, "<i>")
			if w.Code != http.StatusOK || w.Body.String() != tt.want {
				t.Errorf("got %d\n%s\nwant\n%s", w.Code, w.Body, tt.want)
			}
		})
	}
}

func TestExecute(t *testing.T) {
	tm := templates.Must(templates.New(mapFS("mail.html", `<p>Hi {{.Data}}, see {{url "/inbox"}}</p>`), templates.Options{BasePath: "https://example.com/app"}))
	var buf bytes.Buffer
	if err := tm.Execute(&buf, nil, "mail.html", "Ada & Bob"); err != nil {
		t.Fatal(err)
	}
	if want := `<p>Hi Ada &amp; Bob, see https://example.com/app/inbox</p>`; buf.String() != want {
		t.Errorf("got %s, want %s", &buf, want)
	}
	if err := tm.Execute(&buf, nil, "nope.html", nil); err == nil || err.Error() != `templates: no page "nope.html"` {
		t.Errorf("missing page: %v", err)
	}
}

// TestConcurrentPrefixes renders one page from many goroutines, each with
// its own proxy prefix, and checks that no request sees another's links.
func TestConcurrentPrefixes(t *testing.T) {
	defer leakcheck.Check(t)()
	_, mux := seedApp(t, templates.Options{TrustForwardedPrefix: true})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				base := fmt.Sprintf("/g%d/r%d", g, i)
				w := get(mux, "/about?name=n", "X-Forwarded-Prefix", base)
				if want := seedPage(base, "About", aboutContent(base, "n")); w.Body.String() != want {
					errs <- w.Body.String()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("wrong page:\n%s", e)
	}
}

func TestReload(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tmpl/base.html", `<main>{{block "content" .}}{{end}}</main>`)
	write("tmpl/index.html", `{{define "content"}}v1 {{static "a.css"}}{{end}}`)
	write("static/a.css", "one")
	render := func(tm *templates.Templates, page string) (int, string) {
		w := httptest.NewRecorder()
		tm.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), page, nil)
		return w.Code, w.Body.String()
	}
	opts := templates.Options{Layouts: []string{"base.html"}, StaticFS: os.DirFS(filepath.Join(dir, "static"))}
	frozen := templates.Must(templates.New(os.DirFS(filepath.Join(dir, "tmpl")), opts))
	opts.Reload = true
	live := templates.Must(templates.New(os.DirFS(filepath.Join(dir, "tmpl")), opts))
	v1 := "<main>v1 /static/a.css?v=" + hashOf("one") + "</main>"
	for _, tm := range []*templates.Templates{frozen, live} {
		if code, body := render(tm, "index.html"); code != 200 || body != v1 {
			t.Fatalf("first render: %d %s", code, body)
		}
	}

	write("tmpl/base.html", `<body>{{block "content" .}}{{end}}</body>`)
	write("tmpl/index.html", `{{define "content"}}v2 {{static "a.css"}}{{end}}`)
	write("tmpl/new.html", `{{define "content"}}new{{end}}`)
	write("static/a.css", "two")
	if code, body := render(live, "index.html"); code != 200 || body != "<body>v2 /static/a.css?v="+hashOf("two")+"</body>" {
		t.Errorf("reload: %d %s", code, body)
	}
	if code, body := render(live, "new.html"); code != 200 || body != "<body>new</body>" {
		t.Errorf("reload, new page: %d %s", code, body)
	}
	if code, body := render(frozen, "index.html"); code != 200 || body != v1 {
		t.Errorf("without Reload the page changed: %d %s", code, body)
	}
	w := get(live.Static(), "/static/a.css")
	if w.Body.String() != "two" || w.Header().Get("Etag") != `"`+hashOf("two")+`"` {
		t.Errorf("reloaded static: %s %v", w.Body, w.Header())
	}

	logs := captureLog(t)
	if err := os.Remove(filepath.Join(dir, "tmpl", "new.html")); err != nil {
		t.Fatal(err)
	}
	if code, body := render(live, "new.html"); code != 500 || body != generic500 {
		t.Errorf("reload, removed page: %d %s", code, body)
	}
	write("tmpl/index.html", "{{define \"content\"}}\n{{if}}{{end}}")
	if code, body := render(live, "index.html"); code != 500 || body != generic500 {
		t.Errorf("reload with a parse error: %d %s", code, body)
	}
	if !strings.Contains(logs.String(), "index.html:2: missing value for if") {
		t.Errorf("parse error not logged with file and line:\n%s", logs)
	}
	if err := os.Remove(filepath.Join(dir, "tmpl", "base.html")); err != nil {
		t.Fatal(err)
	}
	if code, _ := render(live, "index.html"); code != 500 {
		t.Errorf("reload, removed layout: %d", code)
	}
	for _, want := range []string{`no page \"new.html\"`, `layout \"base.html\" (Options.Layouts): stat base.html`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}
