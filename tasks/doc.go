// Package tasks runs work in the background: per-request tasks that run after
// the response has been sent, the Go twin of FastAPI's BackgroundTasks, and
// an in-process job queue with named, typed jobs, retries and a graceful
// drain, behind a Backend interface that a durable store can implement.
//
//	mux.HandleFunc("POST /send-notification/{email}", func(w http.ResponseWriter, r *http.Request) {
//		email := r.PathValue("email")
//		tasks.Add(r.Context(), func(ctx context.Context) error {
//			return sendMail(ctx, email, "some notification")
//		})
//		fmt.Fprintln(w, `{"message":"Notification sent in the background"}`)
//	})
//	srv := &http.Server{Addr: "127.0.0.1:8000", Handler: tasks.Middleware(mux)}
//	go srv.ListenAndServe()
//	<-stop
//	srv.Shutdown(ctx)                 // no new requests; handlers finish
//	tasks.Default().Shutdown(ctx)     // their background tasks finish
//
// # Per-request tasks
//
// Add queues a function for after the response to the current request; it
// can be called from the handler and from everything the handler calls with
// the request's context, such as dependencies. Middleware (or
// Runner.Middleware, for a Runner with its own Options) must wrap the
// handler. The tasks of a request run one after the other, in the order they
// were added, in one goroutine started once the handler has returned and the
// response has been flushed: the client has its complete response while the
// tasks run, and is never kept waiting for them.
//
// Each task gets a context carrying the values of the context given to Add —
// the authenticated principal, dependency values, trace ids are still
// visible — without its cancellation or deadline (context.WithoutCancel): a
// client that disconnects does not cancel the tasks. The task's context ends
// when the Runner's timeout passes or when Runner.Shutdown gives up.
//
// Options, and their defaults:
//
//   - Timeout bounds each task: DefaultTimeout (one minute) when zero, none
//     when negative.
//   - Logger receives failed tasks: slog.Default() when nil.
//
// A task that returns an error or panics is logged with log/slog (panics as
// a *stdapi.PanicError, with their stack) and the next tasks still run. This
// differs from FastAPI, where an exception in one background task stops the
// tasks after it. http.ErrAbortHandler has no handler to abort once the
// response is sent: a task panicking with it is a failure like any other.
//
// When the request fails — stdapi.WriteError answered it, stdapi.Fail marked
// it, or its handler panicked — its tasks are skipped (and logged at level
// Debug), as FastAPI skips the background tasks of a request that raised.
// Tasks added with EvenOnError run anyway, and can read the outcome with
// stdapi.RequestError.
//
// # Order with dependency cleanups
//
// Per-request tasks use the request scope of the stdapi package, the seam
// shared with package deps: whichever middleware opens the scope, tasks and
// dependency cleanups run in the same goroutine after the response. The
// cleanups that dependencies register during the request run last-in
// first-out, and the task list is registered when the handler returns, after
// all of them: background tasks therefore run before dependency cleanups,
// whatever the order of the middlewares, as in FastAPI. A task may still use
// a database session that a dependency closes.
//
// When another middleware (deps.Scope) opened the scope and no tasks
// Middleware wraps the handler, Add still works: the tasks run with the
// default Runner after the cleanups registered before the first Add. Mount
// Middleware for the guaranteed order.
//
// # Shutdown
//
// Runner.Shutdown waits for the requests inside its Middleware and for their
// tasks, until its context is done; then it cancels the contexts of tasks
// still running, skips tasks not started, and reports how many there were.
// Call it after http.Server.Shutdown, which waits for handlers but not for
// background work. Runner.Wait waits without a deadline. The dependency
// cleanups that run after the tasks (package deps) are not the Runner's:
// stdapi.WaitDeferred waits for both, for every request scope.
//
// # Queue
//
// NewQueue starts a queue. Register binds a kind to a handler taking a typed
// payload; Enqueue encodes the payload as JSON and submits a job of that
// kind:
//
//	q, err := tasks.NewQueue(tasks.QueueOptions{Workers: 8})
//	tasks.Register(q, "welcome-email", func(ctx context.Context, w Welcome) error {
//		return mailer.Send(ctx, w.Email, "Welcome!")
//	})
//	err = tasks.Enqueue(ctx, q, "welcome-email", Welcome{Email: "bob@example.com"})
//	expvar.Publish("tasks", q.ExpvarFunc())
//	...
//	err = q.Shutdown(ctx) // stop intake, drain, report what did not finish
//
// QueueOptions, and their defaults:
//
//   - Backend: in-memory when nil; the options marked "in-memory" configure it.
//   - Workers: DefaultWorkers (4) jobs run at once.
//   - Buffer: DefaultBuffer (1024) jobs may wait to run.
//   - FailFast: false, so Enqueue waits for room until its context is done;
//     when true, Enqueue returns ErrFull at once.
//   - MaxBacklog: none; when set, Enqueue returns ErrFull at once when the
//     jobs waiting and running would take longer than that to finish, at
//     the mean duration of recent attempts. Set it below the time Shutdown
//     is given, so that what the queue accepts can drain (an HTTP handler
//     answers ErrFull with 503 and Retry-After).
//   - Backoff: retries after 1s, 2s, 4s, ... capped at five minutes, each
//     spread by ±20% jitter.
//   - MaxAttempts: DefaultMaxAttempts (5) attempts per job, the first included.
//   - Timeout: one minute per attempt; none when negative.
//   - Logger: slog.Default() when nil.
//   - Now, Sleep, Rand: the clock and the randomness of the in-memory
//     backend, for tests; time.Now, a timer and math/rand/v2 when nil.
//
// A handler's error decides the job's fate: nil completes it, an error
// wrapped with Permanent or on the last attempt fails it, any other error
// retries it after the backoff delay. Panics are recovered and count as
// errors.
//
// # Shutdown of the queue
//
// Shutdown stops intake (Enqueue returns ErrClosed) and drains: every job
// accepted runs, retries included, before it returns nil. At its deadline
// it cancels the attempts in progress and returns a *ShutdownError that
// hands back, with kind and payload, every job accepted and not finished:
// running (even on its last attempt), queued, or waiting for a retry or its
// run-at time. Nothing accepted vanishes: each job either finished or is in
// the error, once. The queue forgets them; a program that must keep them
// saves them (a Job encodes to JSON) and gives them to the next Queue with
// Requeue:
//
//	var serr *tasks.ShutdownError
//	if errors.As(q.Shutdown(ctx), &serr) {
//		for _, j := range serr.Jobs() {
//			line, _ := json.Marshal(j) // {"id":"7","kind":"welcome-email","payload":{...},...}
//			...                        // append line to a file
//		}
//	}
//	// after the restart, for each saved line:
//	var j tasks.Job
//	err = json.Unmarshal(line, &j)
//	err = q.Requeue(ctx, &j)
//
// A queue that accepts more than it can run before its shutdown deadline
// hands much back; MaxBacklog keeps the backlog within what drains in time,
// by refusing jobs (ErrFull) while the backlog is long.
//
// Delivery is at least once. A job may run again after an attempt that did
// part of its work, and, with a durable backend, after a crash at the wrong
// moment: handlers must be idempotent (use a unique key, an upsert, or a
// check of what was already done). The in-memory backend loses the jobs it
// holds when the process dies; a durable Backend (such as one on River and
// Postgres) keeps them. Job carries what such a backend maps onto its own
// features: RunAt, UniqueKey, MaxAttempts, Queue and Priority; the in-memory
// backend honours the first three and runs jobs in arrival order.
//
// Stats counts jobs enqueued, queued, running, succeeded, failed and retried;
// ExpvarFunc publishes them with expvar.
package tasks
