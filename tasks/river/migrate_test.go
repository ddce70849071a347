package river_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

// TestMigrate migrates an empty schema of its own.
func TestMigrate(t *testing.T) {
	defer checkLeaks(t)()
	url := databaseURL(t)
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := queueName(t)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	if _, err := river.New(ctx, pool, river.Options{Logger: quiet()}); !errors.Is(err, river.ErrSchema) {
		t.Fatalf("New before migrating = %v, want ErrSchema", err)
	}
	// Nodes starting together: one applies the migrations, the other finds
	// them applied.
	results := make(chan []int, 2)
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			v, err := river.Migrate(ctx, pool)
			results <- v
			errs <- err
		}()
	}
	var applied [][]int
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		applied = append(applied, <-results)
	}
	slices.SortFunc(applied, func(a, b []int) int { return len(a) - len(b) })
	if len(applied[0]) != 0 || len(applied[1]) == 0 || applied[1][0] != 1 {
		t.Errorf("applied %v, want nothing by one call and every version from 1 by the other", applied)
	}
	for _, opts := range []river.Options{{Logger: quiet()}, {Logger: quiet(), Migrate: true}} {
		b, err := river.New(ctx, pool, opts)
		if err != nil {
			t.Fatalf("New after migrating (Migrate %v): %v", opts.Migrate, err)
		}
		q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b, Logger: quiet()})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var tables int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename = 'river_job'", schema).Scan(&tables); err != nil || tables != 1 {
		t.Errorf("river_job in %s: %d (%v)", schema, tables, err)
	}
}

func TestMigrateNilPool(t *testing.T) {
	if _, err := river.Migrate(context.Background(), nil); err == nil {
		t.Error("Migrate(nil): no error")
	}
}
