// Package stdapi holds the HTTP error model shared by the stdapi toolkit:
// typed request binding (bind), validation (validate), OpenAPI 3.1 documents
// with Swagger UI and ReDoc (docs), dependency injection (deps), security
// schemes (security), background tasks (tasks), WebSockets (ws) and HTML
// templates (templates), each a small package that wraps or produces a plain
// net/http Handler.
//
// An Error is the Go twin of FastAPI's HTTPException. WriteError renders it as
// an RFC 9457 problem (or a FastAPI-compatible body, see SetFormat); any other
// error becomes a 500 whose text is logged, never sent:
//
//	mux := http.NewServeMux()
//	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
//		item, ok := items[r.PathValue("id")]
//		if !ok {
//			stdapi.WriteError(w, r, stdapi.NewError(http.StatusNotFound, "Item not found"))
//			return
//		}
//		json.NewEncoder(w).Encode(item)
//	})
//
// answers GET /items/nope with
//
//	HTTP/1.1 404 Not Found
//	Content-Type: application/problem+json
//
//	{"type":"about:blank","title":"Not Found","status":404,"detail":"Item not found"}
//
// Detail is a string; Data carries a structured detail, any JSON value, as
// FastAPI's HTTPException(detail={...}) does. FormatFastAPI sends it as
// the body's "detail"; FormatProblem keeps the string detail that RFC 9457
// requires and sends Data as the extension member "data":
//
//	&stdapi.Error{Status: 409, Detail: "Item is locked", Data: map[string]any{"code": "locked"}}
//	FormatFastAPI: {"detail":{"code":"locked"}}
//	FormatProblem: {"type":"about:blank","title":"Conflict","status":409,"detail":"Item is locked","data":{"code":"locked"}}
//
// A ServeMux answers a path no pattern matches, and a method no pattern
// allows, in text/plain ("404 page not found"); RouteErrors(mux) answers
// them with WriteError instead, keeping the Allow header of a 405, as
// FastAPI answers {"detail":"Not Found"} and {"detail":"Method Not
// Allowed"}.
//
// OnError[E] is middleware under which WriteError hands the errors of type
// E to a function of yours, FastAPI's exception handlers: wrap the mux for
// the whole app, or one group or route.
//
// The package imports only the standard library (and two internal seams
// for its siblings: bind opens scopes through one, testclient observes them
// through the other); every other stdapi package builds on it.
package stdapi
