package river_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

func TestAdd(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	worker := newNode(t, queue, river.Options{}, tasks.QueueOptions{})
	defer worker.close(t)
	front := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	welcomed := make(chan string, 4)
	audited := make(chan []string, 4)
	for _, q := range []*tasks.Queue{worker.q, front.q} {
		tasks.Register(q, "welcome", func(ctx context.Context, g greeting) error {
			welcomed <- g.Name
			return nil
		})
		tasks.Register(q, "audit", func(ctx context.Context, lines []string) error {
			audited <- lines
			return nil
		})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("POST /signup/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if err := river.Add(r.Context(), front.q, "welcome", greeting{Name: name}, tasks.QueueName(queue)); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		lines := []string{"signup " + name}
		if err := river.Add(r.Context(), front.q, "audit", lines, tasks.QueueName(queue)); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		lines[0] = "changed after Add" // the job keeps what was added
		if name == "taken" {
			stdapi.WriteError(w, r, stdapi.NewError(http.StatusConflict, "name taken"))
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	h := tasks.New(tasks.Options{}).Middleware(mux)

	tests := []struct {
		name   string
		status int
		jobs   int
	}{
		{"ada", http.StatusCreated, 1},
		{"taken", http.StatusConflict, 0}, // a failed request enqueues nothing
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/signup/"+tt.name, nil))
		if rec.Code != tt.status {
			t.Errorf("%s: status %d, want %d: %s", tt.name, rec.Code, tt.status, rec.Body)
		}
	}
	// Shutdown waits for the insertions that follow the responses.
	front.close(t)
	for _, kind := range []string{"welcome", "audit"} {
		if rows := jobs(t, worker.pool, queue, kind); len(rows) != 1 {
			t.Errorf("%d %s job(s), want 1 (for ada only)", len(rows), kind)
		}
	}
	select {
	case name := <-welcomed:
		if name != "ada" {
			t.Errorf("welcomed %q, want ada", name)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("welcome job not processed")
	}
	select {
	case lines := <-audited:
		if len(lines) != 1 || lines[0] != "signup ada" {
			t.Errorf("audit payload %q, want the lines as added", lines)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("audit job not processed")
	}
}

func TestAddErrors(t *testing.T) {
	defer checkLeaks(t)()
	queue := queueName(t)
	front := newNode(t, queue, river.Options{InsertOnly: true}, tasks.QueueOptions{})
	defer front.close(t)
	tasks.Register(front.q, "known", func(ctx context.Context, g greeting) error { return nil })
	mem, err := tasks.NewQueue(tasks.QueueOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Shutdown(context.Background())
	tasks.Register(mem, "known", func(ctx context.Context, g greeting) error { return nil })

	// Inside a request: the errors that do not depend on the scope.
	var inside []error
	var reqCtx context.Context
	h := tasks.New(tasks.Options{}).Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqCtx = r.Context()
		inside = []error{
			river.Add(r.Context(), mem, "known", greeting{}),
			river.Add(r.Context(), front.q, "nope", greeting{}),
			river.Add(r.Context(), front.q, "known", 42),
			river.Add(r.Context(), front.q, "known", greeting{}, tasks.Priority(9)),
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))

	tests := []struct {
		name string
		err  error
		want error
	}{
		{"memory queue", inside[0], river.ErrNotRiver},
		{"unknown kind", inside[1], tasks.ErrUnknownKind},
		{"wrong payload", inside[2], nil},
		{"bad priority", inside[3], nil},
		{"no request scope", river.Add(context.Background(), front.q, "known", greeting{}), tasks.ErrNoMiddleware},
		{"after the handler returned", river.Add(reqCtx, front.q, "known", greeting{}), tasks.ErrStarted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(tt.err, tt.want) {
				t.Errorf("error %v, want %v", tt.err, tt.want)
			}
		})
	}
	if err := front.q.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rows := jobs(t, front.pool, queue, "known"); len(rows) != 0 {
		t.Errorf("%d job(s) inserted", len(rows))
	}
}
