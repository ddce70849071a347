package templates_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stdapi/stdapi/templates"
)

func TestBaseURL(t *testing.T) {
	const (
		xfp   = "X-Forwarded-Prefix"
		posit = "RStudio-Connect-App-Base-URL"
	)
	trustAll := templates.Options{TrustForwardedPrefix: true, TrustPositConnect: true}
	tests := []struct {
		name   string
		opts   templates.Options
		header []string
		want   string
	}{
		{"root", templates.Options{}, nil, ""},
		{"config path", templates.Options{BasePath: "/app"}, nil, "/app"},
		{"config path trailing slash", templates.Options{BasePath: "/app/v1/"}, nil, "/app/v1"},
		{"config slash", templates.Options{BasePath: "/"}, nil, ""},
		{"config URL", templates.Options{BasePath: "https://example.com/app/"}, nil, "https://example.com/app"},

		{"prefix trusted", trustAll, []string{xfp, "/team"}, "/team"},
		{"prefix trusted with slash", trustAll, []string{xfp, "/team/"}, "/team"},
		{"prefix trusted replaces base", templates.Options{BasePath: "/app", TrustForwardedPrefix: true}, []string{xfp, "/team"}, "/team"},
		{"prefix untrusted", templates.Options{BasePath: "/app"}, []string{xfp, "/team"}, "/app"},
		{"prefix percent-encoded", trustAll, []string{xfp, "/caf%C3%A9"}, "/caf%C3%A9"},
		{"prefix absolute URL refused", trustAll, []string{xfp, "https://evil.example/"}, ""},
		{"prefix javascript refused", trustAll, []string{xfp, "javascript:alert(1)"}, ""},
		{"prefix scheme-relative refused", trustAll, []string{xfp, "//evil.example/x"}, ""},
		{"prefix dot dot refused", trustAll, []string{xfp, "/a/../b"}, ""},
		{"prefix encoded dot dot refused", trustAll, []string{xfp, "/a/%2e%2E/b"}, ""},
		{"prefix encoded slash refused", trustAll, []string{xfp, "/a%2fb"}, ""},
		{"prefix backslash refused", trustAll, []string{xfp, `/\evil.example`}, ""},
		{"prefix quote refused", trustAll, []string{xfp, `/a"onmouseover="x`}, ""},
		{"prefix space refused", trustAll, []string{xfp, "/a b"}, ""},
		{"prefix bad escape refused", trustAll, []string{xfp, "/a%zz"}, ""},
		{"prefix relative refused", trustAll, []string{xfp, "team"}, ""},
		{"prefix repeated refused", templates.Options{BasePath: "/app", TrustForwardedPrefix: true}, []string{xfp, "/a", xfp, "/b"}, "/app"},
		{"prefix empty ignored", templates.Options{BasePath: "/app", TrustForwardedPrefix: true}, []string{xfp, ""}, "/app"},

		{"posit trusted", trustAll, []string{posit, "https://connect.example.com/content/42/"}, "https://connect.example.com/content/42"},
		{"posit trusted path", trustAll, []string{posit, "/content/42"}, "/content/42"},
		{"posit host only", trustAll, []string{posit, "http://localhost:3939"}, "http://localhost:3939"},
		{"posit upper-case scheme", trustAll, []string{posit, "HTTPS://connect.example.com/c"}, "https://connect.example.com/c"},
		{"posit wins over prefix", trustAll, []string{posit, "/content/42", xfp, "/team"}, "/content/42"},
		{"posit invalid falls back to prefix", trustAll, []string{posit, "javascript:alert(1)", xfp, "/team"}, "/team"},
		{"posit untrusted", templates.Options{TrustForwardedPrefix: true}, []string{posit, "/content/42", xfp, "/team"}, "/team"},
		{"posit javascript refused", trustAll, []string{posit, "javascript:alert(document.cookie)//"}, ""},
		{"posit data refused", trustAll, []string{posit, "data:text/html,<script>x</script>"}, ""},
		{"posit ftp refused", trustAll, []string{posit, "ftp://example.com/x"}, ""},
		{"posit user info refused", trustAll, []string{posit, "https://user:pw@example.com/x"}, ""},
		{"posit query refused", trustAll, []string{posit, "https://example.com/x?a=b"}, ""},
		{"posit fragment refused", trustAll, []string{posit, "https://example.com/x#y"}, ""},
		{"posit empty host refused", trustAll, []string{posit, "https:///x"}, ""},
		{"posit scheme only refused", trustAll, []string{posit, "https://"}, ""},
		{"posit control character refused", trustAll, []string{posit, "https://example.com/a\tb"}, ""},
	}
	fsys := fstest.MapFS{"p.html": {Data: []byte(`{{url "/x"}}`)}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm, err := templates.New(fsys, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for i := 0; i+1 < len(tt.header); i += 2 {
				r.Header.Add(tt.header[i], tt.header[i+1])
			}
			if got := tm.BaseURL(r); got != tt.want {
				t.Errorf("BaseURL = %q, want %q", got, tt.want)
			}
			if got, want := tm.URL(r, "about"), tt.want+"/about"; got != want {
				t.Errorf("URL = %q, want %q", got, want)
			}
			w := httptest.NewRecorder()
			tm.Render(w, r, "p.html", nil)
			if got, want := w.Body.String(), tt.want+"/x"; got != want {
				t.Errorf("rendered %q, want %q", got, want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tm := templates.Must(templates.New(fstest.MapFS{"p.html": {}}, templates.Options{BasePath: "/app"}))
	for _, tt := range []struct{ in, want string }{
		{"/", "/app/"},
		{"", "/app/"},
		{"/about", "/app/about"},
		{"about", "/app/about"},
		{"/items/1?full=true#top", "/app/items/1?full=true#top"},
	} {
		if got := tm.URL(nil, tt.in); got != tt.want {
			t.Errorf("URL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStaticURL(t *testing.T) {
	tm := templates.Must(templates.New(fstest.MapFS{"p.html": {}}, templates.Options{
		BasePath:     "/app",
		StaticPrefix: "assets",
		StaticFS: fstest.MapFS{
			"css/site.css":        {Data: []byte("body{}")},
			"img/a b.png":         {Data: []byte("png")},
			".secret/key.pem":     {Data: []byte("key")},
			"js/.hidden.js":       {Data: []byte("x")},
			"js/app.js":           {Data: []byte("x")},
			"js/app.js.map":       {Data: []byte("x")},
			"fonts/with?mark.otf": {Data: []byte("x")},
		},
	}))
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"css/site.css", "/app/assets/css/site.css?v=" + hashOf("body{}"), true},
		{"/css/site.css", "/app/assets/css/site.css?v=" + hashOf("body{}"), true},
		{"img/a b.png", "/app/assets/img/a%20b.png?v=" + hashOf("png"), true},
		{"fonts/with?mark.otf", "/app/assets/fonts/with%3Fmark.otf?v=" + hashOf("x"), true},
		{"missing.css", "", false},
		{".secret/key.pem", "", false},
		{"js/.hidden.js", "", false},
		{"css", "", false},
		{"../p.html", "", false},
	}
	for _, tt := range tests {
		got, err := tm.StaticURL(nil, tt.name)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("StaticURL(%q) = %q, %v; want %q, ok %v", tt.name, got, err, tt.want, tt.ok)
		}
	}
	noStatic := templates.Must(templates.New(fstest.MapFS{"p.html": {}}, templates.Options{}))
	if _, err := noStatic.StaticURL(nil, "a.css"); err == nil {
		t.Error("StaticURL without StaticFS: no error")
	}
}
