package templates_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/templates"
)

// seedApp is the Go twin of the Posit Connect FastAPI HTML example.
func seedApp(t testing.TB, opts templates.Options) (*templates.Templates, *http.ServeMux) {
	t.Helper()
	if opts.Layouts == nil {
		opts.Layouts = []string{"base.html"}
	}
	if opts.StaticFS == nil {
		opts.StaticFS = os.DirFS("testdata/seed/static")
	}
	tm, err := templates.New(os.DirFS("testdata/seed/templates"), opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", tm.Static())
	mux.Handle("GET /{$}", tm.Page("index.html", nil))
	mux.Handle("GET /about", tm.Page("about.html", aboutData))
	return tm, mux
}

type about struct{ Name string }

func aboutData(r *http.Request) (any, error) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "Posit"
	}
	return about{Name: name}, nil
}

func get(h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = "127.0.0.1:1234" // a proxy on the same host, trusted by default
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const seedHash = "ea1071274c154fcc" // first 16 hex digits of sha256(testdata/seed/static/styles.css)

// seedPage is the expected rendering of a seed page.
func seedPage(base, title, content string) string {
	return `<!DOCTYPE html>
<html>
<head>
    <link href="` + base + `/static/styles.css?v=` + seedHash + `" rel="stylesheet">
    <title>` + title + ` - My Connect App</title>
</head>
<body>
  <div id="content">` + content + `</div>
</body>
</html>
`
}

const indexContent = `
    <h1>Hello world</h1>
    <p>This is a webapp built using Go.</p>
    <p>Check out the <a href="%s/about">About</a> page for more info.</p>
`

func aboutContent(base, name string) string {
	return `
    <p>Welcome to the about page ` + name + `. We are glad you are here.</p>
    <p>Click <a href="` + base + `/">here</a> to navigate back to the home page.</p>
`
}

func TestSeedApp(t *testing.T) {
	const posit = "https://connect.example.com/content/4d9f0c2e"
	tests := []struct {
		name   string
		opts   templates.Options
		target string
		header []string
		body   string
	}{
		{"index", templates.Options{}, "/", nil,
			seedPage("", "Home", fmt.Sprintf(indexContent, ""))},
		{"about default name", templates.Options{}, "/about", nil,
			seedPage("", "About", aboutContent("", "Posit"))},
		{"about with name", templates.Options{}, "/about?name=Ada", nil,
			seedPage("", "About", aboutContent("", "Ada"))},
		{"about escapes the name", templates.Options{}, "/about?name=%3Cscript%3Ealert(%27x%27)%3C/script%3E", nil,
			seedPage("", "About", aboutContent("", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))},
		{"behind Posit Connect", templates.Options{TrustPositConnect: true}, "/", []string{"RStudio-Connect-App-Base-URL", posit + "/"},
			seedPage(posit, "Home", fmt.Sprintf(indexContent, posit))},
		{"about behind Posit Connect", templates.Options{TrustPositConnect: true}, "/about", []string{"RStudio-Connect-App-Base-URL", posit},
			seedPage(posit, "About", aboutContent(posit, "Posit"))},
		{"Posit header not trusted", templates.Options{}, "/about", []string{"RStudio-Connect-App-Base-URL", posit},
			seedPage("", "About", aboutContent("", "Posit"))},
		{"base path", templates.Options{BasePath: "/apps/hello/"}, "/", nil,
			seedPage("/apps/hello", "Home", fmt.Sprintf(indexContent, "/apps/hello"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, mux := seedApp(t, tt.opts)
			w := get(mux, tt.target, tt.header...)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, body %s", w.Code, w.Body)
			}
			if got := w.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if got, want := w.Header().Get("Content-Length"), strconv.Itoa(len(tt.body)); got != want {
				t.Errorf("Content-Length %s, want %s", got, want)
			}
			if got := w.Body.String(); got != tt.body {
				t.Errorf("body:\n%s\nwant:\n%s", got, tt.body)
			}
		})
	}
}

func TestSeedStylesheet(t *testing.T) {
	_, mux := seedApp(t, templates.Options{})
	page := get(mux, "/").Body.String()
	link := "/static/styles.css?v=" + seedHash
	if !strings.Contains(page, `href="`+link+`"`) {
		t.Fatalf("page does not link %s:\n%s", link, page)
	}
	w := get(mux, link)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	want := map[string]string{
		"Content-Type":           "text/css; charset=utf-8",
		"Cache-Control":          "public, max-age=31536000, immutable",
		"Etag":                   `"` + seedHash + `"`,
		"X-Content-Type-Options": "nosniff",
		"Content-Length":         "25",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if got := w.Body.String(); got != "h1 {\n    color: green;\n}\n" {
		t.Errorf("body %q", got)
	}
}
