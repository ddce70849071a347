package river

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"
	"github.com/stdapi/stdapi/tasks"
)

// Defaults of Options.
const (
	// DefaultWorkers is how many jobs of the default queue a node runs at
	// once when Options.Queues is nil.
	DefaultWorkers = 10
	// DefaultUnknownKindDelay is how long a job whose kind this node has no
	// handler for waits before it is offered again.
	DefaultUnknownKindDelay = 10 * time.Second
	// DefaultUnknownKindLimit is how many times a job whose kind has no
	// handler is put back before it is cancelled: ten minutes at
	// DefaultUnknownKindDelay, for a rolling deploy to finish.
	DefaultUnknownKindLimit = 60
	// DefaultRescueStuckJobsAfter is how long a job may stay running before
	// it is considered abandoned, River's default.
	DefaultRescueStuckJobsAfter = time.Hour
)

// Options configures a Backend. The zero value works the default queue with
// DefaultWorkers workers.
type Options struct {
	// Queues maps the River queues this node works to how many jobs of each
	// it runs at once. Nil means {"default": DefaultWorkers}; a job sent to
	// a queue that no node works waits in Postgres until one does.
	Queues map[string]int
	// InsertOnly makes a node that enqueues jobs but runs none: a web
	// front-end whose jobs other nodes work. Queues is ignored. False by
	// default.
	InsertOnly bool
	// Migrate runs River's migrations (see Migrate) in New. False by
	// default: New then checks that the schema is up to date and fails if
	// it is not.
	Migrate bool
	// Backoff spaces the retries of failed attempts, as in the in-memory
	// queue: its zero value starts at one second, doubles, caps at five
	// minutes and jitters by ±20%.
	Backoff tasks.Backoff
	// RescueStuckJobsAfter is how long a job may stay running before River
	// considers its worker dead (a crashed or killed process) and runs it
	// again on any node. Zero means DefaultRescueStuckJobsAfter (one hour).
	// An attempt still running then has its context cancelled. It must
	// exceed the longest attempt (tasks.QueueOptions.Timeout), or a slow
	// job that is still running is started a second time.
	RescueStuckJobsAfter time.Duration
	// UnknownKindDelay is how long a job of a kind that has no handler on
	// this node is put back before it is offered again, without using an
	// attempt: during a rolling deploy another node may know the kind. Zero
	// means DefaultUnknownKindDelay (10s).
	UnknownKindDelay time.Duration
	// UnknownKindLimit is how many times such a job is put back, by any
	// node, before the node that fetches it next cancels it, with one log
	// line at level Error: River keeps the cancelled row, with its error,
	// where an operator can retry it (Client().JobRetry). Zero means
	// DefaultUnknownKindLimit (60); a negative value puts it back forever.
	UnknownKindLimit int
	// Logger receives River's own logs and this package's (jobs of unknown
	// kinds). Nil means slog.Default().
	Logger *slog.Logger
	// Configure, when not nil, may change River's configuration after this
	// package has filled it in, before the client is created: periodic
	// jobs, error handlers, retention periods, fetch intervals. It must
	// leave alone what the fields above set: Workers, Queues, JobTimeout,
	// RescueStuckJobsAfter and RetryPolicy.
	Configure func(*river.Config)
}

// Backend is a tasks.Backend that stores jobs in PostgreSQL with River and
// runs them on every node that works their queue. Create it with New, give
// it to tasks.NewQueue, and stop it with the Queue's Shutdown.
type Backend struct {
	client       *river.Client[pgx.Tx]
	insertOnly   bool
	unknown      time.Duration
	unknownLimit int
	logger       *slog.Logger
	adds         tracker // requests whose Add jobs are not inserted yet

	mu      sync.Mutex
	worker  tasks.Worker
	closed  bool
	started bool
	running map[int64]*tasks.Job
}

