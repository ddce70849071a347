package templates_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/templates"
)

var modTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

const pngMagic = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"

// staticDir lays out a static directory next to a secret that must never be
// served, and returns the directory.
func staticDir(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"secret.txt":           "TOPSECRET",
		"static/css/site.css":  "h1 { color: green; }",
		"static/app.js":        "console.log(1)",
		"static/logo.svg":      "<svg></svg>",
		"static/blob":          pngMagic,
		"static/.env":          "TOPSECRET",
		"static/.git/config":   "TOPSECRET",
		"static/%2e%2e/x.txt":  "literal name",
		"static/empty/.keep":   "",
		"static/css/print.css": "",
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, modTime, modTime); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(root, "static")
}

// staticHandlers returns the two ways to serve the directory under /static/.
func staticHandlers(t *testing.T, dir string) map[string]http.Handler {
	tm := templates.Must(templates.New(fstest.MapFS{"p.html": {}}, templates.Options{StaticFS: os.DirFS(dir)}))
	return map[string]http.Handler{
		"Templates.Static":   tm.Static(),
		"Static+StripPrefix": http.StripPrefix("/static", templates.Static(os.DirFS(dir), templates.StaticOptions{})),
		"Static with Prefix": templates.Static(os.DirFS(dir), templates.StaticOptions{Prefix: "/static/"}),
	}
}

func TestStaticTraversal(t *testing.T) {
	dir := staticDir(t)
	targets := []string{
		"/static/../secret.txt",
		"/static/%2e%2e/secret.txt",
		"/static/%2E%2E/secret.txt",
		"/static/.%2e/secret.txt",
		"/static/%252e%252e/secret.txt",
		"/static/%252e%252e%252fsecret.txt",
		"/static/css/../../secret.txt",
		"/static/css/%2e%2e/%2e%2e/secret.txt",
		"/static/..%2fsecret.txt",
		"/static/..%5csecret.txt",
		`/static/..\secret.txt`,
		"/static/css%5c..%5c..%5csecret.txt",
		"/static//etc/passwd",
		"/static/%2fetc%2fpasswd",
		"/static/" + url(dir) + "/../secret.txt",
		"/static/C:%5cWindows%5cwin.ini",
		"/static/css/site.css%00.png",
		"/static/css/site.css%00",
		"/static/./css/site.css",
		"/static/css//site.css",
		"/static/.env",
		"/static/.git/config",
		"/static/%2egit/config",
		"/static/css/",
		"/static/css",
		"/static/empty",
		"/static/",
		"/static",
		"/secret.txt",
		"/static/missing.css",
		"/static/css/site.css/x",
	}
	for hname, h := range staticHandlers(t, dir) {
		for _, target := range targets {
			t.Run(hname+" "+target, func(t *testing.T) {
				w := get(h, target)
				if w.Code != http.StatusNotFound {
					t.Errorf("status %d, want 404", w.Code)
				}
				if strings.Contains(w.Body.String(), "TOPSECRET") {
					t.Errorf("secret served: %q", w.Body)
				}
				stripped := hname == "Static+StripPrefix" && !strings.HasPrefix(target, "/static")
				if w.Code == http.StatusNotFound && !stripped && w.Body.String() != `{"type":"about:blank","title":"Not Found","status":404}` {
					t.Errorf("body %q", w.Body)
				}
			})
		}
	}
	// A file literally named "%2e%2e" is a file like any other.
	if w := get(templates.Static(os.DirFS(dir), templates.StaticOptions{}), "/%252e%252e/x.txt"); w.Code != 200 || w.Body.String() != "literal name" {
		t.Errorf("literal %%2e%%2e directory: %d %q", w.Code, w.Body)
	}
}

// url turns an OS path into slash form for a request path.
func url(p string) string { return strings.TrimPrefix(filepath.ToSlash(p), "/") }

// TestStaticTraversalOverTCP sends raw request lines, which no client
// normalizes, to a real server.
func TestStaticTraversalOverTCP(t *testing.T) {
	defer leakcheck.Check(t)()
	dir := staticDir(t)
	srv := httptest.NewServer(templates.Static(os.DirFS(dir), templates.StaticOptions{Prefix: "/static/"}))
	defer srv.Close()
	for _, target := range []string{
		"/static/../secret.txt",
		"/static/%2e%2e/secret.txt",
		"/static/%252e%252e/secret.txt",
		`/static/..\secret.txt`,
		"/static/..%5csecret.txt",
		"/static/%00/../secret.txt",
		"/static/css/site.css",
	} {
		t.Run(target, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", target)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := http.StatusNotFound
			if target == "/static/css/site.css" {
				want = http.StatusOK
			}
			if resp.StatusCode != want && !(want == 404 && resp.StatusCode == http.StatusBadRequest) {
				t.Errorf("status %d, want %d", resp.StatusCode, want)
			}
			if strings.Contains(string(body), "TOPSECRET") {
				t.Errorf("secret served")
			}
		})
	}
}

