package templates

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/netip"
	"path"
	"reflect"
	"slices"
	"strings"
)

// Options configures New. The zero value parses every *.html file of the
// fs as a standalone page, with no static files and no base path.
type Options struct {
	// Layouts are the files every page is parsed with, in order, before the
	// page itself. Layouts[0] is the root layout: it is what a page
	// executes, and it leaves blocks ({{block "content" .}}{{end}}) that a
	// page fills ({{define "content"}}...{{end}}), like Jinja's
	// {% extends %}. Later entries hold partials the layout or pages use
	// with {{template}}; they may be path.Match glob patterns
	// ("partials/*.html"), the first may not. Default none: each page is
	// executed on its own.
	Layouts []string
	// Pages are the files that can be rendered, by name ("index.html") or
	// glob pattern ("pages/*.html"); an entry that names no file is an
	// error. Default: every *.html file of the fs, in any directory, that
	// is not a layout. A page's name is its path in the fs.
	Pages []string
	// Funcs are added to the functions of every template. They cannot
	// replace the built-in url and static. Default none.
	Funcs template.FuncMap
	// BasePath is the path (or absolute URL) under which clients reach the
	// application when a proxy in front of it removes that prefix from the
	// requests it forwards: with BasePath "/app", {{url "/about"}} is
	// "/app/about". A header trusted below wins over it. An application
	// that is not behind such a proxy but serves under a prefix itself
	// mounts its handlers with http.StripPrefix and sets BasePath too.
	// Default "": links start at the root.
	BasePath string
	// TrustForwardedPrefix takes the base path from the X-Forwarded-Prefix
	// request header when it comes from a trusted proxy (TrustedProxies),
	// is sent once and is a clean path. Enable it only behind a proxy that
	// sets or strips that header, or the clients of the proxy can choose
	// the prefix of your links. Default false.
	TrustForwardedPrefix bool
	// TrustPositConnect takes the base URL from the
	// RStudio-Connect-App-Base-URL request header, which Posit Connect sets
	// on every request it proxies to the content, when it comes from a
	// trusted proxy (TrustedProxies), is sent once and is a clean path or
	// absolute http(s) URL. It wins over X-Forwarded-Prefix. Default false.
	TrustPositConnect bool
	// TrustedProxies lists the networks of the proxies whose headers
	// TrustForwardedPrefix and TrustPositConnect honour: the request's
	// RemoteAddr must be in one, since anyone who reaches the application
	// directly can send those headers too. Default: loopback, 127.0.0.0/8
	// and ::1/128, where Posit Connect (which runs the content behind its
	// own proxy on the same host) and a reverse proxy on the same host
	// connect from. List the proxy's address when it runs elsewhere.
	TrustedProxies []netip.Prefix
	// TrustAllProxies honours those headers from any peer. Set it only when
	// nothing but the proxy can reach the application (a Unix socket, a
	// private network) or the proxy always overwrites or removes them.
	// Default false.
	TrustAllProxies bool
	// StaticPrefix is the path, relative to the base path, where the
	// handler of Static is mounted and which the static function links to.
	// Default "/static/".
	StaticPrefix string
	// StaticFS holds the static files. Every file is hashed by New for the
	// static function and Static. Default nil: no static files; the static
	// function fails and Static panics.
	StaticFS fs.FS
	// Reload re-reads and re-parses the layouts and the page from the fs on
	// every render, and re-hashes static files on every use, so that edits
	// show without a restart. It is for development: give New (and
	// StaticFS) an os.DirFS of the source directories, since an embed.FS
	// never changes. Parse errors then become 500 responses (logged; shown
	// to the client in stdapi debug mode). Default false: everything is
	// parsed once, by New.
	Reload bool
	// ErrorPage is a page rendered for errors answered by Page and
	// WriteError: its .Data is a *stdapi.Error without its cause, and the
	// response has that error's status and headers. If it fails to render,
	// or the status forbids a body, the error is written with
	// stdapi.WriteError instead. Default "": errors are written with
	// stdapi.WriteError (application/problem+json).
	ErrorPage string
}

// Templates renders the pages of an fs.FS. It is safe for concurrent use.
type Templates struct {
	fsys         fs.FS
	opts         Options
	base         string // validated BasePath
	proxies      []netip.Prefix
	vary         []string // request headers that BaseURL reads
	staticPrefix string   // "/static/" form: leading and trailing slash
	pages        map[string]*page
	static       *staticServer
}

