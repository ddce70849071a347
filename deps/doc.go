// Package deps is per-request dependency injection for net/http, the Go twin
// of FastAPI's Depends: declare once what handlers need (a database session,
// the current user), and each request resolves it on first use, caches it,
// and cleans it up after the response; tests replace it with fakes.
//
//	var DB = deps.NewWithCleanup(func(r *http.Request) (*Session, func(error), error) {
//		s, err := pool.Open(r.Context())
//		if err != nil {
//			return nil, nil, err
//		}
//		return s, func(err error) { s.Close(err == nil) }, nil // commit unless the request failed
//	})
//
//	func listItems(w http.ResponseWriter, r *http.Request) {
//		s, err := DB.Get(r)
//		if err != nil {
//			stdapi.WriteError(w, r, err)
//			return
//		}
//		// use s
//	}
//
//	mux.HandleFunc("GET /items", listItems)
//	http.ListenAndServe(":8000", deps.Scope(mux))
//
// In a bind handler, a field of the input struct receives the value
// instead, with no Scope needed (bind handlers open the request scope):
//
//	type ListItems struct {
//		DB *Session `dep:""`
//	}
//	api.Handle(mux, "GET /items", bind.Handler(list), docs.Deps(DB)) // or a group's docs.Deps
//
// # Providers
//
// New and NewWithCleanup make a Provider[T] from a function of the request.
// p.Get(r), or p.From(ctx) with the request's context (in a bind handler, or
// a goroutine the handler started), returns the value: the first use in a
// request calls the function, later uses get the cached value or error, and
// concurrent first uses wait for one call. Options:
//
//   - Name(s): the name in errors and logs; default "deps.Provider[T]" with
//     T's type, such as "deps.Provider[*main.Session]".
//   - NoCache(): call the function on every use; default: once per request.
//   - Parameter, ParameterObject, Security, Uses: what the provider documents
//     (see Documentation); default: nothing.
//
// A provider's function may use other providers (sub-dependencies) with the
// request it receives: r.Context() records the chain being resolved, so a
// cycle is reported as an error wrapping ErrCycle, naming the chain
// ("deps: dependency cycle: A -> B -> A"), instead of waiting forever.
//
// Bind and BindWithCleanup make a Provider whose function takes typed
// inputs (header, query, cookie, path fields) bound and validated by package
// bind's rules: its 422 lists every problem, joins a bind handler's own 422
// when the provider fills a dep field, and the parameters are documented
// with their schemas.
//
// # Scope and errors
//
// Providers need the request's scope: bind handlers, Requires and Scope
// open it (or join the one an outer middleware opened). A plain handler
// that uses providers goes behind Scope, or Get and From return an error
// wrapping ErrNoScope (which says to add deps.Scope). Errors from Get and From are *stdapi.Error values
// ready for stdapi.WriteError: a *stdapi.Error returned by a provider keeps
// its status, headers and body (401 from an authentication dependency);
// anything else, a panic included, becomes a 500 with a generic body, its
// cause logged and reachable with errors.Is and errors.As. Requires resolves
// dependencies before a handler for their effect only, FastAPI's
// dependencies=[...], and answers their error instead of calling it: the
// field errors of all the dependencies that answer 422 together in one 422,
// as FastAPI reports them; an error of another kind (a 401, a 500), before
// or after them, is answered instead. A provider that uses others gathers
// their errors itself: Requires sees only what each dependency returns.
//
// # Cleanups and background tasks
//
// Cleanups run after the handler has returned and the response has been
// flushed, so the client is not kept waiting: in reverse order of creation, one after
// the other, in one goroutine, each receiving the request's error (nil, the
// error stdapi.WriteError answered with, or a *stdapi.PanicError). A
// panicking cleanup is logged with log/slog and the next still run. At
// shutdown, after http.Server.Shutdown, stdapi.WaitDeferred waits for the
// cleanups (and background tasks) of the last requests.
//
// Scope shares the request scope of package stdapi with the tasks package.
// Background tasks added with tasks.Add run after the response and BEFORE
// the dependency cleanups, as in FastAPI, when tasks.Middleware serves the
// request, inside or outside deps.Scope: a task can still use the database
// session that a cleanup closes. (Without tasks.Middleware, tasks run before
// the cleanups of the dependencies resolved before the first task was
// added.) A task reads the values the handler resolved with From and the
// task's context; resolve them in the handler, since a provider with a
// cleanup cannot be first used once the cleanups have started.
//
// Values can be read from goroutines the handler starts, also after it
// returns; but a value whose cleanup has run is closed, so work that must
// outlive the response belongs in tasks. A provider with a cleanup first
// used after the cleanups have started returns an error wrapping
// ErrScopeEnded (its cleanup runs at once).
//
// # Singletons
//
// NewSingleton and NewSingletonWithCleanup make values that live as long as
// an App (a pool, a client): made lazily by the first use, once, even when
// many requests ask at the same time, without a Scope. A failed attempt is
// not cached: the error goes to the callers of that attempt and the next use
// tries again. App.Close runs the cleanups at shutdown in reverse order of
// creation; afterwards the singletons return an error wrapping ErrClosed.
//
// # Overrides for tests
//
// p.Override(fn) and p.OverrideValue(v) make an Override that replaces p in
// the requests whose context carries it: WithOverrides(ctx, ...) for a
// request made with httptest.NewRequest or an http.Server's BaseContext, or
// OverrideHandler(app, ...) around the handler under test. Nothing global
// changes, so tests using different fakes can run in parallel.
//
// # Documentation
//
// deps does not import docs. Providers, Singletons and the handler returned
// by Requires answer the structural methods docs looks for (unwrapping
// middleware through Unwrap() http.Handler):
//
//	OpenAPIParameters() []map[string]any
//	OpenAPISecurity() (name string, scheme map[string]any, scopes []string)
//
// A provider declares what it consumes with Parameter (a header it reads),
// ParameterObject and Security, and includes what its sub-dependencies
// declare with Uses. Only one security scheme can be reported: the
// provider's own, else the first one among its dependencies, with the
// scopes of all those using it.
package deps
