// Command webapp is the Posit Connect FastAPI HTML example in Go: pages
// rendered from templates with a layout, and a stylesheet served as a static
// file, with links that stay correct behind Connect's proxy.
//
//	go run ./examples/webapp
//	open http://127.0.0.1:8000/ and http://127.0.0.1:8000/about?name=Ada
//
// The templates and the stylesheet are embedded in the binary, so it runs
// from any directory.
//
// Flags: -addr, the listen address (default 127.0.0.1:8000).
package main
