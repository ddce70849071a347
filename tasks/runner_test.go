package tasks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

// logRecorder collects slog records as JSON objects.
type logRecorder struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logRecorder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logRecorder) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (l *logRecorder) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	dec := json.NewDecoder(bytes.NewReader(l.buf.Bytes()))
	for dec.More() {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("log record: %v", err)
		}
		out = append(out, m)
	}
	return out
}

// journal records events from several goroutines in order.
type journal struct {
	mu     sync.Mutex
	events []string
}

func (j *journal) add(e string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.events = append(j.events, e)
}

func (j *journal) get() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.events)
}

func record(j *journal, name string) func(context.Context) error {
	return func(context.Context) error { j.add(name); return nil }
}

// serve runs one request through h, recovering a re-raised handler panic.
func serve(h http.Handler, method, target string) (rec *httptest.ResponseRecorder, panicked any) {
	rec = httptest.NewRecorder()
	func() {
		defer func() { panicked = recover() }()
		h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	}()
	return rec, panicked
}

func TestTasksRunInOrderAfterResponse(t *testing.T) {
	defer leakcheck.Check(t)()
	r := tasks.New(tasks.Options{})
	var j journal
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		for _, name := range []string{"first", "second", "third"} {
			if err := tasks.Add(req.Context(), record(&j, name)); err != nil {
				t.Errorf("Add: %v", err)
			}
		}
		j.add("handler returns")
		io.WriteString(w, "ok")
	}))
	rec, _ := serve(h, "GET", "/")
	r.Wait()
	if rec.Code != 200 || rec.Body.String() != "ok" {
		t.Fatalf("response %d %q", rec.Code, rec.Body)
	}
	want := []string{"handler returns", "first", "second", "third"}
	if got := j.get(); !slices.Equal(got, want) {
		t.Fatalf("events %q, want %q", got, want)
	}
}

// scoped opens the request scope the way deps.Scope does.
func scoped(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stdapi.ServeScoped(w, r, h) })
}

func TestTasksRunBeforeScopeCleanups(t *testing.T) {
	defer leakcheck.Check(t)()
	r := tasks.New(tasks.Options{})
	var j journal
	// The handler defers a cleanup as a dependency does, before and after
	// adding tasks; tasks must run before both cleanups.
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		stdapi.Defer(req.Context(), func(error) { j.add("cleanup 1") })
		tasks.Add(req.Context(), record(&j, "task 1"))
		stdapi.Defer(req.Context(), func(error) { j.add("cleanup 2") })
		tasks.Add(req.Context(), record(&j, "task 2"))
	})
	tests := []struct {
		name string
		h    http.Handler
	}{
		{"tasks middleware alone", r.Middleware(handler)},
		{"tasks inside scope", scoped(r.Middleware(handler))},
		{"tasks outside scope", r.Middleware(scoped(handler))},
		{"tasks nested twice", r.Middleware(r.Middleware(handler))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j = journal{}
			done := make(chan struct{})
			// A cleanup deferred first runs last and tells when all ran.
			outer := scoped(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				stdapi.Defer(req.Context(), func(error) { close(done) })
				tt.h.ServeHTTP(w, req)
			}))
			serve(outer, "GET", "/")
			<-done
			want := []string{"task 1", "task 2", "cleanup 2", "cleanup 1"}
			if got := j.get(); !slices.Equal(got, want) {
				t.Fatalf("events %q, want %q", got, want)
			}
		})
	}
}

