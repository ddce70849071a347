package main

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

const cssHash = "ea1071274c154fcc"

func page(base, title, content string) string {
	return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <link href="` + base + `/static/styles.css?v=` + cssHash + `" rel="stylesheet">
  <title>` + title + ` - My Connect App</title>
</head>
<body>
  <div id="content">` + content + `</div>
</body>
</html>
`
}

func home(base string) string {
	return page(base, "Home", `
    <h1>Hello world</h1>
    <p>This is a webapp built using stdapi.</p>
    <p>Check out the <a href="`+base+`/about">About</a> page for more info.</p>
`)
}

func about(base, name string) string {
	return page(base, "About", `
    <h1>About</h1>
    <p>Welcome to the about page `+name+`. We are glad you are here.</p>
    <p>Click <a href="`+base+`/">here</a> to navigate back to the home page.</p>
`)
}

func TestPages(t *testing.T) {
	defer leakcheck.Check(t)()
	t.Chdir(t.TempDir()) // everything is embedded
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const connect = "https://connect.example.com/content/42"
	// Connect's proxy runs on the same host as the application and connects
	// from loopback; anyone else is a direct client.
	const proxy, direct = "127.0.0.1:40000", "192.0.2.1:1234"
	tests := []struct {
		name, path, peer, baseURL string
		status                    int
		body                      string
	}{
		{"home", "/", direct, "", 200, home("")},
		{"about, default name", "/about", direct, "", 200, about("", "Posit")},
		{"about with a name", "/about?name=Ada", direct, "", 200, about("", "Ada")},
		{"about escapes the name", "/about?name=%3Cscript%3Ealert(1)%3C/script%3E", direct, "", 200, about("", "&lt;script&gt;alert(1)&lt;/script&gt;")},
		{"home behind Posit Connect", "/", proxy, connect, 200, home(connect)},
		{"about behind Posit Connect", "/about", proxy, connect, 200, about(connect, "Posit")},
		{"base path behind a proxy", "/", proxy, "/content/42", 200, home("/content/42")},
		{"a direct client's base URL is ignored", "/", direct, "https://evil.example", 200, home("")},
		{"a javascript: base URL is ignored", "/", proxy, "javascript:alert(1)", 200, home("")},
		{"a protocol-relative base URL is ignored", "/about", proxy, "//evil.example", 200, about("", "Posit")},
		{"a traversing base URL is ignored", "/", proxy, "/a/../b", 200, home("")},
		{"unknown page", "/contact", direct, "", 404, `{"type":"about:blank","title":"Not Found","status":404}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.path, nil)
			r.RemoteAddr = tt.peer
			if tt.baseURL != "" {
				r.Header.Set("RStudio-Connect-App-Base-URL", tt.baseURL)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d", w.Code, tt.status)
			}
			if tt.status == 200 && w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", w.Header().Get("Content-Type"))
			}
			if tt.status == 200 && w.Header().Get("Vary") != "RStudio-Connect-App-Base-URL" {
				t.Errorf("Vary %q", w.Header().Get("Vary"))
			}
			if w.Body.String() != tt.body {
				t.Errorf("body\n got %q\nwant %q", w.Body, tt.body)
			}
		})
	}
}

func TestStylesheet(t *testing.T) {
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	const css = "h1 {\n    color: green;\n}\n"
	tests := []struct {
		name, method, path string
		status             int
		cacheControl       string
		body               string
	}{
		{"hashed URL is immutable", "GET", "/static/styles.css?v=" + cssHash, 200, "public, max-age=31536000, immutable", css},
		{"plain URL is revalidated", "GET", "/static/styles.css", 200, "no-cache", css},
		{"HEAD", "HEAD", "/static/styles.css", 200, "no-cache", ""},
		{"missing file", "GET", "/static/app.js", 404, "", ""},
		{"traversal", "GET", "/static/..%2fstatic.go", 404, "", ""},
		{"templates are not served", "GET", "/templates/base.html", 404, "", ""},
		{"no directory listing", "GET", "/static/", 404, "", ""},
		{"POST is not allowed", "POST", "/static/styles.css", 405, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if tt.status != 200 {
				return
			}
			if got := w.Header().Get("Content-Type"); got != "text/css; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if got := w.Header().Get("Cache-Control"); got != tt.cacheControl {
				t.Errorf("Cache-Control %q, want %q", got, tt.cacheControl)
			}
			if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if !strings.HasPrefix(w.Header().Get("ETag"), `"`) {
				t.Errorf("ETag %q", w.Header().Get("ETag"))
			}
		})
	}
}
