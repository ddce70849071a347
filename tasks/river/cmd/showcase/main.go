// Command showcase serves the stdapi showcase (package
// github.com/stdapi/stdapi/examples/showcase/app) with its job queue in
// PostgreSQL through River: the report jobs of POST /reports survive
// restarts and run on whichever instance fetches them. It lives in the
// tasks/river module because the main stdapi module does not depend on
// Postgres; go run ./examples/showcase is the same service with the
// in-memory queue.
//
//	cd tasks/river && go run ./cmd/showcase -database-url postgres://user@host/db
//
// It runs River's migrations at start-up, so the database needs no
// preparation besides existing.
//
// Flags:
//
//	-addr          listen address (default 127.0.0.1:8000)
//	-docs-assets   a node_modules directory holding swagger-ui-dist and
//	               redoc (default: the docs pages load them from the CDN)
//	-database-url  PostgreSQL connection URL (default $DATABASE_URL);
//	               required: without it the command exits with status 2
//	-rescue-stuck-jobs-after
//	               how long a job may stay running before River takes its
//	               node for dead (killed, crashed) and runs it again, on
//	               any instance (default 1h, River's); River's leader looks
//	               every 30 seconds, so a job is rescued up to 30s later.
//	               Keep it above the longest attempt, one minute (the
//	               queue's timeout), or a slow job runs twice at once
//
// The environment variables SHOWCASE_JWT_SECRET and SHOWCASE_API_KEY are
// those of examples/showcase. SIGINT or SIGTERM stops it gracefully:
// WebSockets are closed, requests in flight finish, the queue drains (jobs
// running finish, jobs waiting stay in the database) and the connection
// pool is closed. It exits with status 1 when it fails.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi/examples/showcase/app"
	"github.com/stdapi/stdapi/tasks/river"
)

func main() {
	var f app.Flags
	f.Register(flag.CommandLine)
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL connection URL (default $DATABASE_URL)")
	rescue := flag.Duration("rescue-stuck-jobs-after", river.DefaultRescueStuckJobsAfter,
		"how long a job may stay running before River runs it again, its node taken for dead (keep it above the one-minute attempt timeout)")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "showcase: no database: give -database-url or set DATABASE_URL (go run ./examples/showcase in the main module keeps its jobs in memory)")
		os.Exit(2)
	}
	if *rescue <= 0 {
		fmt.Fprintln(os.Stderr, "showcase: -rescue-stuck-jobs-after must be positive")
		os.Exit(2)
	}
	app.Main(func(ctx context.Context) error { return run(ctx, f, *url, *rescue) })
}

// run serves the showcase with its queue on River until ctx is done. The
// app's Drain shuts the queue, and so the River client, down before the
// pool closes.
func run(ctx context.Context, f app.Flags, url string, rescue time.Duration) error {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return fmt.Errorf("showcase: database URL: %w", err)
	}
	defer pool.Close()
	backend, err := river.New(ctx, pool, river.Options{Migrate: true, RescueStuckJobsAfter: rescue})
	if err != nil {
		return err
	}
	cfg := f.Config()
	cfg.Backend = backend
	return app.Run(ctx, f.Addr, cfg)
}