func TestTasksOfFailedRequests(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name    string
		outcome func(w http.ResponseWriter, r *http.Request)
		want    []string
		status  int
	}{
		{"success", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(201) },
			[]string{"plain", "even on error"}, 201},
		{"WriteError", func(w http.ResponseWriter, r *http.Request) {
			stdapi.WriteError(w, r, stdapi.NewError(404, "Item not found"))
		}, []string{"even on error"}, 404},
		{"Fail", func(w http.ResponseWriter, r *http.Request) {
			stdapi.Fail(r.Context(), errors.New("upstream gone"))
			w.WriteHeader(502)
		}, []string{"even on error"}, 502},
		{"panic", func(w http.ResponseWriter, r *http.Request) { panic("boom") },
			[]string{"even on error"}, 200},
		{"abort", func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) },
			[]string{"even on error"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs logRecorder
			r := tasks.New(tasks.Options{Logger: logs.logger()})
			var j journal
			h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				tasks.Add(req.Context(), record(&j, "plain"), tasks.Name("plain"))
				tasks.Add(req.Context(), func(ctx context.Context) error {
					// The outcome of the request is visible to the task.
					if failed := stdapi.RequestError(ctx) != nil; failed != (len(tt.want) == 1) {
						t.Errorf("RequestError in task: failed=%v", failed)
					}
					j.add("even on error")
					return nil
				}, tasks.EvenOnError())
				tt.outcome(w, req)
			}))
			rec, _ := serve(h, "GET", "/")
			r.Wait()
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			if got := j.get(); !slices.Equal(got, tt.want) {
				t.Fatalf("ran %q, want %q", got, tt.want)
			}
			if len(tt.want) == 2 {
				return
			}
			recs := logs.records(t)
			if len(recs) != 1 || recs[0]["msg"] != "tasks: background task skipped: the request failed" ||
				recs[0]["task"] != "plain" || recs[0]["level"] != "DEBUG" {
				t.Fatalf("log %v", recs)
			}
		})
	}
}

func TestPanicAndErrorIsolation(t *testing.T) {
	defer leakcheck.Check(t)()
	var logs logRecorder
	r := tasks.New(tasks.Options{Logger: logs.logger()})
	var j journal
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := req.Context()
		tasks.Add(ctx, record(&j, "one"))
		tasks.Add(ctx, func(context.Context) error { panic("task exploded") }, tasks.Name("panics"))
		tasks.Add(ctx, func(context.Context) error { return errors.New("smtp: 554") }, tasks.Name("fails"))
		tasks.Add(ctx, func(context.Context) error { panic(http.ErrAbortHandler) }, tasks.Name("aborts"))
		tasks.Add(ctx, record(&j, "two"))
	}))
	serve(h, "GET", "/")
	r.Wait()
	if got, want := j.get(), []string{"one", "two"}; !slices.Equal(got, want) {
		t.Fatalf("ran %q, want %q", got, want)
	}
	recs := logs.records(t)
	if len(recs) != 3 {
		t.Fatalf("%d log records, want 3: %v", len(recs), recs)
	}
	want := []struct{ task, err string }{
		{"panics", "panic: task exploded"},
		{"fails", "smtp: 554"},
		{"aborts", "panic: net/http: abort Handler"},
	}
	for i, w := range want {
		rec := recs[i]
		if rec["level"] != "ERROR" || rec["msg"] != "tasks: background task failed" ||
			rec["task"] != w.task || rec["error"] != w.err {
			t.Errorf("record %d = %v, want task %q error %q", i, rec, w.task, w.err)
		}
		stack, _ := rec["stack"].(string)
		if isPanic := strings.HasPrefix(w.err, "panic"); isPanic != strings.Contains(stack, "runner_test.go") {
			t.Errorf("record %d: stack %q", i, stack)
		}
	}
}

type ctxKey struct{}

