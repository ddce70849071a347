// Command docsserver serves the zoo API of package docs with its Swagger UI
// and ReDoc pages, for the browser checks in e2e/, or writes its document.
//
//	go run ./docs/internal/docsserver -write zoo.json
//	go run ./docs/internal/docsserver -addr 127.0.0.1:0 -assets e2e/node_modules
//
// When serving, it prints "listening on http://ADDR" once ready.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/docs/internal/zoo"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	assets := flag.String("assets", "", "node_modules directory to serve the pages' assets from (default: the CDN)")
	write := flag.String("write", "", "write the OpenAPI document to this file and exit")
	flag.Parse()

	mux := http.NewServeMux()
	api := zoo.New(mux)
	if *write != "" {
		if err := api.WriteFile(*write); err != nil {
			log.Fatal(err)
		}
		return
	}
	var opts []docs.MountOption
	if *assets != "" {
		opts = append(opts, docs.AssetsFS(os.DirFS(*assets)))
	}
	api.Mount(mux, append(opts, docs.RedirectRoot())...)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