// New returns a Backend on pool. With Options.Migrate it first runs River's
// migrations; otherwise it fails when they have not been run. The Backend
// starts working jobs when tasks.NewQueue starts it. The pool stays the
// caller's: Shutdown does not close it.
func New(ctx context.Context, pool *pgxpool.Pool, opts Options) (*Backend, error) {
	if pool == nil {
		return nil, errors.New("tasks/river: New with a nil pool")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if opts.Migrate {
		if _, err := migrate(ctx, pool, logger); err != nil {
			return nil, err
		}
	} else if err := checkSchema(ctx, pool, logger); err != nil {
		return nil, err
	}
	b := &Backend{
		insertOnly: opts.InsertOnly,
		unknown:    opts.UnknownKindDelay,
		logger:     logger,
		running:    map[int64]*tasks.Job{},
	}
	if b.unknown <= 0 {
		b.unknown = DefaultUnknownKindDelay
	}
	b.unknownLimit = opts.UnknownKindLimit
	if b.unknownLimit == 0 {
		b.unknownLimit = DefaultUnknownKindLimit
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &dispatcher{b: b}); err != nil {
		return nil, fmt.Errorf("tasks/river: %w", err)
	}
	rescue := opts.RescueStuckJobsAfter
	if rescue <= 0 {
		rescue = DefaultRescueStuckJobsAfter
	}
	cfg := &river.Config{
		Logger:  logger,
		Workers: workers,
		// tasks.QueueOptions.Timeout bounds each attempt. River's own timeout
		// must still be set, as its rescuer leaves alone the jobs that have
		// none: it is the rescue delay, after which the attempt is abandoned
		// anyway.
		JobTimeout:           rescue,
		RescueStuckJobsAfter: rescue,
		RetryPolicy:          retryPolicy{opts.Backoff},
	}
	if !opts.InsertOnly {
		cfg.Queues = map[string]river.QueueConfig{}
		for name, n := range opts.Queues {
			if n <= 0 {
				return nil, fmt.Errorf("tasks/river: queue %q has %d workers", name, n)
			}
			cfg.Queues[name] = river.QueueConfig{MaxWorkers: n}
		}
		if opts.Queues == nil {
			cfg.Queues[river.QueueDefault] = river.QueueConfig{MaxWorkers: DefaultWorkers}
		}
	}
	if opts.Configure != nil {
		opts.Configure(cfg)
	}
	client, err := river.NewClient(riverpgxv5.New(pool), cfg)
	if err != nil {
		return nil, fmt.Errorf("tasks/river: %w", err)
	}
	b.client = client
	return b, nil
}

// Client returns the River client, for what this package does not cover:
// listing and cancelling jobs, queue pauses, River UI.
func (b *Backend) Client() *river.Client[pgx.Tx] { return b.client }

// Start begins working jobs with w on the configured queues, unless the
// Backend is InsertOnly. tasks.NewQueue calls it; it fails when called
// twice or when the database cannot be reached.
//
// Jobs may arrive before their kinds are registered on the Queue: such jobs
// are put back for UnknownKindDelay without using an attempt, at most
// UnknownKindLimit times.
func (b *Backend) Start(w tasks.Worker) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.worker != nil {
		return errors.New("tasks/river: backend started twice")
	}
	if b.closed {
		return tasks.ErrClosed
	}
	b.worker = w
	if !b.insertOnly {
		if err := b.client.Start(context.Background()); err != nil {
			b.worker = nil
			return fmt.Errorf("tasks/river: start River: %w", err)
		}
		b.started = true
	}
	queues.Store(w, b)
	return nil
}

// Enqueue inserts job into River, inside the caller's transaction when the
// job comes from EnqueueTx. It fails with tasks.ErrClosed after Shutdown,
// tasks.ErrDuplicate when a job with the same unique key is waiting or
// running, or the database's error.
func (b *Backend) Enqueue(ctx context.Context, job *tasks.Job) error {
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return tasks.ErrClosed
	}
	args, opts, err := insertArgs(job)
	if err != nil {
		return err
	}
	if p, ok := ctx.Value(prepareKey{}).(*prepared); ok {
		p.job = job
		return errPrepared
	}
	var res *rivertype.JobInsertResult
	if tx, ok := ctx.Value(txKey{}).(pgx.Tx); ok {
		res, err = b.client.InsertTx(ctx, tx, args, opts)
	} else {
		res, err = b.client.Insert(ctx, args, opts)
	}
	if err != nil {
		return fmt.Errorf("tasks/river: insert %s: %w", job.Kind, err)
	}
	if res.UniqueSkippedAsDuplicate {
		return tasks.ErrDuplicate
	}
	job.ID = strconv.FormatInt(res.Job.ID, 10)
	return nil
}

// Shutdown stops intake (Enqueue returns tasks.ErrClosed) once the jobs
// added with Add to finished requests are inserted, then stops fetching jobs
// and waits for the attempts running on this node. When ctx is done first,
// it cancels their contexts and returns a *tasks.ShutdownError listing them
// as Running. Nothing is lost either way: an interrupted attempt is retried,
// and jobs waiting stay in Postgres for the next node that works their
// queue. A second call returns tasks.ErrClosed.
func (b *Backend) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return tasks.ErrClosed
	}
	b.mu.Unlock()
	addErr := b.adds.wait(ctx)
	b.mu.Lock()
	b.closed = true
	started, w := b.started, b.worker
	b.mu.Unlock()
	if w != nil {
		queues.Delete(w)
	}
	if !started {
		if addErr != nil {
			return &tasks.ShutdownError{Err: addErr}
		}
		return nil
	}
	err := addErr
	if err == nil {
		err = b.client.Stop(ctx)
		if err == nil {
			return nil
		}
	}
	serr := &tasks.ShutdownError{Err: err, Running: b.runningJobs()}
	// Cancel the attempts still running and return at once: they finish in
	// the background, and River retries or rescues them later.
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_ = b.client.StopAndCancel(done)
	return serr
}

func (b *Backend) runningJobs() []*tasks.Job {
	b.mu.Lock()
	defer b.mu.Unlock()
	jobs := make([]*tasks.Job, 0, len(b.running))
	for _, j := range b.running {
		jobs = append(jobs, j)
	}
	return jobs
}

// queues maps each *tasks.Queue (the Worker a Backend was started with) to
// its Backend, so that EnqueueTx and Add can check that a Queue stores its
// jobs in River before they rely on it.
var queues sync.Map

func backendOf(q *tasks.Queue) (*Backend, error) {
	if q == nil {
		return nil, errors.New("tasks/river: nil queue")
	}
	v, ok := queues.Load(q)
	if !ok {
		return nil, ErrNotRiver
	}
	return v.(*Backend), nil
}

// ErrNotRiver is returned by EnqueueTx and Add for a Queue whose backend is
// not a running river Backend: another backend, or one shut down.
var ErrNotRiver = errors.New("tasks/river: the queue's backend is not a running river.Backend")
