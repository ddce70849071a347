package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/stdapi/stdapi/examples/showcase/app"
)

func main() {
	var f app.Flags
	f.Register(flag.CommandLine)
	dbURL := flag.String("database-url", "", "not supported here: the PostgreSQL queue is tasks/river's showcase command")
	flag.Parse()
	if *dbURL != "" {
		fmt.Fprintln(os.Stderr, "showcase: -database-url needs the PostgreSQL backend, in its own module: run `cd tasks/river && go run ./cmd/showcase -database-url URL`")
		os.Exit(2)
	}
	app.Main(func(ctx context.Context) error { return app.Run(ctx, f.Addr, f.Config()) })
}
