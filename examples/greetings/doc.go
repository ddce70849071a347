// Command greetings is the Posit Connect FastAPI JSON example in Go: a
// read-only API listing greetings by language, with its OpenAPI document,
// Swagger UI and ReDoc.
//
//	go run ./examples/greetings
//	curl http://127.0.0.1:8000/greetings/es
//
// GET /greetings lists the greetings sorted by language, GET
// /greetings/{lang} returns one (an unknown language is a 404 problem:
// the resource does not exist, RFC 9110 §15.5.5, where the seed's FastAPI
// program fails its response model with a 500), GET / redirects to /docs. When GREETINGS_API_KEY is set, the greetings need
// the header "Authorization: Key $GREETINGS_API_KEY", as content restricted
// on Posit Connect does.
//
// Flags: -addr, the listen address (default 127.0.0.1:8000); -docs-assets,
// a node_modules directory holding swagger-ui-dist and redoc, to serve
// the docs pages' scripts without network access (default: the CDN).
package main
