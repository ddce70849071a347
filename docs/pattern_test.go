package docs

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/docs/internal/zoo/other"
)

func TestParsePattern(t *testing.T) {
	tests := []struct {
		pattern, method, path string
		names                 []string
		err                   string
	}{
		{pattern: "GET /items/{id}", method: "GET", path: "/items/{id}", names: []string{"id"}},
		{pattern: "post  /a/{x}/b/{rest...}", method: "POST", path: "/a/{x}/b/{rest}", names: []string{"x", "rest"}},
		{pattern: "GET example.com/{$}", method: "GET", path: "/"},
		{pattern: "GET /items/", method: "GET", path: "/items/"},
		{pattern: "GET /items/{$}", method: "GET", path: "/items/"},
		{pattern: "DELETE\t/x", method: "DELETE", path: "/x"},
		{pattern: "/items", err: "has no method"},
		{pattern: "", err: "has no method"},
		{pattern: "GET host", err: "has no path"},
	}
	for _, tt := range tests {
		method, path, names, err := parsePattern(tt.pattern)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: error %v, want %q", tt.pattern, err, tt.err)
			}
			continue
		}
		if err != nil || method != tt.method || path != tt.path || !reflect.DeepEqual(names, tt.names) {
			t.Errorf("%q: %q %q %q %v, want %q %q %q", tt.pattern, method, path, names, err, tt.method, tt.path, tt.names)
		}
	}
}

func TestRelURL(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"/docs", "/openapi.json", "openapi.json"},
		{"/docs", "/docs/oauth2-redirect", "docs/oauth2-redirect"},
		{"/docs/", "/docs/oauth2-redirect", "oauth2-redirect"},
		{"/v1/docs", "/openapi.json", "../openapi.json"},
		{"/a/b/c", "/a/x", "../x"},
		{"/", "/docs", "docs"},
		{"/docs", "/", "./"},
		{"/x/docs", "/x/", "./"},
	}
	for _, tt := range tests {
		if got := relURL(tt.from, tt.to); got != tt.want {
			t.Errorf("relURL(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

type (
	Item        struct{ A int }
	User        struct{ A int }
	Page[T any] struct{ Items []T }
	local       struct{}
	Error       struct{ A int }
)

func TestComponentNames(t *testing.T) {
	tests := []struct {
		types []reflect.Type
		want  []string
	}{
		{[]reflect.Type{reflect.TypeFor[Item]()}, []string{"Item"}},
		{[]reflect.Type{reflect.TypeFor[User](), reflect.TypeFor[other.User]()}, []string{"docs.User", "other.User"}},
		{[]reflect.Type{reflect.TypeFor[other.User](), reflect.TypeFor[User]()}, []string{"other.User", "docs.User"}},
		{[]reflect.Type{reflect.TypeFor[Page[User]]()}, []string{"Page_User"}},
		{[]reflect.Type{reflect.TypeFor[Page[User]](), reflect.TypeFor[Page[other.User]]()}, []string{"docs.Page_docs.User", "docs.Page_other.User"}},
		{[]reflect.Type{reflect.TypeFor[Page[[]*User]](), reflect.TypeFor[Page[map[string]time.Time]]()}, []string{"Page_List_User", "Page_Map_string_Time"}},
		{[]reflect.Type{reflect.TypeFor[local]()}, []string{"local"}},
		// stdapi's own types yield the short name to the user's.
		{[]reflect.Type{reflect.TypeFor[stdapi.Error](), reflect.TypeFor[Error]()}, []string{"stdapi.Error", "Error"}},
		{[]reflect.Type{reflect.TypeFor[stdapi.Error](), reflect.TypeFor[User](), reflect.TypeFor[other.User]()}, []string{"Error", "docs.User", "other.User"}},
	}
	for _, tt := range tests {
		n := newNamer(tt.types)
		for i, typ := range tt.types {
			if got := n.name(typ); got != tt.want[i] {
				t.Errorf("name(%v) = %q, want %q", typ, got, tt.want[i])
			}
		}
	}
}

func TestLocalTypesWithOneName(t *testing.T) {
	a := reflect.TypeFor[struct{ A int }]()
	type T struct{ A int }
	first := reflect.TypeFor[T]()
	second := func() reflect.Type {
		type T struct{ B int }
		return reflect.TypeFor[T]()
	}()
	n := newNamer([]reflect.Type{first, second, a})
	if n.name(first) == n.name(second) || n.name(first) == "" || n.name(second) == "" {
		t.Errorf("names %q and %q", n.name(first), n.name(second))
	}
	if n.name(a) != "" {
		t.Errorf("an unnamed struct is named %q", n.name(a))
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"GET /items/{id}", "POST host/a/{b...}", "/x", "GET /{$}", "GET /a/{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pattern string) {
		method, path, names, err := parsePattern(pattern)
		if err != nil {
			return
		}
		if method == "" || !strings.HasPrefix(path, "/") {
			t.Fatalf("%q: method %q path %q", pattern, method, path)
		}
		for _, n := range names {
			if !strings.Contains(path, "{"+n+"}") {
				t.Fatalf("%q: wildcard %q not in path %q", pattern, n, path)
			}
		}
	})
}

func FuzzETagMatch(f *testing.F) {
	f.Add(`"abc"`, `"abc"`)
	f.Add(`W/"abc", "x"`, `"abc"`)
	f.Add(`*`, `"x"`)
	f.Fuzz(func(t *testing.T, header, etag string) {
		got := etagMatch([]string{header}, etag)
		if header == etag && etag != "" && !strings.Contains(etag, ",") && strings.TrimSpace(etag) == etag && !got {
			t.Fatalf("%q does not match itself", etag)
		}
	})
}

func FuzzRelURL(f *testing.F) {
	f.Add("/docs", "/openapi.json")
	f.Add("/a/b/", "/c")
	f.Fuzz(func(t *testing.T, from, to string) {
		if !strings.HasPrefix(from, "/") || !strings.HasPrefix(to, "/") {
			return
		}
		rel := relURL(from, to)
		// Resolving rel against from gives to back.
		dir := from[:strings.LastIndexByte(from, '/')+1]
		for strings.HasPrefix(rel, "../") {
			rel = rel[3:]
			dir = dir[:strings.LastIndexByte(dir[:len(dir)-1], '/')+1]
		}
		rel = strings.TrimPrefix(rel, "./")
		if dir+rel != to {
			t.Fatalf("relURL(%q, %q) = %q resolves to %q", from, to, relURL(from, to), dir+rel)
		}
	})
}