func TestTaskContext(t *testing.T) {
	defer leakcheck.Check(t)()
	tests := []struct {
		name     string
		timeout  time.Duration
		deadline bool
	}{
		{"default timeout", 0, true},
		{"custom timeout", 5 * time.Second, true},
		{"no timeout", -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tasks.New(tasks.Options{Timeout: tt.timeout})
			var got struct {
				value    any
				err      error
				deadline time.Time
				ok       bool
			}
			h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				ctx, cancel := context.WithCancel(context.WithValue(req.Context(), ctxKey{}, "alice"))
				tasks.Add(ctx, func(ctx context.Context) error {
					got.value = ctx.Value(ctxKey{})
					got.err = ctx.Err()
					got.deadline, got.ok = ctx.Deadline()
					return nil
				})
				cancel() // the handler's own context ends before the task runs
			}))
			start := time.Now()
			serve(h, "GET", "/")
			r.Wait()
			if got.value != "alice" || got.err != nil || got.ok != tt.deadline {
				t.Fatalf("task saw value %v, err %v, deadline %v", got.value, got.err, got.ok)
			}
			limit := tt.timeout
			if limit == 0 {
				limit = tasks.DefaultTimeout
			}
			if tt.deadline && (got.deadline.Before(start) || got.deadline.After(time.Now().Add(limit))) {
				t.Fatalf("deadline %v not within %v of the request", got.deadline, limit)
			}
		})
	}
}

func TestAddErrors(t *testing.T) {
	defer leakcheck.Check(t)()
	noop := func(context.Context) error { return nil }
	if err := tasks.Add(context.Background(), noop); !errors.Is(err, tasks.ErrNoMiddleware) ||
		!strings.Contains(err.Error(), "tasks.Middleware") {
		t.Errorf("Add without scope: %v", err)
	}

	r := tasks.New(tasks.Options{})
	ctxs := make(chan context.Context, 2)
	h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if err := tasks.Add(req.Context(), nil); err == nil || err.Error() != "tasks: Add called with a nil function" {
			t.Errorf("Add(nil): %v", err)
		}
		if req.URL.Path == "/with-task" {
			tasks.Add(req.Context(), noop)
		}
		ctxs <- req.Context()
	}))
	for _, path := range []string{"/without-task", "/with-task"} {
		serve(h, "GET", path)
		r.Wait()
		if err := tasks.Add(<-ctxs, noop); !errors.Is(err, tasks.ErrStarted) {
			t.Errorf("%s: Add after the handler returned: %v", path, err)
		}
	}
}

// TestScopeWithoutMiddleware checks that a scope opened by another package
// (deps.Scope) is enough: tasks then run with the default Runner.
func TestScopeWithoutMiddleware(t *testing.T) {
	defer leakcheck.Check(t)()
	var j journal
	h := scoped(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if err := tasks.Add(req.Context(), record(&j, "task")); err != nil {
			t.Errorf("Add: %v", err)
		}
		tasks.Add(req.Context(), record(&j, "task 2"))
	}))
	serve(h, "GET", "/")
	tasks.Default().Wait()
	if got, want := j.get(), []string{"task", "task 2"}; !slices.Equal(got, want) {
		t.Fatalf("ran %q, want %q", got, want)
	}
}

// TestClientGetsResponseWhileTaskRuns serves over a real connection: the
// client reads the whole response while the task is still blocked.
func TestClientGetsResponseWhileTaskRuns(t *testing.T) {
	defer leakcheck.Check(t)()
	r := tasks.New(tasks.Options{})
	started, release, finished := make(chan struct{}), make(chan struct{}), make(chan struct{})
	for _, tt := range []struct{ name, body string }{
		{"content length", "created"},
		{"chunked", strings.Repeat("x", 64<<10)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			started, release, finished = make(chan struct{}), make(chan struct{}), make(chan struct{})
			srv := httptest.NewServer(r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				tasks.Add(req.Context(), func(ctx context.Context) error {
					close(started)
					select {
					case <-release:
					case <-time.After(10 * time.Second): // failure guard: the client is kept waiting
					}
					close(finished)
					return nil
				})
				w.WriteHeader(http.StatusCreated)
				io.WriteString(w, tt.body)
			})))
			defer srv.Close()
			defer srv.Client().CloseIdleConnections()
			res, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != 201 || string(body) != tt.body {
				t.Fatalf("response %d, %d bytes, %v", res.StatusCode, len(body), err)
			}
			select {
			case <-finished:
				t.Fatal("task finished before the client had its response")
			default:
			}
			<-started
			close(release)
			<-finished
			r.Wait()
		})
	}
}

