// Command testworker is a worker node for the multi-process tests of
// tasks/river: it works one queue of the database at $DATABASE_URL until
// SIGTERM or SIGINT, and records what its handlers do in the tables that the
// tests create (see process_test.go).
//
//	testworker -queue q1 [-block] [-rescue-after 1s]
//
// Kinds:
//   - "crash" {"token":...}: records a run of token, then, with -block,
//     blocks until the process dies; without, completes.
//   - "unique" {"key":...,"round":...}: counts itself active for key,
//     records the run (and whether another run of key was active at the
//     same time), waits until the test releases the round, then completes.
//
// Once its queue is started it records itself as ready.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	riverqueue "github.com/riverqueue/river"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

// Crash is the payload of the "crash" kind.
type Crash struct {
	Token string `json:"token"`
}

// Unique is the payload of the "unique" kind.
type Unique struct {
	Key   string `json:"key"`
	Round int    `json:"round"`
}

func main() {
	queue := flag.String("queue", "", "River queue to work")
	block := flag.Bool("block", false, "block in crash jobs until killed")
	rescue := flag.Duration("rescue-after", 0, "River's RescueStuckJobsAfter (0: River's default)")
	flag.Parse()
	if err := run(*queue, *block, *rescue); err != nil {
		fmt.Fprintln(os.Stderr, "testworker:", err)
		os.Exit(1)
	}
}

func run(queue string, block bool, rescue time.Duration) error {
	if queue == "" {
		return errors.New("-queue is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	defer pool.Close()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	b, err := river.New(ctx, pool, river.Options{
		Queues:               map[string]int{queue: 4},
		RescueStuckJobsAfter: rescue,
		Backoff:              tasks.Backoff{Base: 100 * time.Millisecond},
		Logger:               logger,
		Configure:            func(c *riverqueue.Config) { c.TestOnly = true },
	})
	if err != nil {
		return err
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b, Logger: logger, Timeout: -1})
	if err != nil {
		return err
	}
	pid := os.Getpid()
	tasks.Register(q, "crash", func(ctx context.Context, c Crash) error {
		if _, err := pool.Exec(ctx, "INSERT INTO river_test_crash (token, pid) VALUES ($1, $2)", c.Token, pid); err != nil {
			return err
		}
		if block {
			<-ctx.Done() // until SIGKILL; a graceful stop retries the job
			return ctx.Err()
		}
		return nil
	})
	tasks.Register(q, "unique", func(ctx context.Context, u Unique) error {
		var active int
		if err := pool.QueryRow(ctx,
			"UPDATE river_test_active SET n = n + 1 WHERE key = $1 RETURNING n", u.Key).Scan(&active); err != nil {
			return err
		}
		defer pool.Exec(context.WithoutCancel(ctx), "UPDATE river_test_active SET n = n - 1 WHERE key = $1", u.Key)
		if _, err := pool.Exec(ctx,
			"INSERT INTO river_test_unique (key, round, pid, overlap) VALUES ($1, $2, $3, $4)",
			u.Key, u.Round, pid, active > 1); err != nil {
			return err
		}
		for {
			var released bool
			if err := pool.QueryRow(ctx,
				"SELECT EXISTS (SELECT 1 FROM river_test_release WHERE key = $1 AND round = $2)",
				u.Key, u.Round).Scan(&released); err != nil {
				return err
			}
			if released {
				return nil
			}
			select {
			case <-time.After(20 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	})
	if _, err := pool.Exec(ctx, "INSERT INTO river_test_ready (queue, pid) VALUES ($1, $2)", queue, pid); err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return q.Shutdown(sctx)
}
