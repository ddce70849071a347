// Package docs is an opt-in registry of operations that builds an OpenAPI
// 3.1 document from the handlers themselves, and serves it with Swagger UI
// and ReDoc. API.Handle registers a handler on a mux, as mux.Handle does,
// and records what the pattern, the handler and the options say about it;
// handlers registered on the mux directly work unchanged and are simply
// not documented.
//
//	mux := http.NewServeMux()
//	api := docs.New(docs.Info{Title: "Greetings", Version: "1.0.0"})
//	api.Handle(mux, "GET /greetings/{lang}", bind.Handler(greet),
//		docs.Summary("Get one greeting"), docs.Tags("greetings"))
//	api.Mount(mux) // GET /openapi.json, /docs, /docs/oauth2-redirect, /redoc
//	http.ListenAndServe(":8000", mux)
//
// Group registers operations under a prefix with shared options, FastAPI's
// APIRouter: tags, responses, middleware (Use: security, dependencies, error
// handlers) and dependencies for dep fields (Deps), nested groups adding to
// their parents':
//
//	items := api.Group(mux, "/items", docs.Tags("items"), docs.Use(security.Require(oauth2)))
//	items.Handle("GET /", bind.Handler(list)) // GET /items
//
// # How a handler is documented
//
// The pattern gives the method and the path: "GET /items/{id}" becomes the
// operation GET /items/{id}, "{rest...}" becomes {rest}, "{$}" and a host
// are dropped. A documented pattern needs a method; Handle panics without
// one (a Hidden handler may omit it), because a method-less pattern matches
// every method and OpenAPI has no way to say so honestly.
//
// Handle then asks the handler, following middleware through
// Unwrap() http.Handler:
//
//   - a bind handler (bind.Operation) gives the parameters (path, query,
//     header, cookie), the request body (JSON, urlencoded or multipart form,
//     files), the response body (Out, or T for bind.Response[T]) and the
//     success status;
//   - a SecurityDescriber (the handlers of package security) gives a
//     security scheme and the scopes it requires; several are combined into
//     one requirement;
//   - a ParameterDescriber (route-level dependencies of package deps) gives
//     Parameter Objects of its own;
//   - an OperationDescriber (security.TokenEndpoint) gives its own request
//     body and responses, for handlers whose answers are not bind's;
//   - a StreamDescriber (the Events and Lines handlers of package stream)
//     gives a streamed success response, and its parameters as a bind
//     handler does (see Streams below).
//
// A plain http.Handler is described with options: Request (an input type
// read with bind.Request, or the parameters a handler checks itself),
// ResponseType, Response, ResponseMedia (a body that is not JSON, such as
// "text/html" for a page), Security. The handlers of package ws document
// themselves (101, and an Endpoint's parameters); a hand-made WebSocket
// declares Response(http.StatusSwitchingProtocols, nil, ...), which stands
// for its success (no 200 is added). The other
// options (Summary, Description, Tags, OperationID, Deprecated, Example,
// ResponseExample, Hidden) work for every handler. The pattern's wildcards
// and the input's path fields must match one to one: Handle panics on
// {id} without a path:"id" field or the other way round, since bind would
// answer 422 for a path parameter the pattern never fills.
//
// Every operation with inputs, its own or those a ParameterDescriber
// declares (the parameters of its dependencies), documents its 422: the
// RFC 9457 problem stdapi.WriteError writes, with its errors items.
// Secured operations document 401, and 403 when they require scopes.
// Response(status, nil,
// description) on an error status documents the problem body too. Error
// bodies are documented in the format set by stdapi.SetFormat when the
// document is built (the FastAPI shape {"detail":...} for
// stdapi.FormatFastAPI); set the format before serving. Each documented
// error response has an example: the body stdapi.WriteError writes for its
// status, with the response's description as detail, and on a 422 one
// plausible error of the operation's input (a required input left out),
// so that Swagger UI and ReDoc show what a client receives. Operations
// with a body also document what bind answers before it reads the body's
// values: 413 (a body over bind.Limits), 415 (a Content-Type it does not
// read, with Accept-Post), and 400 for forms (a malformed form, too many
// fields or files). A 405 is not documented: http.ServeMux sends it, with
// Allow, for a method that has no operation on the path, and OpenAPI has
// responses only for operations that exist. Secured operations document
// the WWW-Authenticate challenge of their 401 (and of a bearer 403, which
// names the missing scopes); ResponseHeader documents the headers a
// handler sets itself, such as Location on a 201 or Retry-After on a 429.
//
// # Schemas
//
// Schemas come from github.com/invopop/jsonschema (JSON Schema 2020-12,
// which OpenAPI 3.1 uses), placed in components/schemas, then completed
// with what bind and validate enforce, so that the document accepts what
// the server accepts:
//
//   - required lists the fields with validate:"required" (present and not
//     null); pointers that are not required also accept null, other types
//     do not; a non-pointer Body is a required request body;
//   - a response says null only where encoding/json can write it: a
//     pointer, or a slice or map field (nil is null), unless omitempty; a
//     []T or map response body is a plain array or object (bind writes a
//     nil one [] or {}), so that openapi-typescript gives Item[], not
//     Item[] | null;
//   - numbers carry the format of their Go type (int32, int64, uint64,
//     float, double), which client generators map to a type; integers
//     smaller than 64 bits are bounded by their range (int8: -128..127),
//     unsigned ones by 0, float32 by its largest value, as bind rejects
//     what does not fit; 64-bit integers get no range bound, which
//     JavaScript could not represent; bounds from rules are written and
//     compared exactly;
//   - maps of any value (map[string]any) are objects with
//     additionalProperties: true, and an any field has an empty schema, so
//     that generators keep their members;
//   - each validate rule adds its keywords (min is minLength, minimum or
//     minItems; gt on a number is exclusiveMinimum; oneof is an enum; email
//     is format: email; dive applies to items and map values, keys to
//     propertyNames); rules the keywords cannot state exactly (email, url,
//     hostname, lowercase...) are also listed in an x-validate extension,
//     and the schema is then never stricter than the validator; omitempty
//     adds the zero value as an alternative where a rule would reject it;
//   - time.Time is a date-time string; time.Duration is an integer of
//     nanoseconds in JSON and a Go duration string ("1h30m") in parameters
//     and forms; *bind.File is a binary string in multipart bodies; types
//     with UnmarshalText are strings; types with UnmarshalJSON accept any
//     value unless they describe themselves with a JSONSchema method;
//   - body types implementing bind.UnknownFieldsForbidder get
//     additionalProperties: false; others accept unknown keys, as bind does;
//   - default tags become defaults, doc tags descriptions and example tags
//     examples.
//
// Component names are the Go type names. Generic instances are shortened
// (Page[example.com/app.User] is Page_User); types with one name from
// different packages are qualified (models.User, auth.User), never
// overwritten, except that stdapi's own types yield the short name to the
// user's (Stats and tasks.Stats); the error bodies are Problem and
// FieldError unless a user's type has that name. A type with an
// OpenAPIDescription method (Describer) gives its component a
// description; doc tags describe fields. Properties are written in Go
// declaration order; a describer's schemas (security.TokenEndpoint's
// form) list their required properties first, and a request or response
// schema of a describer with a title is a component of that name (Token). A type whose output form differs from its input form (a
// field that is optional on input but always written, a nil slice written
// as null) gets a second component, Name-Output; otherwise one component
// serves both. Recursive types are references to themselves.
//
// # Streams
//
// OpenAPI 3.1 cannot say what one item of a stream is; OpenAPI 3.2 adds
// itemSchema to the Media Type Object for that. A stream's success
// response (text/event-stream, application/jsonl) therefore carries
// x-itemSchema, the schema 3.2 would put in itemSchema (one JSON Lines
// item; one server-sent event, an object with event, data, id and retry,
// as a oneOf of its named events when there are several), and schema, an
// array of those items, which Swagger UI, ReDoc and 3.1 generators show as
// a model. An event's data is documented parsed, not as the string of JSON
// on the wire. Its parameters and errors (422, 401, 403) are documented as
// for any operation.
//
// # Determinism and go generate
//
// Document returns indented JSON with sorted keys (properties in
// declaration order) and names that depend on the registered types only, so the same program always writes the same
// bytes: the document can be committed, diffed in review and fed to client
// generators. WriteFile writes it, for example from a go:generate command
// or a CI step that fails when the committed file is stale. The document is
// built on first use and cached; registering an operation, before or after
// Mount, makes the next request or call build it again.
//
// # Serving
//
// Mount serves, with GET, the document at OpenAPIPath (default
// "/openapi.json"; from memory, with a strong ETag and 304 answers to
// If-None-Match, and no per-request work beyond writing the bytes), its
// OpenAPI 3.0.3 rendering at OpenAPI30Path (default "/openapi-3.0.json",
// Document30: for tools not on 3.1 yet, such as ogen), the document as
// YAML at OpenAPIYAMLPath when set (DocumentYAML, off by default), Swagger
// UI at SwaggerUIPath (default "/docs", with persistAuthorization and its
// OAuth2 redirect page at "/docs/oauth2-redirect") and ReDoc at ReDocPath
// (default "/redoc"). Each path can be set, or switched off with "".
// RedirectRoot (off by default) answers GET / with a redirect to the docs,
// the convention of hosts such as Posit Connect. API is also an
// http.Handler serving the document, to mount it anywhere by hand.
//
// # Assets and Content-Security-Policy
//
// By default the pages load swagger-ui-dist (SwaggerUIVersion) and redoc
// (ReDocVersion) from jsDelivr at pinned versions, with Subresource
// Integrity hashes: a changed file is refused by the browser. AssetsURL
// loads the same files from a mirror with the same layout. AssetsFS serves
// them from an fs.FS laid out as node_modules (os.DirFS("node_modules")
// after npm install swagger-ui-dist redoc), for offline or air-gapped sites;
// only the files the pages use are served, at AssetsPath (default
// "/docs/assets/"). No asset is embedded in this package.
//
// Each page is sent with a Content-Security-Policy that allows only what it
// uses: its scripts and stylesheet by their exact URLs ('self' with
// AssetsFS, whose URLs are relative to the page), never a whole CDN;
// Swagger UI's inline start-up script by its hash; no 'unsafe-inline'
// (ReDoc's styled-components and perfect-scrollbar <style> elements are
// allowed by their hashes, and style set through the DOM is not
// restricted); data: and same-origin images; requests to the page's own
// origin (ConnectSources adds others for Swagger UI, such as an OAuth2
// token URL on another host, which "Authorize" calls); ReDoc's blob:
// worker; and nothing else. Framing is limited to the same origin. The
// policies are checked in headless Chromium with both asset sources
// (e2e/run-docs.sh).
//
// # Behind a proxy
//
// The pages refer to the document, the redirect page and AssetsFS files by
// URLs relative to themselves, and the root redirect's Location is
// relative, so a site mounted under a prefix by a proxy that strips it
// (/api/docs served as /docs) keeps working without configuration. For
// "Try it out" to call the right URLs, declare the prefix with
// Servers(docs.Server{URL: "/api"}), or leave servers empty to call the
// origin the document was loaded from.
package docs
