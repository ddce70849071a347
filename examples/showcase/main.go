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
	jobsFile := flag.String("jobs-file", "", "file keeping the queued jobs that did not finish at shutdown, re-enqueued at the next start (default: log them as dropped)")
	flag.Parse()
	if *dbURL != "" {
		fmt.Fprintln(os.Stderr, "showcase: -database-url needs the PostgreSQL backend, in its own module: run `cd tasks/river && go run ./cmd/showcase -database-url URL`")
		os.Exit(2)
	}
	cfg := f.Config()
	cfg.JobsFile = *jobsFile
	app.Main(func(ctx context.Context) error { return app.Run(ctx, f.Addr, cfg) })
}
