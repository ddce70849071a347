// Command migrate applies River's migrations to a PostgreSQL database, for
// the tasks/river backend of stdapi:
//
//	go run github.com/stdapi/stdapi/tasks/river/cmd/migrate -database-url postgres://user@host/db
//
// The URL may also come from the DATABASE_URL environment variable. It
// prints the versions applied, or that the schema was up to date, and exits
// with status 1 on failure. Running it again is harmless.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi/tasks/river"
)

func main() {
	url := flag.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL connection URL (default $DATABASE_URL)")
	flag.Parse()
	if err := run(*url); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		os.Exit(1)
	}
}

func run(url string) error {
	if url == "" {
		return fmt.Errorf("no database: give -database-url or set DATABASE_URL")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return err
	}
	defer pool.Close()
	versions, err := river.Migrate(ctx, pool)
	if err != nil {
		return err
	}
	if len(versions) == 0 {
		fmt.Println("River's schema is up to date")
		return nil
	}
	fmt.Println("applied River migrations", versions)
	return nil
}
