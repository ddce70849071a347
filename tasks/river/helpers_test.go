package river_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	riverqueue "github.com/riverqueue/river"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

// databaseURL returns $DATABASE_URL. Without it the test is skipped, or
// fails when CI=true: CI must run ci.sh first.
func databaseURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATABASE_URL is not set and CI=true: source tasks/river/ci.sh before the tests")
		}
		t.Skip("DATABASE_URL is not set: source ci.sh to start a throwaway PostgreSQL")
	}
	return url
}

var migrated sync.Once

// openPool connects to the test database, migrated. The caller closes it.
func openPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := databaseURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var merr error
	migrated.Do(func() { _, merr = river.Migrate(ctx, pool) })
	if merr != nil {
		pool.Close()
		t.Fatal(merr)
	}
	return pool
}

// queueName returns a queue name of its own for one test run, so that
// jobs left by other tests or earlier runs never reach its workers.
func queueName(t testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := strings.ToLower(strings.NewReplacer("/", "_", "#", "_").Replace(t.Name()))
	if len(name) > 40 {
		name = name[:40]
	}
	return name + "_" + hex.EncodeToString(b[:])
}

// quiet is a logger for the tests' River clients and queues: warnings and
// errors only, to stderr when -v, nowhere otherwise.
func quiet() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// node is one in-process worker node: a Backend on its own pool and the
// Queue it backs.
type node struct {
	pool  *pgxpool.Pool
	b     *river.Backend
	q     *tasks.Queue
	queue string
}

// newNode starts a node working queue. opts.Queues is set to the queue
// unless opts.InsertOnly; jobs go to that queue unless an Enqueue option
// says otherwise (use node.enqueue).
func newNode(t testing.TB, queue string, opts river.Options, qopts tasks.QueueOptions) *node {
	t.Helper()
	pool := openPool(t)
	if opts.Queues == nil && !opts.InsertOnly {
		opts.Queues = map[string]int{queue: 4}
	}
	if opts.Logger == nil {
		opts.Logger = quiet()
	}
	if opts.Backoff == (tasks.Backoff{}) {
		opts.Backoff = tasks.Backoff{Base: 20 * time.Millisecond, Jitter: -1}
	}
	configure := opts.Configure
	opts.Configure = func(c *riverqueue.Config) {
		c.TestOnly = true
		c.FetchPollInterval = 100 * time.Millisecond
		c.FetchCooldown = 20 * time.Millisecond
		if configure != nil {
			configure(c)
		}
	}
	b, err := river.New(context.Background(), pool, opts)
	if err != nil {
		pool.Close()
		t.Fatal(err)
	}
	qopts.Backend = b
	if qopts.Logger == nil {
		qopts.Logger = quiet()
	}
	q, err := tasks.NewQueue(qopts)
	if err != nil {
		pool.Close()
		t.Fatal(err)
	}
	return &node{pool: pool, b: b, q: q, queue: queue}
}

// close shuts the node down and closes its pool. Its error is the Queue's
// Shutdown error, or nil; tasks.ErrClosed (shut down already) is no error.
func (n *node) close(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := n.q.Shutdown(ctx); err != nil && err != tasks.ErrClosed {
		t.Errorf("Shutdown: %v", err)
	}
	n.pool.Close()
}

// jobRow is what the tests read back from river_job.
type jobRow struct {
	ID       int64
	State    string
	Attempt  int
	Max      int
	Priority int
	Errors   int
	Tags     []string
	Args     string
	Sched    time.Time
}

// jobs lists the jobs of queue with the given tasks kind, oldest first.
func jobs(t testing.TB, pool *pgxpool.Pool, queue, kind string) []jobRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		SELECT id, state::text, attempt, max_attempts, priority, coalesce(array_length(errors, 1), 0),
		       tags, args::text, scheduled_at
		FROM river_job WHERE queue = $1 AND args->>'kind' = $2 ORDER BY id`, queue, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var r jobRow
		if err := rows.Scan(&r.ID, &r.State, &r.Attempt, &r.Max, &r.Priority, &r.Errors, &r.Tags, &r.Args, &r.Sched); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitFor polls cond, a condition in the database that other goroutines or
// processes bring about, until it holds; it fails the test after limit,
// which only guards against a hang.
func waitFor(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitState waits until the only job of kind in queue is in state, and
// returns it.
func waitState(t testing.TB, pool *pgxpool.Pool, queue, kind, state string) jobRow {
	t.Helper()
	var last []jobRow
	waitFor(t, 2*time.Minute, kind+" job "+state, func() bool {
		last = jobs(t, pool, queue, kind)
		return len(last) == 1 && last[0].State == state
	})
	return last[0]
}

// checkLeaks fails t when goroutines started since are still running ten
// seconds after the deferred call.
func checkLeaks(t testing.TB) func() {
	t.Helper()
	return leakcheck.Check(t)
}
