// Package templates serves HTML pages built with html/template, with
// Jinja-style layouts, content-hashed static files and links that stay
// correct behind a path-prefixing proxy: the Go twin of FastAPI's
// Jinja2Templates and StaticFiles. Every page is parsed with its layouts
// once, at start-up, and rendered into a buffer, so a failing template
// answers a clean 500 instead of half a page.
//
//	//go:embed templates static
//	var files embed.FS
//
//	func main() {
//		pages, _ := fs.Sub(files, "templates")
//		assets, _ := fs.Sub(files, "static")
//		t := templates.Must(templates.New(pages, templates.Options{
//			Layouts:           []string{"base.html"},
//			StaticFS:          assets,
//			TrustPositConnect: true,
//		}))
//		mux := http.NewServeMux()
//		mux.Handle("GET /static/", t.Static())
//		mux.Handle("GET /{$}", t.Page("index.html", nil))
//		mux.Handle("GET /about", t.Page("about.html", func(r *http.Request) (any, error) {
//			return map[string]string{"Name": r.URL.Query().Get("name")}, nil
//		}))
//		http.ListenAndServe("127.0.0.1:8000", mux)
//	}
//
// # Layouts and pages
//
// A layout leaves blocks that pages fill, as Jinja's {% extends %} and
// {% block %} do. base.html:
//
//	<head>
//	  <link href="{{static "styles.css"}}" rel="stylesheet">
//	  <title>{{block "title" .}}{{end}} - My Connect App</title>
//	</head>
//	<body><div id="content">{{block "content" .}}{{end}}</div></body>
//
// about.html:
//
//	{{define "title"}}About{{end}}
//	{{define "content"}}
//	  <p>Welcome to the about page {{.Data.Name}}.</p>
//	  <p>Click <a href="{{url "/"}}">here</a> to go back home.</p>
//	{{end}}
//
// Each page gets its own template set (the layouts, then the page), so two
// pages may both define "content". Rendering a page executes the root
// layout, Layouts[0]; without layouts it executes the page itself. Pages
// and layouts are named by their path in the fs ("admin/users.html"), and
// New reports a missing file with the option that named it, a parse error
// with its file and line, and what html/template's escaping would only
// reject at the first render.
//
// # What a template sees
//
// The dot is a *View: {{.Data}} is the value given to Render or returned
// by Page's data function, {{.Request}} the *http.Request. The seed's
// Jinja expression request.headers['rstudio-connect-app-base-url'] is
//
//	{{.Request.Header.Get "RStudio-Connect-App-Base-URL"}}
//
// but {{url "/"}} is better: it validates the header and applies only when
// it is trusted. Besides html/template's built-ins and Options.Funcs, two
// functions build links:
//
//   - url "/about": the application path /about under the base URL.
//   - static "styles.css": the file of StaticFS under StaticPrefix with its
//     content hash, /static/styles.css?v=ea1071274c154fcc; a missing file is
//     an execution error (500).
//
// html/template's contextual escaping applies to everything, including
// their results: a query parameter echoed into a page is escaped for its
// context, and a javascript: URL in an href becomes #ZgotmplZ.
//
// # Behind a proxy
//
// A proxy that serves the application under a prefix, and removes that
// prefix before forwarding, breaks absolute links. The base URL of a
// request is, first that applies: the RStudio-Connect-App-Base-URL header
// when Options.TrustPositConnect is set (Posit Connect sends it on every
// request), the X-Forwarded-Prefix header when Options.TrustForwardedPrefix
// is set, then Options.BasePath. A header is used only when the request
// comes from a trusted proxy, a peer in Options.TrustedProxies (default
// loopback: Posit Connect runs the content behind its own proxy on the same
// host), and only when sent once and clean: a path of safe characters
// without dot or empty segments, or for Posit Connect also an absolute http
// or https URL without user info, query or fragment; anything else
// (javascript:alert(1), //evil.example, /a/%2e%2e) is ignored. So a client
// that reaches the application directly cannot make links point elsewhere,
// whatever it sends. Behind the trusted proxy, the header is whatever the
// proxy forwards: use one that sets or removes it. Pages answer with Vary
// naming the trusted headers, so that a shared cache keeps one copy per
// base URL. Templates.URL and Templates.StaticURL give the same links to Go
// code, for redirects; Templates.Vary adds the same Vary to their
// responses.
//
// # Static files
//
// Static and Templates.Static serve an fs.FS to GET and HEAD with a strong
// ETag, Last-Modified when known, 304 Not Modified, ranges, the Content-Type
// of the extension (sniffed when unknown) and X-Content-Type-Options:
// nosniff. A URL carrying the file's current hash is cached for a year
// (immutable); any other is "no-cache" (revalidated) unless
// StaticOptions.MaxAge says otherwise. Directories are never listed;
// dot files, "..", encoded or double-encoded traversal, backslashes and
// control characters are answered 404, other methods 405. Serve an os.Root
// (os.OpenRoot(dir).FS()) to keep symbolic links inside the tree: a link
// that leaves it, dangles or loops is a 404 like a missing file, and so is
// a path through a file or with an overlong name; nothing a client asks for
// logs an error.
//
// # Errors
//
// A template that fails while rendering, a data function that returns an
// error or panics: the client gets the error through stdapi.WriteError
// (RFC 9457 problem JSON; a *stdapi.Error keeps its status and headers,
// anything else is a 500 whose cause is logged, never sent). With
// Options.ErrorPage, the error is rendered as that HTML page instead.
//
// # Options and their defaults
//
//   - Layouts: none; each page is executed on its own.
//   - Pages: every *.html file that is not a layout.
//   - Funcs: none (url and static are built in).
//   - BasePath: "" (links start at the root).
//   - TrustForwardedPrefix, TrustPositConnect: false.
//   - TrustedProxies: 127.0.0.0/8 and ::1/128; TrustAllProxies: false.
//   - StaticPrefix: "/static/".
//   - StaticFS: nil (no static files).
//   - Reload: false. When true, every render re-reads and re-parses the
//     layouts and the page, and static files are re-hashed on every use: for
//     development only, with an os.DirFS of the source directories (an
//     embed.FS never changes).
//   - ErrorPage: "" (errors as problem JSON).
//   - StaticOptions.Prefix: ""; StaticOptions.MaxAge: 0 (no-cache);
//     StaticOptions.Reload: false.
package templates