func TestStaticResponses(t *testing.T) {
	dir := staticDir(t)
	css := "h1 { color: green; }"
	etag := `"` + hashOf(css) + `"`
	lastMod := modTime.Format(http.TimeFormat)
	tests := []struct {
		name   string
		method string
		target string
		header []string
		status int
		want   map[string]string
		body   string
	}{
		{"get", "GET", "/static/css/site.css", nil, 200, map[string]string{
			"Content-Type": "text/css; charset=utf-8", "Etag": etag, "Last-Modified": lastMod,
			"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Content-Length": "20",
		}, css},
		{"head", "HEAD", "/static/css/site.css", nil, 200, map[string]string{
			"Content-Type": "text/css; charset=utf-8", "Etag": etag, "Content-Length": "20",
		}, ""},
		{"hashed URL is immutable", "GET", "/static/css/site.css?v=" + hashOf(css), nil, 200, map[string]string{
			"Cache-Control": "public, max-age=31536000, immutable", "Etag": etag,
		}, css},
		{"stale hash is revalidated", "GET", "/static/css/site.css?x=1&v=0123456789abcdef", nil, 200, map[string]string{
			"Cache-Control": "no-cache",
		}, css},
		{"if-none-match", "GET", "/static/css/site.css", []string{"If-None-Match", etag}, 304, map[string]string{
			"Etag": etag, "Cache-Control": "no-cache", "Last-Modified": lastMod, "Content-Type": "",
		}, ""},
		{"if-none-match weak, in a list", "GET", "/static/css/site.css?v=" + hashOf(css), []string{"If-None-Match", `"abc", W/` + etag}, 304, map[string]string{
			"Etag": etag, "Cache-Control": "public, max-age=31536000, immutable",
		}, ""},
		{"if-none-match star", "HEAD", "/static/css/site.css", []string{"If-None-Match", "*"}, 304, nil, ""},
		{"if-none-match other", "GET", "/static/css/site.css", []string{"If-None-Match", `"abc"`}, 200, nil, css},
		{"if-none-match wins over if-modified-since", "GET", "/static/css/site.css", []string{"If-None-Match", `"abc"`, "If-Modified-Since", lastMod}, 200, nil, css},
		{"if-modified-since", "GET", "/static/css/site.css", []string{"If-Modified-Since", lastMod}, 304, map[string]string{"Etag": etag}, ""},
		{"modified since", "GET", "/static/css/site.css", []string{"If-Modified-Since", modTime.Add(-time.Hour).Format(http.TimeFormat)}, 200, nil, css},
		{"range", "GET", "/static/css/site.css", []string{"Range", "bytes=0-1"}, 206, map[string]string{"Content-Range": "bytes 0-1/20"}, "h1"},
		{"javascript", "GET", "/static/app.js", nil, 200, map[string]string{"Content-Type": "text/javascript; charset=utf-8"}, "console.log(1)"},
		{"svg", "GET", "/static/logo.svg", nil, 200, map[string]string{"Content-Type": "image/svg+xml"}, "<svg></svg>"},
		{"sniffed", "GET", "/static/blob", nil, 200, map[string]string{"Content-Type": "image/png"}, pngMagic},
		{"empty file", "GET", "/static/css/print.css", nil, 200, map[string]string{"Content-Length": "0", "Etag": `"` + hashOf("") + `"`}, ""},
		{"post", "POST", "/static/css/site.css", nil, 405, map[string]string{"Allow": "GET, HEAD", "Content-Type": "application/problem+json"},
			`{"type":"about:blank","title":"Method Not Allowed","status":405}`},
		{"delete missing", "DELETE", "/static/nope", nil, 405, map[string]string{"Allow": "GET, HEAD"},
			`{"type":"about:blank","title":"Method Not Allowed","status":405}`},
	}
	for hname, h := range staticHandlers(t, dir) {
		for _, tt := range tests {
			t.Run(hname+" "+tt.name, func(t *testing.T) {
				r := httptest.NewRequest(tt.method, tt.target, nil)
				for i := 0; i+1 < len(tt.header); i += 2 {
					r.Header.Set(tt.header[i], tt.header[i+1])
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != tt.status {
					t.Errorf("status %d, want %d", w.Code, tt.status)
				}
				for k, v := range tt.want {
					if got := w.Header().Get(k); got != v {
						t.Errorf("%s: %q, want %q", k, got, v)
					}
				}
				if got := w.Body.String(); got != tt.body {
					t.Errorf("body %q, want %q", got, tt.body)
				}
			})
		}
	}
}

func TestStaticOptions(t *testing.T) {
	fsys := fstest.MapFS{"a.css": {Data: []byte("a")}, "dir/b.css": {Data: []byte("b")}}
	h := templates.Static(fsys, templates.StaticOptions{MaxAge: 90 * time.Second})
	w := get(h, "/a.css")
	if got := w.Header().Get("Cache-Control"); got != "public, max-age=90" {
		t.Errorf("Cache-Control %q", got)
	}
	if got := w.Header().Get("Last-Modified"); got != "" {
		t.Errorf("Last-Modified %q for an fs without times", got)
	}
	if w := get(h, "/dir"); w.Code != 404 {
		t.Errorf("directory: %d", w.Code)
	}

	// Without Reload a file is hashed once; with it, every time.
	frozen := templates.Static(fsys, templates.StaticOptions{})
	live := templates.Static(fsys, templates.StaticOptions{Reload: true})
	for _, h := range []http.Handler{frozen, live} {
		if got := get(h, "/a.css").Header().Get("Etag"); got != `"`+hashOf("a")+`"` {
			t.Fatalf("Etag %s", got)
		}
	}
	fsys["a.css"] = &fstest.MapFile{Data: []byte("changed")}
	if got := get(live, "/a.css").Header().Get("Etag"); got != `"`+hashOf("changed")+`"` {
		t.Errorf("Reload: Etag %s", got)
	}
	if got := get(frozen, "/a.css").Header().Get("Etag"); got != `"`+hashOf("a")+`"` {
		t.Errorf("no Reload: Etag %s", got)
	}
}

func TestStaticWithoutStaticFS(t *testing.T) {
	tm := templates.Must(templates.New(fstest.MapFS{"p.html": {Data: []byte(`{{static "a.css"}}`)}}, templates.Options{}))
	captureLog(t)
	w := httptest.NewRecorder()
	tm.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), "p.html", nil)
	if w.Code != 500 {
		t.Errorf("static without StaticFS: %d", w.Code)
	}
	defer func() {
		if v := recover(); v == nil {
			t.Error("Static without StaticFS did not panic")
		}
	}()
	tm.Static()
}

