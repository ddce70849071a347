// Command docsserver serves the zoo API of package docs with its Swagger UI
// and ReDoc pages, for the browser checks in e2e/, or writes its document.
//
//	go run ./docs/internal/docsserver -write zoo.json
//	go run ./docs/internal/docsserver -addr 127.0.0.1:0 -assets e2e/node_modules
//	go run ./docs/internal/docsserver -addr 127.0.0.1:0 -mirror e2e/node_modules
//
// -mirror serves the directory as an npm mirror with jsDelivr's layout on a
// second loopback port, another origin, and the pages load their assets
// from it (docs.AssetsURL), as they do from the CDN by default. When
// serving, it prints "listening on http://ADDR" once ready.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/stdapi/stdapi/docs"
	"github.com/stdapi/stdapi/docs/internal/zoo"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	assets := flag.String("assets", "", "node_modules directory to serve the pages' assets from (default: the CDN)")
	mirror := flag.String("mirror", "", "node_modules directory to serve as a CDN on another port, to load the pages' assets from")
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
	if *mirror != "" {
		base, err := serveMirror(os.DirFS(*mirror))
		if err != nil {
			log.Fatal(err)
		}
		opts = append(opts, docs.AssetsURL(base))
	}
	api.Mount(mux, append(opts, docs.RedirectRoot())...)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}

// serveMirror serves fsys, a node_modules tree, at /npm/PKG@VERSION/FILE on
// a loopback port of its own, with the CORS header that the pages'
// crossorigin="anonymous" asset tags need, and returns its base URL.
func serveMirror(fsys fs.FS) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		spec, file, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/npm/"), "/")
		at := strings.LastIndexByte(spec, '@')
		if !ok || at <= 0 {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.ServeFileFS(w, r, fsys, spec[:at]+"/"+file)
	})
	go http.Serve(ln, h)
	return "http://" + ln.Addr().String() + "/npm/", nil
}