// New parses every page of fsys with its layouts, each page into its own
// template set, and hashes the files of StaticFS. It reports a missing page
// or layout with its file name and the option that named it, a parse error
// with its file and line, what html/template's escaping would reject at the
// first render (a page ending inside an attribute, a {{template}} of an
// undefined name), and invalid options. Checking the escaping calls none of
// Funcs.
func New(fsys fs.FS, opts Options) (*Templates, error) {
	opts.Layouts = slices.Clone(opts.Layouts)
	opts.Pages = slices.Clone(opts.Pages)
	opts.Funcs = maps.Clone(opts.Funcs)
	t := &Templates{fsys: fsys, opts: opts}
	if err := t.trustProxies(); err != nil {
		return nil, err
	}
	if opts.BasePath != "" {
		base, ok := cleanPrefix(opts.BasePath, true)
		if !ok {
			return nil, fmt.Errorf("templates: Options.BasePath %q is not a clean path or http(s) URL", opts.BasePath)
		}
		t.base = base
	}
	sp := opts.StaticPrefix
	if sp == "" {
		sp = "/static/"
	}
	if !strings.HasPrefix(sp, "/") {
		sp = "/" + sp
	}
	if !strings.HasSuffix(sp, "/") {
		sp += "/"
	}
	if sp != "/" && !validPath(sp) {
		return nil, fmt.Errorf("templates: Options.StaticPrefix %q is not a clean path", opts.StaticPrefix)
	}
	t.staticPrefix = sp
	for _, name := range [...]string{"url", "static"} {
		if _, ok := opts.Funcs[name]; ok {
			return nil, fmt.Errorf("templates: Options.Funcs: %q is a built-in function", name)
		}
	}
	if err := checkFuncs(opts.Funcs); err != nil {
		return nil, err
	}
	if opts.StaticFS != nil {
		t.static = newStaticServer(opts.StaticFS, StaticOptions{Prefix: sp, Reload: opts.Reload})
		if err := t.static.hashAll(); err != nil {
			return nil, fmt.Errorf("templates: Options.StaticFS: %w", err)
		}
	}
	stubs := stubFuncs(opts.Funcs)
	layouts, names, err := t.discover()
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("templates: no page: the fs has no *.html file that is not a layout")
	}
	t.pages = make(map[string]*page, len(names))
	for _, name := range names {
		tmpl, err := t.parse(layouts, name)
		if err != nil {
			return nil, err
		}
		root := rootOf(layouts, name)
		if err := checkEscaping(tmpl, root, stubs); err != nil {
			return nil, err
		}
		t.pages[name] = &page{master: tmpl, root: root}
	}
	if opts.ErrorPage != "" && t.pages[opts.ErrorPage] == nil {
		return nil, fmt.Errorf("templates: Options.ErrorPage %q is not a page", opts.ErrorPage)
	}
	return t, nil
}

// Must returns t, or panics with err: for package-level variables and main.
func Must(t *Templates, err error) *Templates {
	if err != nil {
		panic(err)
	}
	return t
}

