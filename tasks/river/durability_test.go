package river_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	riverqueue "github.com/riverqueue/river"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
	"github.com/stdapi/stdapi/tasks/river/internal/testdb"
)

// durable is the payload of the crash test's jobs.
type durable struct {
	N int64 `json:"n"`
}

// TestPostgresCrashLosesNothingAcknowledged enqueues jobs from 8 goroutines
// while Postgres itself crashes (pg_ctl stop -m immediate), on a server of
// its own with durable settings: after the restart, every job whose
// Enqueue returned nil is in the database, and a worker runs each of them.
func TestPostgresCrashLosesNothingAcknowledged(t *testing.T) {
	defer checkLeaks(t)()
	srv := testdb.StartServer(t, testdb.Durable...)
	ctx := context.Background()

	pool, err := pgxpool.New(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := river.Migrate(ctx, pool); err != nil {
		pool.Close()
		t.Fatal(err)
	}
	front := queueOn(t, pool, river.Options{InsertOnly: true}, func(context.Context, durable) error { return nil })

	const before = 300 // acknowledged jobs before the crash, at least
	var mu sync.Mutex
	acked := map[int64]bool{}
	var next atomic.Int64
	var failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := next.Add(1)
				ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := tasks.Enqueue(ectx, front, "durable", durable{N: n})
				cancel()
				if err != nil {
					failed.Add(1)
					time.Sleep(time.Millisecond)
					continue
				}
				mu.Lock()
				acked[n] = true
				mu.Unlock()
			}
		})
	}
	waitFor(t, time.Minute, "jobs acknowledged", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= before
	})
	srv.Crash(t) // while the goroutines enqueue
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err := front.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	pool.Close()

	srv.Start(t) // recovery from the WAL
	pool, err = pgxpool.New(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	present := map[int64]bool{}
	rows, err := pool.Query(ctx, "SELECT (args->'payload'->>'n')::bigint FROM river_job WHERE args->>'kind' = 'durable'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		present[n] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var lost []int64
	for n := range acked {
		if !present[n] {
			lost = append(lost, n)
		}
	}
	t.Logf("%d jobs acknowledged, %d refused (the crash), %d rows after recovery", len(acked), failed.Load(), len(present))
	if len(lost) > 0 {
		t.Fatalf("%d acknowledged jobs lost in the crash: %v", len(lost), lost)
	}

	// And each runs.
	var rmu sync.Mutex
	ran := map[int64]bool{}
	worker := queueOn(t, pool, river.Options{}, func(_ context.Context, d durable) error {
		rmu.Lock()
		defer rmu.Unlock()
		ran[d.N] = true
		return nil
	})
	waitFor(t, 2*time.Minute, "every acknowledged job run", func() bool {
		rmu.Lock()
		defer rmu.Unlock()
		for n := range acked {
			if !ran[n] {
				return false
			}
		}
		return true
	})
	if err := worker.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// queueOn returns a Queue on a Backend on pool, with fn registered as the
// handler of "durable". The caller shuts it down.
func queueOn(t *testing.T, pool *pgxpool.Pool, opts river.Options, fn func(context.Context, durable) error) *tasks.Queue {
	t.Helper()
	opts.Logger = quiet()
	opts.Configure = func(c *riverqueue.Config) {
		c.TestOnly = true
		c.FetchPollInterval = 100 * time.Millisecond
		c.FetchCooldown = 20 * time.Millisecond
	}
	b, err := river.New(context.Background(), pool, opts)
	if err != nil {
		t.Fatal(err)
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	tasks.Register(q, "durable", fn)
	return q
}
