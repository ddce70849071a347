package templates_test

import (
	"bytes"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stdapi/stdapi/templates"
)

// discard is a ResponseWriter that keeps nothing, so that benchmarks measure
// rendering rather than a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// BenchmarkRender renders the seed's about page (layout, blocks, url,
// static) through Render; compare with BenchmarkBareExecute.
func BenchmarkRender(b *testing.B) {
	tm, _ := seedApp(b, templates.Options{})
	r := httptest.NewRequest(http.MethodGet, "/about", nil)
	w := &discard{h: http.Header{}}
	data := about{Name: "Posit"}
	b.ReportAllocs()
	for b.Loop() {
		tm.Render(w, r, "about.html", data)
	}
}

// BenchmarkBareExecute is the baseline: the same files parsed with plain
// html/template, with constant url and static functions, executed into a
// reused buffer.
func BenchmarkBareExecute(b *testing.B) {
	funcs := template.FuncMap{
		"url":    func(p string) string { return p },
		"static": func(p string) string { return "/static/" + p + "?v=" + seedHash },
	}
	set := template.Must(template.New("about.html").Funcs(funcs).ParseFS(os.DirFS("testdata/seed/templates"), "base.html", "about.html"))
	root := set.Lookup("base.html")
	r := httptest.NewRequest(http.MethodGet, "/about", nil)
	view := &templates.View{Data: about{Name: "Posit"}, Request: r}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := root.Execute(&buf, view); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderParallel renders from every P at once.
func BenchmarkRenderParallel(b *testing.B) {
	tm, _ := seedApp(b, templates.Options{TrustPositConnect: true})
	data := about{Name: "Posit"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest(http.MethodGet, "/about", nil)
		r.RemoteAddr = "127.0.0.1:40000" // Connect's proxy
		r.Header.Set("RStudio-Connect-App-Base-URL", "https://connect.example.com/content/42/")
		w := &discard{h: http.Header{}}
		for pb.Next() {
			tm.Render(w, r, "about.html", data)
		}
	})
}

func BenchmarkStatic304(b *testing.B) {
	tm, _ := seedApp(b, templates.Options{})
	h := tm.Static()
	r := httptest.NewRequest(http.MethodGet, "/static/styles.css?v="+seedHash, nil)
	r.Header.Set("If-None-Match", `"`+seedHash+`"`)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

func BenchmarkStatic200(b *testing.B) {
	tm, _ := seedApp(b, templates.Options{})
	h := tm.Static()
	r := httptest.NewRequest(http.MethodGet, "/static/styles.css?v="+seedHash, nil)
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}