// TestTaskSurvivesClientDisconnect: the client gives up mid-request; the
// task still runs, with a live context.
func TestTaskSurvivesClientDisconnect(t *testing.T) {
	defer leakcheck.Check(t)()
	r := tasks.New(tasks.Options{})
	inHandler := make(chan struct{})
	result := make(chan error, 1)
	srv := httptest.NewServer(r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		tasks.Add(req.Context(), func(ctx context.Context) error {
			result <- ctx.Err()
			return nil
		})
		close(inHandler)
		<-req.Context().Done() // the client went away
	})))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	errc := make(chan error, 1)
	go func() {
		res, err := srv.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		errc <- err
	}()
	<-inHandler
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v", err)
	}
	select {
	case err := <-result:
		if err != nil {
			t.Fatalf("task context: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("task did not run after the client disconnected")
	}
	r.Wait()
}

func TestShutdown(t *testing.T) {
	defer leakcheck.Check(t)()
	t.Run("waits for tasks", func(t *testing.T) {
		r := tasks.New(tasks.Options{})
		release := make(chan struct{})
		var done bool
		h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			tasks.Add(req.Context(), func(ctx context.Context) error {
				<-release
				done = true
				return nil
			})
		}))
		serve(h, "GET", "/")
		errc := make(chan error)
		go func() { errc <- r.Shutdown(context.Background()) }()
		close(release)
		if err := <-errc; err != nil || !done {
			t.Fatalf("Shutdown: %v, task done: %v", err, done)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		var logs logRecorder
		r := tasks.New(tasks.Options{Logger: logs.logger()})
		started, cancelled := make(chan struct{}), make(chan error, 1)
		var j journal
		h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			tasks.Add(req.Context(), func(ctx context.Context) error {
				close(started)
				<-ctx.Done()
				cancelled <- ctx.Err()
				return ctx.Err()
			})
			tasks.Add(req.Context(), record(&j, "never"), tasks.Name("second"))
		}))
		serve(h, "GET", "/")
		<-started
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := r.Shutdown(ctx)
		if !errors.Is(err, context.Canceled) || err.Error() !=
			"tasks: shutdown: 0 request(s) still being served, 2 task(s) of 1 request(s) not finished: context canceled" {
			t.Fatalf("Shutdown: %v", err)
		}
		if err := <-cancelled; !errors.Is(err, context.Canceled) {
			t.Fatalf("running task's context: %v", err)
		}
		r.Wait()
		// A request served after Shutdown has its tasks skipped.
		serve(h, "GET", "/")
		r.Wait()
		if got := j.get(); len(got) != 0 {
			t.Fatalf("tasks ran after Shutdown: %q", got)
		}
		var skipped int
		for _, rec := range logs.records(t) {
			if rec["msg"] == "tasks: background task skipped: runner shut down" && rec["task"] == "second" {
				skipped++
			}
		}
		if skipped != 2 {
			t.Fatalf("%d skip records, want 2: %v", skipped, logs.records(t))
		}
	})
	t.Run("counts requests in flight", func(t *testing.T) {
		r := tasks.New(tasks.Options{})
		inHandler, release := make(chan struct{}), make(chan struct{})
		h := r.Middleware(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			close(inHandler)
			<-release
		}))
		go serve(h, "GET", "/")
		<-inHandler
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := r.Shutdown(ctx)
		if err == nil || err.Error() != "tasks: shutdown: 1 request(s) still being served, 0 task(s) of 0 request(s) not finished: context canceled" {
			t.Fatalf("Shutdown: %v", err)
		}
		close(release)
		r.Wait()
	})
}

func TestUnwrap(t *testing.T) {
	inner := http.NotFoundHandler()
	h := tasks.Middleware(inner)
	u, ok := h.(interface{ Unwrap() http.Handler })
	if !ok || u.Unwrap() == nil {
		t.Fatal("Middleware has no Unwrap")
	}
	rec, _ := serve(h, "GET", "/")
	if rec.Code != 404 {
		t.Fatalf("status %d", rec.Code)
	}
}