// brokenFS fails every read after open, as a failing disk would.
type brokenFS struct{ fstest.MapFS }

func (b brokenFS) Open(name string) (fs.File, error) {
	f, err := b.MapFS.Open(name)
	if err != nil {
		return nil, err
	}
	return brokenFile{f}, nil
}

type brokenFile struct{ fs.File }

func (brokenFile) Read([]byte) (int, error) {
	return 0, errors.New("read /dev/sda1: input/output error")
}

func TestStaticReadError(t *testing.T) {
	logs := captureLog(t)
	h := templates.Static(brokenFS{fstest.MapFS{"a.css": {Data: []byte("a")}}}, templates.StaticOptions{})
	w := get(h, "/a.css")
	if w.Code != 500 || w.Body.String() != generic500 {
		t.Errorf("got %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), "input/output error") {
		t.Errorf("not logged:\n%s", logs)
	}
}

// TestStaticRootLinks serves an os.Root, which refuses to follow links out
// of its tree: a link that escapes, dangles or loops, and a path through a
// file or with an overlong name, are all a plain 404, never a 500 with an
// ERROR in the log (a client must not be able to fill the error log).
func TestStaticRootLinks(t *testing.T) {
	dir := staticDir(t)
	outside := filepath.Dir(dir)
	links := map[string]string{
		"absolute.txt": filepath.Join(outside, "secret.txt"),
		"relative.txt": "../secret.txt",
		"outdir":       outside,
		"dangling.css": "missing.css",
		"loop.css":     "loop.css",
		"inside.css":   "css/site.css",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	tm, err := templates.New(fstest.MapFS{"p.html": {}}, templates.Options{StaticFS: root.FS()})
	if err != nil {
		t.Fatal(err)
	}
	handlers := map[string]http.Handler{
		"Templates.Static": tm.Static(),
		"Static":           templates.Static(root.FS(), templates.StaticOptions{Prefix: "/static/"}),
	}
	for hname, h := range handlers {
		for _, target := range []string{
			"/static/absolute.txt",
			"/static/relative.txt",
			"/static/outdir/secret.txt",
			"/static/dangling.css",
			"/static/loop.css",
			"/static/css/site.css/x",
			"/static/" + strings.Repeat("a", 300) + ".css",
		} {
			t.Run(hname+" "+target, func(t *testing.T) {
				logs := captureLog(t)
				w := get(h, target)
				if w.Code != http.StatusNotFound || w.Body.String() != `{"type":"about:blank","title":"Not Found","status":404}` {
					t.Errorf("got %d %s, want 404", w.Code, w.Body)
				}
				if logs.String() != "" {
					t.Errorf("logged:\n%s", logs)
				}
			})
		}
		// A link that stays inside the tree is followed.
		if w := get(h, "/static/inside.css"); w.Code != 200 || w.Body.String() != "h1 { color: green; }" {
			t.Errorf("%s: link inside the tree: %d %q", hname, w.Code, w.Body)
		}
	}
}
