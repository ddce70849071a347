package main

import (
	"embed"
	"io/fs"
	"net/http"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/templates"
)

//go:embed templates static
var files embed.FS

// About is the data of the about page.
type About struct {
	// Name is the visitor's name, from ?name=; "Posit" when not given.
	Name string
}

// New returns the web application: GET / (the home page), GET /about and
// the static files under /static/.
//
// Links honour the RStudio-Connect-App-Base-URL header Posit Connect sends
// with every request, so the home link works wherever Connect mounts the
// application. Connect's proxy runs on the same host and connects from
// loopback, which templates trusts by default: the header of any other
// peer, and a header that is not a clean URL or path, is ignored, and the
// pages answer with Vary: RStudio-Connect-App-Base-URL.
func New() (http.Handler, error) {
	pages, err := fs.Sub(files, "templates")
	if err != nil {
		return nil, err
	}
	assets, err := fs.Sub(files, "static")
	if err != nil {
		return nil, err
	}
	t, err := templates.New(pages, templates.Options{
		Layouts:           []string{"base.html"},
		StaticFS:          assets,
		TrustPositConnect: true,
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", t.Static())
	mux.Handle("GET /{$}", t.Page("index.html", nil))
	mux.Handle("GET /about", t.Page("about.html", func(r *http.Request) (any, error) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "Posit"
		}
		return About{Name: name}, nil
	}))
	return stdapi.RouteErrors(mux), nil
}
