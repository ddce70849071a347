package main

import (
	"flag"
	"log"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	flag.Parse()
	h, err := New()
	if err != nil {
		log.Fatal(err)
	}
	serve.Main(*addr, h, serve.Options{})
}
