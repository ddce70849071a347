package templates

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzCleanPrefix checks that whatever a proxy header holds, an accepted
// base is a plain path or http(s) URL that cannot change the meaning of a
// link it prefixes, and that cleaning is idempotent.
func FuzzCleanPrefix(f *testing.F) {
	for _, s := range []string{
		"/", "/app", "/app/", "/a/b/c/", "/caf%C3%A9", "https://connect.example.com/content/42/",
		"http://localhost:3939", "HTTPS://x/y", "javascript:alert(1)", "//evil", "/a/../b", "/%2e%2e",
		"/a%2fb", `/\x`, "https://u@h/", "https://h/?q", "https://h/#f", "/a b", "/%zz", "data:text/html,x",
		"https://[::1]:8080/p", "/a;b=c/@x",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, v string, absolute bool) {
		p, ok := cleanPrefix(v, absolute)
		if !ok {
			return
		}
		if strings.ContainsAny(p, "\"'<>`\\ \t\r\n?#(){}|^") {
			t.Fatalf("cleanPrefix(%q) = %q: unsafe character", v, p)
		}
		if strings.HasSuffix(p, "/") {
			t.Fatalf("cleanPrefix(%q) = %q: trailing slash", v, p)
		}
		link := p + "/about"
		u, err := url.Parse(link)
		if err != nil {
			t.Fatalf("cleanPrefix(%q) = %q: link %q does not parse: %v", v, p, link, err)
		}
		switch {
		case u.Scheme == "" && absolute && strings.Contains(v, "://") && !strings.HasPrefix(v, "/"):
			t.Fatalf("cleanPrefix(%q) = %q: lost its scheme", v, p)
		case u.Scheme == "":
			if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || u.Host != "" {
				t.Fatalf("cleanPrefix(%q) = %q: link %q leaves the site", v, p, link)
			}
			if !strings.HasPrefix(v, "/") {
				t.Fatalf("cleanPrefix(%q) = %q: relative input accepted", v, p)
			}
		case !absolute:
			t.Fatalf("cleanPrefix(%q, false) = %q: URL accepted", v, p)
		case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.User != nil, u.Opaque != "":
			t.Fatalf("cleanPrefix(%q) = %q: unsafe URL %#v", v, p, u)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("cleanPrefix(%q) = %q: dot segment", v, p)
			}
		}
		if p != "" {
			if again, ok := cleanPrefix(p, absolute); !ok || again != p {
				t.Fatalf("cleanPrefix(%q) = %q, then %q, %v", v, p, again, ok)
			}
		}
	})
}

// FuzzStaticName checks that the name a request path maps to is always a
// valid, visible fs.FS path inside the served tree.
func FuzzStaticName(f *testing.F) {
	for _, s := range []string{
		"/static/a.css", "/static/../x", "/static/%2e%2e/x", "/static/..\\x", "/static//etc/passwd",
		"/static/a\x00.css", "/static/.env", "/static/a/./b", "/static/", "/x", "/static/a//b", "/static/C:/x",
	} {
		f.Add(s, "/static/")
		f.Add(s, "")
		f.Add(s, "/static")
	}
	f.Fuzz(func(t *testing.T, p, prefix string) {
		name, ok := staticName(p, prefix)
		if !ok {
			return
		}
		if !fs.ValidPath(name) || name == "." || name == "" {
			t.Fatalf("staticName(%q, %q) = %q: not a valid fs path", p, prefix, name)
		}
		if strings.ContainsAny(name, "\\\x00") {
			t.Fatalf("staticName(%q, %q) = %q: backslash or NUL", p, prefix, name)
		}
		for _, seg := range strings.Split(name, "/") {
			if seg == "" || strings.HasPrefix(seg, ".") {
				t.Fatalf("staticName(%q, %q) = %q: empty, dot or hidden segment", p, prefix, name)
			}
		}
		if !strings.HasSuffix(p, name) {
			t.Fatalf("staticName(%q, %q) = %q: not taken from the path", p, prefix, name)
		}
	})
}

// FuzzEtagMatch checks the If-None-Match parser against a simple reading
// of the grammar: the tag matches exactly when one list member, trimmed
// and without W/, equals it, or a member is "*".
func FuzzEtagMatch(f *testing.F) {
	for _, s := range []string{`"abc"`, `W/"abc"`, `"x", "abc"`, `*`, ` "abc" ,`, `"ab,c"`, `W/W/"abc"`, ``} {
		f.Add(s)
	}
	const etag = `"abc"`
	f.Fuzz(func(t *testing.T, header string) {
		want := false
		for _, m := range strings.Split(header, ",") {
			m = strings.Trim(m, " \t")
			if m == "*" || m == etag || m == "W/"+etag {
				want = true
			}
		}
		if got := etagMatch(header, etag); got != want {
			t.Fatalf("etagMatch(%q) = %v, want %v", header, got, want)
		}
	})
}

// FuzzQueryValue checks the allocation-free query lookup against url.ParseQuery
// for the raw value of the first "v".
func FuzzQueryValue(f *testing.F) {
	for _, s := range []string{"v=abc", "x=1&v=abc", "v", "v=a&v=b", "&&v=", "v=a%20b", "vv=1&v=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := queryValue(q, "v")
		want := ""
		for _, pair := range strings.Split(q, "&") {
			if k, v, _ := strings.Cut(pair, "="); k == "v" {
				want = v
				break
			}
		}
		if got != want {
			t.Fatalf("queryValue(%q) = %q, want %q", q, got, want)
		}
	})
}

// FuzzStaticHandler sends arbitrary paths, queries and If-None-Match values
// to the static handler of a tree that sits next to a secret: it answers
// only 200 with the named file, 206, 304 or 404, and never the secret.
func FuzzStaticHandler(f *testing.F) {
	root := fstest.MapFS{
		"secret.txt":         {Data: []byte("TOPSECRET")},
		"public/.env":        {Data: []byte("TOPSECRET")},
		"public/a.css":       {Data: []byte("a{}")},
		"public/dir/b.js":    {Data: []byte("b()")},
		"public/%2e%2e/c.js": {Data: []byte("c()")},
	}
	public, err := fs.Sub(root, "public")
	if err != nil {
		f.Fatal(err)
	}
	h := newStaticServer(public, StaticOptions{Prefix: "/static/"})
	for _, s := range []string{"/static/a.css", "/static/../secret.txt", "/static/%2e%2e/c.js", "/static/dir/b.js", "/static/.env", "/static/dir/../../secret.txt"} {
		f.Add(s, "v=1", `"x"`)
	}
	f.Fuzz(func(t *testing.T, p, query, inm string) {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p, RawQuery: query}, Header: http.Header{}}
		if inm != "" {
			r.Header.Set("If-None-Match", inm)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.String()
		if strings.Contains(body, "TOPSECRET") {
			t.Fatalf("%q served the secret", p)
		}
		switch w.Code {
		case http.StatusOK:
			name, ok := staticName(p, "/static/")
			if !ok || body != string(root["public/"+name].Data) {
				t.Fatalf("%q: 200 with %q", p, body)
			}
		case http.StatusNotModified, http.StatusNotFound:
		default:
			t.Fatalf("%q: status %d", p, w.Code)
		}
	})
}
