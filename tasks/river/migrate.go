package river

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrateLock is the Postgres advisory lock key that serialises Migrate
// calls from nodes starting at the same time.
const migrateLock = 0x73746461_70697276 // "stdapirv"

// Migrate brings River's tables in pool's database up to date, applying the
// migrations of the River version this module is built with, and returns
// the versions it applied (none when the schema was current). It holds a
// Postgres advisory lock meanwhile, so that nodes starting together migrate
// one after the other. Each version is applied in a transaction of its own:
// a failure leaves the versions before it applied.
//
// Call it at start-up before New, or set Options.Migrate, or run the
// command of this module before deploying:
//
//	go run github.com/stdapi/stdapi/tasks/river/cmd/migrate -database-url "$DATABASE_URL"
//
// River's own CLI ("river migrate-up", from github.com/riverqueue/river/cmd/river)
// applies the same migrations.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	if pool == nil {
		return nil, errors.New("tasks/river: Migrate with a nil pool")
	}
	return migrate(ctx, pool, slog.Default())
}

func migrate(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) ([]int, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("tasks/river: migrate: %w", err)
	}
	// A session lock on a connection of its own: the migrations themselves
	// run on other connections, each version in its own transaction (some
	// cannot share one).
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("tasks/river: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(migrateLock)); err != nil {
		return nil, fmt.Errorf("tasks/river: migrate: lock: %w", err)
	}
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrateLock)); err != nil {
			// A lock we cannot release must not stay with a pooled session.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
	}()
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("tasks/river: migrate: %w", err)
	}
	versions := make([]int, len(res.Versions))
	for i, v := range res.Versions {
		versions[i] = v.Version
	}
	return versions, nil
}

// checkSchema fails when River's migrations have not all been applied.
func checkSchema(ctx context.Context, pool *pgxpool.Pool, logger *slog.Logger) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("tasks/river: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("tasks/river: check River's schema: %w", err)
	}
	if !res.OK {
		return fmt.Errorf("%w: %s", ErrSchema, strings.Join(res.Messages, "; "))
	}
	return nil
}

// ErrSchema is returned by New when River's migrations have not all been
// applied to the database: run Migrate, set Options.Migrate, or run
// cmd/migrate.
var ErrSchema = errors.New("tasks/river: River's schema is not up to date (run river.Migrate or set Options.Migrate)")
