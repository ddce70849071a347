// Package river is a durable backend for the job queue of package tasks: it
// stores jobs in PostgreSQL with River (github.com/riverqueue/river), so
// that they survive restarts and crashes and run on every node that works
// their queue. Handlers are registered, and jobs enqueued, through the tasks
// API, exactly as with the in-memory queue.
//
//	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
//	...
//	b, err := river.New(ctx, pool, river.Options{Migrate: true})
//	...
//	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b})
//	...
//	tasks.Register(q, "welcome-email", func(ctx context.Context, w Welcome) error {
//		return mailer.Send(ctx, w.Email, "Welcome!")
//	})
//	err = tasks.Enqueue(ctx, q, "welcome-email", Welcome{Email: "bob@example.com"},
//		tasks.UniqueKey("welcome:bob@example.com"))
//	...
//	<-stop
//	srv.Shutdown(ctx)  // no new requests
//	q.Shutdown(ctx)    // stop fetching; attempts in progress finish
//	pool.Close()
//
// # What maps to what
//
// Every job is a River job of one kind, Kind ("stdapi.task"), whose
// arguments hold the tasks kind, the payload and the unique key:
//
//	{"kind":"welcome-email","payload":{"email":"bob@example.com"},"unique_key":"welcome:bob@example.com"}
//
// River wants its workers registered before its client starts, while
// tasks.NewQueue starts the backend before Register is called; one River
// worker that dispatches to the Queue by the tasks kind needs no
// registration per kind. The tasks kind is also the job's tag in River's
// tables and UI, when it is a valid tag (letters, digits, "_" and "-").
//
//   - Queue (tasks.QueueName) is the River queue; "" is River's "default".
//   - Priority (tasks.Priority) is River's priority, 1 (highest) to 4; 0
//     means River's default, 1. Other values are refused by Enqueue.
//   - RunAt (tasks.RunAt) schedules the job; a time in the past runs it now.
//   - MaxAttempts counts attempts, the first included, as in tasks.
//   - UniqueKey (tasks.UniqueKey) makes Enqueue fail with
//     tasks.ErrDuplicate while a job with the same key, of any kind, is
//     scheduled, available, running or waiting for a retry — as with the
//     in-memory backend, and unlike River's default, which also counts
//     completed jobs. Racing enqueues on several nodes insert one job.
//
// A handler's error decides the job's fate as with the in-memory queue: nil
// completes it; an error retries it after the Options.Backoff delay until
// its attempts are used up, when River discards it; an error wrapped with
// tasks.Permanent cancels it at once. Panics are recovered by the Queue and
// count as errors. Each failed attempt's error text is stored in the job's
// row (River's errors column), where operators can read it. The attempt's
// context has the Queue's Timeout (tasks.QueueOptions.Timeout).
//
// A node may receive a job whose kind it has no handler for: one of a newer
// version during a rolling deploy, or any job before the program has called
// Register. The job is put back for UnknownKindDelay without using an
// attempt, for a node that knows the kind, at most UnknownKindLimit times
// (60 by default: ten minutes), counted across nodes in the job's River
// metadata ("snoozes"). Then the node that fetches it cancels it: River
// keeps the cancelled row with its error, for its retention period (24
// hours by default), where Client().JobRetry can bring it back. The first
// put-back is logged at level Warn, later ones at Debug, the cancellation
// at Error, on Options.Logger; the job never ran, so Stats counts it neither
// as failed nor as succeeded.
//
// Payloads are stored as Postgres jsonb, which refuses the NUL character in
// strings: Enqueue returns the database's error for such a payload.
//
// # Delivery and crashes
//
// Delivery is at least once. Enqueue returns once Postgres has committed
// the job's row: from then on a crash of the process, of the machine or of
// Postgres itself loses nothing, provided Postgres runs with its durable
// settings (fsync and synchronous_commit on, its defaults; this module's
// crash test checks it with pg_ctl stop -m immediate). The reverse does not
// hold: an Enqueue that fails because the connection broke may have
// committed its job all the same; a caller that retries it gives the job a
// UniqueKey, so that the retry does not insert it twice. A job is locked by
// one node at a time. What can repeat:
//
//   - A node that dies mid-job (crash, SIGKILL, lost machine) leaves it
//     marked running. After RescueStuckJobsAfter (one hour by default)
//     River's leader — any live node — counts that attempt as failed and
//     schedules a retry, after the Backoff delay: the handler runs again
//     from its start, whatever the first run had done. River's leader
//     looks every 30 seconds, and a new leader is elected within about 15
//     seconds when the dead node was the leader, so the rescue comes up to
//     45 seconds after RescueStuckJobsAfter.
//   - A job whose last attempt (MaxAttempts) was killed is discarded by the
//     rescue, not run again: give jobs that must survive a crash at least 2
//     attempts.
//   - A job that completed just before its node died, before River recorded
//     it, is rescued and runs again.
//   - An attempt that Shutdown cancels is retried later, by this node or
//     another.
//
// Handlers must be idempotent. RescueStuckJobsAfter must exceed the longest
// attempt (tasks.QueueOptions.Timeout, one minute by default), or a slow
// job is rescued while it still runs and runs twice at once; River also
// cancels an attempt's context when it has run that long.
//
// # Transactions
//
// EnqueueTx enqueues inside the caller's pgx transaction: the job exists if
// and only if the transaction commits, and no worker sees it before. This is
// the way to tie a job to a change in the database (a signup and its
// welcome email):
//
//	tx, err := pool.Begin(ctx)
//	...
//	err = river.EnqueueTx(ctx, tx, q, "welcome-email", Welcome{Email: email})
//	...
//	err = tx.Commit(ctx)
//
// # After the response
//
// Add is the durable twin of tasks.Add: called during a request (wrapped by
// tasks.Middleware or deps.Scope), it checks the job at once and inserts it
// after the response, if the request succeeded; the jobs added to one
// request are inserted together. They are lost if the process dies between
// the response and the insertion, which EnqueueTx avoids.
//
// # Migrations
//
// River's tables are created and upgraded by its migrations, which New does
// not run unless Options.Migrate is set (it fails with ErrSchema on a
// database that needs them). Run them at start-up with Migrate or
// Options.Migrate (nodes starting together take turns, under an advisory
// lock), or before deploying with this module's command:
//
//	go run github.com/stdapi/stdapi/tasks/river/cmd/migrate -database-url "$DATABASE_URL"
//
// or with River's own CLI, which applies the same migrations:
//
//	go install github.com/riverqueue/river/cmd/river@latest
//	river migrate-up --database-url "$DATABASE_URL"
//
// Prefer the River CLI version that matches the River version of this
// module's go.mod (v0.51.1 as written), so that both agree on the schema.
//
// # A whole service
//
// This module's command showcase serves the stdapi showcase
// (examples/showcase/app) with the report jobs of its POST /reports in
// PostgreSQL: it builds a pgxpool, a Backend with Options.Migrate, and on
// SIGINT or SIGTERM drains the Queue before closing the pool. Its flag
// -rescue-stuck-jobs-after sets Options.RescueStuckJobsAfter (default one
// hour), to see a job of a killed instance run again sooner.
//
//	cd tasks/river && go run ./cmd/showcase -database-url "$DATABASE_URL" -rescue-stuck-jobs-after 2m
//
// # Options and their defaults
//
//   - Queues: the River queues this node works and how many jobs of each it
//     runs at once; nil means {"default": DefaultWorkers (10)}.
//   - InsertOnly: false; true makes a node that enqueues but works nothing.
//   - Migrate: false; true runs Migrate in New.
//   - Backoff: the tasks.Backoff zero value: 1s, doubling, capped at five
//     minutes, ±20% jitter.
//   - RescueStuckJobsAfter: DefaultRescueStuckJobsAfter (one hour).
//   - UnknownKindDelay: DefaultUnknownKindDelay (10s).
//   - UnknownKindLimit: DefaultUnknownKindLimit (60) put-backs, then the job
//     is cancelled; negative: put back forever.
//   - Logger: slog.Default() for River's own logs.
//   - Configure: nil; a function that may adjust River's configuration
//     (periodic jobs, retention, fetch intervals) before the client is made.
//
// The in-memory options of tasks.QueueOptions (Workers, Buffer, FailFast,
// Backoff, Now, Sleep, Rand) do not apply: Options.Queues and
// Options.Backoff take their place. MaxAttempts, Timeout and Logger do.
//
// # Shutdown
//
// Queue.Shutdown waits for the jobs added with Add to finished requests to
// be inserted, stops intake (tasks.ErrClosed), stops fetching and waits for
// the attempts in progress on this node. When its context is done first,
// it cancels them and returns a *tasks.ShutdownError listing them as
// Running; they are retried later, by this node or another. Jobs waiting
// stay in Postgres. Stats.Queued is not reported: the queue is the
// database, shared by all nodes; River's UI or Backend.Client shows it.
package river
