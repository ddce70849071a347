package templates_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/templates"
)

const (
	xfp   = "X-Forwarded-Prefix"
	posit = "RStudio-Connect-App-Base-URL"
)

func TestBaseURL(t *testing.T) {
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
			r.RemoteAddr = "127.0.0.1:1234" // a proxy on the same host
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

// TestBaseURLPeers checks that the base URL headers are honoured only from
// the proxies of Options.TrustedProxies (loopback by default): a client
// that reaches the application directly cannot move its links elsewhere.
func TestBaseURLPeers(t *testing.T) {
	const evil = "https://evil.example"
	office := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	fsys := fstest.MapFS{"p.html": {Data: []byte(`<a href="{{url "/"}}">home</a> <link href="{{static "s.css"}}">`)}}
	static := fstest.MapFS{"s.css": {Data: []byte("h1{}")}}
	css := "/static/s.css?v=" + hashOf("h1{}")
	tests := []struct {
		name   string
		opts   templates.Options
		remote string
		header string
		want   string
	}{
		{"direct client, Posit header", templates.Options{TrustPositConnect: true}, "192.0.2.1:1234", posit, ""},
		{"direct client, prefix header", templates.Options{TrustForwardedPrefix: true, BasePath: "/app"}, "192.0.2.1:1234", xfp, "/app"},
		{"direct client over IPv6", templates.Options{TrustPositConnect: true}, "[2001:db8::1]:1234", posit, ""},
		{"loopback proxy, Posit header", templates.Options{TrustPositConnect: true}, "127.0.0.1:1234", posit, evil},
		{"loopback proxy over IPv6", templates.Options{TrustPositConnect: true}, "[::1]:1234", posit, evil},
		{"loopback proxy, prefix header", templates.Options{TrustForwardedPrefix: true}, "127.0.0.1:1234", xfp, "/team"},
		{"configured proxy", templates.Options{TrustPositConnect: true, TrustedProxies: office}, "10.1.2.3:1234", posit, evil},
		{"loopback not configured", templates.Options{TrustPositConnect: true, TrustedProxies: office}, "127.0.0.1:1234", posit, ""},
		{"all proxies trusted", templates.Options{TrustPositConnect: true, TrustAllProxies: true}, "192.0.2.1:1234", posit, evil},
		{"Unix socket peer", templates.Options{TrustPositConnect: true}, "@", posit, ""},
		{"header not asked for", templates.Options{TrustPositConnect: true}, "127.0.0.1:1234", xfp, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.StaticFS = static
			tm, err := templates.New(fsys, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			value := evil
			if tt.header == xfp {
				value = "/team"
			}
			r.Header.Set(tt.header, value)
			if got := tm.BaseURL(r); got != tt.want {
				t.Errorf("BaseURL = %q, want %q", got, tt.want)
			}
			w := httptest.NewRecorder()
			tm.Render(w, r, "p.html", nil)
			if want := `<a href="` + tt.want + `/">home</a> <link href="` + tt.want + css + `">`; w.Body.String() != want {
				t.Errorf("rendered %s, want %s", w.Body, want)
			}
		})
	}
}

// TestVary checks that every response whose links depend on a request
// header says so, so that a shared cache keeps one copy per base URL.
func TestVary(t *testing.T) {
	fsys := fstest.MapFS{
		"p.html":     {Data: []byte(`<a href="{{url "/"}}">home</a>`)},
		"error.html": {Data: []byte(`<a href="{{url "/"}}">{{.Data.Status}}</a>`)},
	}
	tests := []struct {
		name string
		opts templates.Options
		want []string
	}{
		{"no header trusted", templates.Options{}, nil},
		{"base path only", templates.Options{BasePath: "/app"}, nil},
		{"Posit Connect", templates.Options{TrustPositConnect: true}, []string{"RStudio-Connect-App-Base-URL"}},
		{"forwarded prefix", templates.Options{TrustForwardedPrefix: true}, []string{"X-Forwarded-Prefix"}},
		{"both", templates.Options{TrustPositConnect: true, TrustForwardedPrefix: true}, []string{"RStudio-Connect-App-Base-URL", "X-Forwarded-Prefix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := templates.Must(templates.New(fsys, tt.opts))
			tt.opts.ErrorPage = "error.html"
			withErrorPage := templates.Must(templates.New(fsys, tt.opts))
			responses := map[string]func() *httptest.ResponseRecorder{
				"Page, direct client": func() *httptest.ResponseRecorder { return get(plain.Page("p.html", nil), "/") },
				"Page, proxy": func() *httptest.ResponseRecorder {
					r := httptest.NewRequest(http.MethodGet, "/", nil)
					r.RemoteAddr = "127.0.0.1:1234"
					w := httptest.NewRecorder()
					plain.Page("p.html", nil).ServeHTTP(w, r)
					return w
				},
				"Render": func() *httptest.ResponseRecorder {
					w := httptest.NewRecorder()
					plain.Render(w, httptest.NewRequest(http.MethodGet, "/", nil), "p.html", nil)
					return w
				},
				"error page": func() *httptest.ResponseRecorder {
					w := httptest.NewRecorder()
					withErrorPage.WriteError(w, httptest.NewRequest(http.MethodGet, "/", nil), stdapi.NewError(404, ""))
					return w
				},
				"Vary": func() *httptest.ResponseRecorder {
					w := httptest.NewRecorder()
					plain.Vary(w.Header())
					return w
				},
			}
			for name, do := range responses {
				if got := do().Header()["Vary"]; !slices.Equal(got, tt.want) {
					t.Errorf("%s: Vary %q, want %q", name, got, tt.want)
				}
			}
		})
	}
	// Vary keeps what a middleware already set, once.
	tm := templates.Must(templates.New(fsys, templates.Options{TrustPositConnect: true}))
	h := http.Header{"Vary": {"Accept-Encoding, rstudio-connect-app-base-url"}}
	tm.Vary(h)
	if got := h["Vary"]; !slices.Equal(got, []string{"Accept-Encoding, rstudio-connect-app-base-url"}) {
		t.Errorf("Vary %q", got)
	}
	h = http.Header{"Vary": {"Accept-Encoding"}}
	tm.Vary(h)
	if got := h["Vary"]; !slices.Equal(got, []string{"Accept-Encoding", "RStudio-Connect-App-Base-URL"}) {
		t.Errorf("Vary %q", got)
	}
}
