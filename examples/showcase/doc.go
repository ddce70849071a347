// Command showcase is one realistic service built from every stdapi
// package: items CRUD with binding and validation, an OAuth2 password flow
// issuing JWTs, API-key and HTTP Basic routes, a background task, a queued
// job, a WebSocket chat with its page, a per-request database session, and
// the OpenAPI document with Swagger UI and ReDoc. Everything is in memory.
//
//	go run ./examples/showcase
//	open http://127.0.0.1:8000/docs   (Authorize as alice / wonderland)
//	open http://127.0.0.1:8000/chat   (in two tabs)
//
// Routes:
//
//	POST   /token                       OAuth2 password flow: a JWT for alice / wonderland
//	GET    /users/me                    the current user (bearer token, scope me)
//	GET    /items, /items/{id}          items (scope items:read), from a per-request DB session
//	POST   /items, PUT/DELETE /items/{id}  (scope items:write), validated: 422 on bad input
//	POST   /send-notification/{email}   a background task, run after the response
//	POST   /reports                     a queued job with retries (scope items:read)
//	GET    /outbox                      the mails sent by both (HTTP Basic, alice / wonderland)
//	GET    /stats                       counters (API key in X-API-Key)
//	GET    /chat, /ws                   the chat page and its WebSocket
//	GET    /.well-known/jwks.json       the public key of the tokens
//	GET    /openapi.json, /docs, /redoc the API's documentation; GET / redirects to /docs
//
// Flags:
//
//	-addr         listen address (default 127.0.0.1:8000)
//	-docs-assets  a node_modules directory holding swagger-ui-dist and redoc,
//	              to serve the docs pages' scripts locally instead of from
//	              the CDN (default: the CDN)
//
// Environment:
//
//	SHOWCASE_JWT_SECRET  HS256 secret of at least 32 bytes, so that tokens
//	                     survive a restart and are shared by instances
//	                     (default: a new ES256 key at every start)
//	SHOWCASE_API_KEY     the key of GET /stats, sent as X-API-Key (default:
//	                     a random key, logged at start-up)
//
// SIGINT or SIGTERM stops the server gracefully: WebSockets are closed
// with 1001, requests in flight finish, background tasks and queued jobs
// drain.
package main
