// Command usermeta is the Posit Connect FastAPI user meta-data example in
// Go: GET /hello greets the viewer named by the RStudio-Connect-Credentials
// header that Connect's proxy adds, read once through a dependency.
//
//	go run ./examples/usermeta
//	curl http://127.0.0.1:8000/hello
//	curl -H 'RStudio-Connect-Credentials: {"user":"ada","groups":["eng"]}' http://127.0.0.1:8000/hello
//
// The header is honoured only from trusted proxies: by default the loopback
// addresses, since Connect runs its proxy on the same host. Anyone who can
// reach the program directly could otherwise claim to be anyone. A header
// that is not Connect's JSON is a 400 (RFC 9110 §15.5.1), where the seed's
// FastAPI program, calling json.loads on it, answers 500.
//
// Flags: -addr, the listen address (default 127.0.0.1:8000); -trusted-proxy,
// comma-separated networks whose requests may carry the header (default
// 127.0.0.0/8,::1/128); -docs-assets, a node_modules directory holding
// swagger-ui-dist and redoc, to serve the docs pages' scripts without
// network access (default: the CDN).
package main
