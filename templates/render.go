package templates

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/stdapi/stdapi"
)

// View is the dot of every template: the data of the page and the request
// it answers. A template reads {{.Data.Name}}, or a request header as the
// Posit Connect example does:
//
//	{{.Request.Header.Get "RStudio-Connect-App-Base-URL"}}
//
// Request is nil when a page is executed without a request (Execute with a
// nil request).
type View struct {
	// Data is the value given to Render or returned by Page's data function.
	Data any
	// Request is the request being answered.
	Request *http.Request
}

// page is one parsed page: the master template set, never executed, and
// the free list of its rendering instances.
type page struct {
	master *template.Template
	root   string
	mu     sync.Mutex
	free   []*instance
}

// instance is a clone of a page's set whose url and static functions read
// the request being rendered. html/template binds functions when a set is
// parsed, not per execution, so each concurrent render needs its own clone;
// instances are reused, so a clone (and html/template's escaping pass over
// it) costs once per concurrent render, not once per request.
type instance struct {
	t      *Templates
	tmpl   *template.Template
	view   View
	base   string
	hasURL bool
}

// maxFree bounds the idle instances kept per page.
var maxFree = max(8, 4*runtime.GOMAXPROCS(0))

func (p *page) get(t *Templates) (*instance, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		in := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return in, nil
	}
	p.mu.Unlock()
	set, err := p.master.Clone()
	if err != nil {
		return nil, err
	}
	return newInstance(t, set, p.root), nil
}

func (p *page) put(in *instance) {
	in.view = View{}
	in.base, in.hasURL = "", false
	p.mu.Lock()
	if len(p.free) < maxFree {
		p.free = append(p.free, in)
	}
	p.mu.Unlock()
}

func newInstance(t *Templates, set *template.Template, root string) *instance {
	in := &instance{t: t}
	set.Funcs(template.FuncMap{"url": in.url, "static": in.static})
	in.tmpl = set.Lookup(root)
	return in
}

func (in *instance) baseURL() string {
	if !in.hasURL {
		in.base, in.hasURL = in.t.BaseURL(in.view.Request), true
	}
	return in.base
}

func (in *instance) url(p string) string { return joinURL(in.baseURL(), p) }

func (in *instance) static(name string) (string, error) {
	return in.t.staticURL(in.baseURL(), name)
}

// Execute renders the page name for r with data into wr. Unlike Render it
// writes as it goes, so on error wr may hold part of the page. r may be nil:
// links then use BasePath.
func (t *Templates) Execute(wr io.Writer, r *http.Request, name string, data any) error {
	if t.opts.Reload {
		layouts, pages, err := t.discover()
		if err != nil {
			return err
		}
		if !slices.Contains(pages, name) {
			return fmt.Errorf("templates: no page %q", name)
		}
		set, err := t.parse(layouts, name)
		if err != nil {
			return err
		}
		in := newInstance(t, set, rootOf(layouts, name))
		in.view = View{Data: data, Request: r}
		return in.tmpl.Execute(wr, &in.view)
	}
	p := t.pages[name]
	if p == nil {
		return fmt.Errorf("templates: no page %q", name)
	}
	in, err := p.get(t)
	if err != nil {
		return fmt.Errorf("templates: page %q: %w", name, err)
	}
	in.view = View{Data: data, Request: r}
	err = in.tmpl.Execute(wr, &in.view)
	p.put(in)
	if err != nil {
		return fmt.Errorf("templates: page %q: %w", name, err)
	}
	return nil
}

// Render answers r with the page name rendered with data: status 200,
// Content-Type text/html; charset=utf-8, Content-Length and Vary (see
// Templates.Vary). The page is
// rendered into a buffer first, so a template that fails halfway sends no
// part of it: the client gets a 500 (see WriteError) and the error is
// logged with its template, file and line.
func (t *Templates) Render(w http.ResponseWriter, r *http.Request, name string, data any) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := t.Execute(buf, r, name, data); err != nil {
		t.WriteError(w, r, &stdapi.Error{Err: err})
		return
	}
	t.Vary(w.Header())
	writeHTML(w, http.StatusOK, buf.Bytes())
}

// Page returns a handler that renders the page name with the data that
// data returns for the request; data may be nil. When data fails, the error
// is answered with WriteError: a *stdapi.Error keeps its status and
// headers (404 for stdapi.NewError(404, "Item not found")), any other error
// is a 500 whose text is logged and not sent. A panic in data is answered
// as a 500 too (a stdapi.PanicError), except http.ErrAbortHandler.
//
// Page panics if name is not a page of t: a typo is caught at start-up.
func (t *Templates) Page(name string, data func(r *http.Request) (any, error)) http.Handler {
	if t.pages[name] == nil {
		panic(fmt.Sprintf("templates: Page: no page %q (pages: %q)", name, t.Pages()))
	}
	return &pageHandler{t: t, name: name, data: data}
}

type pageHandler struct {
	t    *Templates
	name string
	data func(*http.Request) (any, error)
}

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var data any
	if h.data != nil {
		var err error
		if data, err = h.callData(r); err != nil {
			h.t.WriteError(w, r, err)
			return
		}
	}
	h.t.Render(w, r, h.name, data)
}

func (h *pageHandler) callData(r *http.Request) (data any, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = stdapi.NewPanicError(v)
		}
	}()
	return h.data(r)
}

// WriteError answers r with err. Without Options.ErrorPage it is
// stdapi.WriteError. With it, the error page is rendered with the
// *stdapi.Error found in err's chain (or a plain 500 for any other error),
// stripped of its cause, and sent with that error's status and headers;
// the error is recorded for the request scope and, for a 5xx with a cause,
// logged, as stdapi.WriteError does. If the status forbids a body or the
// error page fails, stdapi.WriteError answers instead.
func (t *Templates) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if t.opts.ErrorPage == "" {
		stdapi.WriteError(w, r, err)
		return
	}
	var e *stdapi.Error
	if !errors.As(err, &e) || e == nil {
		e = &stdapi.Error{Err: err}
	}
	status := e.StatusCode()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified {
		stdapi.WriteError(w, r, err)
		return
	}
	shown := *e
	shown.Err = nil
	buf := getBuffer()
	defer putBuffer(buf)
	if perr := t.Execute(buf, r, t.opts.ErrorPage, &shown); perr != nil {
		ctx := context.Background()
		if r != nil {
			ctx = r.Context()
		}
		slog.ErrorContext(ctx, "templates: error page failed", "page", t.opts.ErrorPage, "error", perr)
		stdapi.WriteError(w, r, err)
		return
	}
	if r != nil {
		stdapi.Fail(r.Context(), err)
	}
	if status >= 500 && e.Err != nil {
		stdapi.LogError(r, status, e.Err)
	}
	h := w.Header()
	for k, v := range e.Header {
		h[http.CanonicalHeaderKey(k)] = slices.Clone(v)
	}
	t.Vary(h)
	writeHTML(w, status, buf.Bytes())
}

func writeHTML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps one huge page from pinning its buffer forever.
const maxPooled = 1 << 20

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooled {
		return
	}
	b.Reset()
	buffers.Put(b)
}
