package templates_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"testing/fstest"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/templates"
)

// The Go twin of Posit Connect's FastAPI HTML example: base.html, index.html
// and about.html under testdata/seed/templates, styles.css under
// testdata/seed/static, served behind Connect's proxy.
func Example() {
	t := templates.Must(templates.New(os.DirFS("testdata/seed/templates"), templates.Options{
		Layouts:           []string{"base.html"},
		StaticFS:          os.DirFS("testdata/seed/static"),
		TrustPositConnect: true,
	}))
	mux := http.NewServeMux()
	mux.Handle("GET /static/", t.Static())
	mux.Handle("GET /{$}", t.Page("index.html", nil))
	mux.Handle("GET /about", t.Page("about.html", func(r *http.Request) (any, error) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "Posit"
		}
		return struct{ Name string }{name}, nil
	}))

	// Connect's proxy runs on the same host: loopback is trusted by default.
	r := httptest.NewRequest("GET", "/about?name=Ada", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("RStudio-Connect-App-Base-URL", "https://connect.example.com/content/42/")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Type"))
	fmt.Print(w.Body)
	// Output:
	// 200 text/html; charset=utf-8
	// <!DOCTYPE html>
	// <html>
	// <head>
	//     <link href="https://connect.example.com/content/42/static/styles.css?v=ea1071274c154fcc" rel="stylesheet">
	//     <title>About - My Connect App</title>
	// </head>
	// <body>
	//   <div id="content">
	//     <p>Welcome to the about page Ada. We are glad you are here.</p>
	//     <p>Click <a href="https://connect.example.com/content/42/">here</a> to navigate back to the home page.</p>
	// </div>
	// </body>
	// </html>
}

func ExampleTemplates_Page() {
	items := map[string]string{"1": "Widget"}
	t := templates.Must(templates.New(fstest.MapFS{
		"item.html": {Data: []byte(`<h1>{{.Data}}</h1>`)},
	}, templates.Options{}))
	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", t.Page("item.html", func(r *http.Request) (any, error) {
		item, ok := items[r.PathValue("id")]
		if !ok {
			return nil, stdapi.NewError(http.StatusNotFound, "Item not found")
		}
		return item, nil
	}))
	for _, path := range []string{"/items/1", "/items/2"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(w.Code, w.Body)
	}
	// Output:
	// 200 <h1>Widget</h1>
	// 404 {"type":"about:blank","title":"Not Found","status":404,"detail":"Item not found"}
}

func ExampleTemplates_URL() {
	t := templates.Must(templates.New(fstest.MapFS{"login.html": {}}, templates.Options{
		BasePath:             "/app",
		TrustForwardedPrefix: true,
	}))
	logout := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Vary(w.Header()) // the Location depends on X-Forwarded-Prefix
		http.Redirect(w, r, t.URL(r, "/login"), http.StatusSeeOther)
	})
	for _, prefix := range []string{"", "/team-a", "javascript:alert(1)"} {
		r := httptest.NewRequest("POST", "/logout", nil)
		r.RemoteAddr = "127.0.0.1:40000" // the proxy, on the same host
		if prefix != "" {
			r.Header.Set("X-Forwarded-Prefix", prefix)
		}
		w := httptest.NewRecorder()
		logout.ServeHTTP(w, r)
		fmt.Println(w.Header().Get("Location"), "| Vary:", w.Header().Get("Vary"))
	}
	// Output:
	// /app/login | Vary: X-Forwarded-Prefix
	// /team-a/login | Vary: X-Forwarded-Prefix
	// /app/login | Vary: X-Forwarded-Prefix
}

func ExampleStatic() {
	assets := fstest.MapFS{"app.js": {Data: []byte(`console.log("hi")`)}}
	h := templates.Static(assets, templates.StaticOptions{Prefix: "/assets/"})

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/assets/app.js", nil))
	etag := w.Header().Get("ETag")
	fmt.Println(w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"), etag)

	r := httptest.NewRequest("GET", "/assets/app.js", nil)
	r.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code)

	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/assets/../secret", nil))
	fmt.Println(w.Code)
	// Output:
	// 200 text/javascript; charset=utf-8 no-cache "4cc1666bb3c7ac15"
	// 304
	// 404
}