// Pages returns the names of the pages, sorted.
func (t *Templates) Pages() []string {
	names := make([]string, 0, len(t.pages))
	for name := range t.pages {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// discover expands Options.Layouts and Options.Pages into file names.
func (t *Templates) discover() (layouts, pages []string, err error) {
	for i, l := range t.opts.Layouts {
		m, err := expand(t.fsys, l, i > 0, "layout", "Options.Layouts")
		if err != nil {
			return nil, nil, err
		}
		layouts = append(layouts, m...)
	}
	isLayout := func(name string) bool { return slices.Contains(layouts, name) }
	if len(t.opts.Pages) == 0 {
		err := fs.WalkDir(t.fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if name != "." && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && path.Ext(name) == ".html" && !isLayout(name) {
				pages = append(pages, name)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("templates: listing pages: %w", err)
		}
		return layouts, pages, nil
	}
	for _, p := range t.opts.Pages {
		m, err := expand(t.fsys, p, true, "page", "Options.Pages")
		if err != nil {
			return nil, nil, err
		}
		for _, name := range m {
			switch {
			case !isLayout(name):
				pages = append(pages, name)
			case !isGlob(p):
				return nil, nil, fmt.Errorf("templates: page %q (Options.Pages) is also a layout", p)
			}
		}
	}
	slices.Sort(pages)
	return layouts, slices.Compact(pages), nil
}

// expand returns the file an option entry names, or when glob is allowed
// and the entry is a pattern, the visible regular files it matches; an
// entry that yields no file is an error naming the option.
func expand(fsys fs.FS, entry string, glob bool, what, option string) ([]string, error) {
	if !glob || !isGlob(entry) {
		if err := exists(fsys, entry); err != nil {
			return nil, fmt.Errorf("templates: %s %q (%s): %w", what, entry, option, err)
		}
		return []string{entry}, nil
	}
	m, err := fs.Glob(fsys, entry)
	if err != nil {
		return nil, fmt.Errorf("templates: %s pattern %q (%s): %w", what, entry, option, err)
	}
	files := m[:0]
	for _, name := range m {
		if !hidden(name) && exists(fsys, name) == nil {
			files = append(files, name)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("templates: %s pattern %q (%s) matches no file", what, entry, option)
	}
	return files, nil
}

// parse parses the layouts then the page into a new template set, so that
// the page's definitions replace the layouts' default blocks. Templates are
// named by their path in the fs, which html/template puts in its errors
// with the line number.
func (t *Templates) parse(layouts []string, name string) (*template.Template, error) {
	set := template.New(name).Funcs(template.FuncMap{
		"url":    stubURL,
		"static": stubStatic,
	}).Funcs(t.opts.Funcs)
	for _, l := range layouts {
		if err := parseFile(set.New(l), t.fsys, l, "layout", "Options.Layouts"); err != nil {
			return nil, err
		}
	}
	if err := parseFile(set, t.fsys, name, "page", "Options.Pages"); err != nil {
		return nil, err
	}
	return set, nil
}

func parseFile(tmpl *template.Template, fsys fs.FS, name, what, option string) error {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("templates: %s %q (%s): %w", what, name, option, err)
	}
	if _, err := tmpl.Parse(string(src)); err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	return nil
}

// checkFuncs reports what html/template would panic about: a name that is
// not an identifier or a value that is not a suitable function.
func checkFuncs(funcs template.FuncMap) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("templates: Options.Funcs: %v", v)
		}
	}()
	template.New("").Funcs(funcs)
	return nil
}

// checkEscaping runs html/template's escaping pass on a copy of a parsed
// page, so that New reports what it would only find at the first render:
// a template that ends in an unclosed attribute or tag, an ambiguous URL,
// a {{template}} of an undefined name. The copy's functions are stubs that
// return zero values, and its output fails at the first byte, so nothing
// of the application runs.
func checkEscaping(set *template.Template, root string, stubs template.FuncMap) error {
	c, err := set.Clone()
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	c.Funcs(stubs)
	err = c.ExecuteTemplate(failWriter{}, root, nil)
	var te *template.Error
	if errors.As(err, &te) {
		return fmt.Errorf("templates: %w", err)
	}
	return nil
}

// stubFuncs returns functions with the signatures of funcs that do nothing
// but return zero values.
func stubFuncs(funcs template.FuncMap) template.FuncMap {
	stubs := make(template.FuncMap, len(funcs))
	for name, fn := range funcs {
		typ := reflect.TypeOf(fn)
		stubs[name] = reflect.MakeFunc(typ, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, typ.NumOut())
			for i := range out {
				out[i] = reflect.Zero(typ.Out(i))
			}
			return out
		}).Interface()
	}
	return stubs
}

// failWriter stops an execution at its first output.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errStopped }

var errStopped = errors.New("stopped")

// Placeholders that let templates parse; every rendering instance binds
// its own url and static (see instance).
func stubURL(string) string             { return "" }
func stubStatic(string) (string, error) { return "", errNoStaticFS }

// rootOf returns the template a page executes.
func rootOf(layouts []string, name string) string {
	if len(layouts) > 0 {
		return layouts[0]
	}
	return name
}

func exists(fsys fs.FS, name string) error {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	return nil
}

// hidden reports whether a path has a segment starting with ".", which
// globs and the default page discovery skip (.git, editor backups).
func hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.Contains(name, "/.")
}

func isGlob(p string) bool { return strings.ContainsAny(p, `*?[\`) }
