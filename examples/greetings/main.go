package main

import (
	"flag"
	"log"
	"os"

	"github.com/stdapi/stdapi/examples/internal/serve"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	flag.Parse()
	h, err := New(Config{APIKey: os.Getenv("GREETINGS_API_KEY")})
	if err != nil {
		log.Fatal(err)
	}
	serve.Main(*addr, h, serve.Options{})
}
