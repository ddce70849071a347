package testclient_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stdapi/stdapi/deps"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/testclient"
)

// After Wait, what the request's background task did is visible. The
// variables are written by the task's goroutine and read by the test without
// a lock: under -race this also proves that Wait orders the two.
func TestWaitForTasks(t *testing.T) {
	for _, delay := range []time.Duration{0, 10 * time.Millisecond, 50 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			t.Parallel()
			var sent []string
			h := tasks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				name := r.URL.Query().Get("name")
				for _, subject := range []string{"welcome", "tips"} {
					err := tasks.Add(r.Context(), func(ctx context.Context) error {
						time.Sleep(delay)
						sent = append(sent, subject+" "+name)
						return nil
					})
					if err != nil {
						t.Error(err)
					}
				}
				w.WriteHeader(http.StatusAccepted)
			}))
			c := testclient.New(t, h)
			res := c.Post("/signup?name=ada")
			if res.StatusCode != 202 {
				t.Fatalf("status %d", res.StatusCode)
			}
			res.Wait()
			if got := fmt.Sprint(sent); got != "[welcome ada tips ada]" {
				t.Errorf("after Wait, sent %s", got)
			}
		})
	}
}

// Dependency cleanups are waited for too, after the tasks that may still use
// the value.
func TestWaitForCleanups(t *testing.T) {
	t.Parallel()
	var log []string
	conn := deps.NewWithCleanup(func(r *http.Request) (string, func(error), error) {
		log = append(log, "open")
		return "conn", func(err error) {
			time.Sleep(20 * time.Millisecond)
			log = append(log, fmt.Sprintf("close (%v)", err))
		}, nil
	})
	h := deps.Scope(tasks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := conn.From(r.Context())
		if err != nil {
			t.Error(err)
		}
		_ = tasks.Add(r.Context(), func(context.Context) error {
			log = append(log, "task uses "+v)
			return nil
		})
	})))
	c := testclient.New(t, h)
	c.Get("/").Wait()
	if got := fmt.Sprint(log); got != "[open task uses conn close (<nil>)]" {
		t.Errorf("after Wait: %s", got)
	}
}

// Wait returns at once when nothing was deferred, and when no scope was
// opened at all.
func TestWaitNothingDeferred(t *testing.T) {
	t.Parallel()
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for name, h := range map[string]http.Handler{"scope": tasks.Middleware(plain), "no scope": plain} {
		c := testclient.New(t, h)
		c.WaitTimeout = time.Second
		start := time.Now()
		c.Get("/").Wait()
		c.Wait()
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s: Wait took %v", name, d)
		}
	}
}

// One request's Wait does not wait for another's tasks, even on one handler:
// the slow request's task is released only once the fast one's Wait has
// returned, so waiting for both would time out.
func TestWaitIsPerRequest(t *testing.T) {
	release := make(chan struct{})
	var slowDone, fastDone bool
	h := tasks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slow := r.URL.Path == "/slow"
		_ = tasks.Add(r.Context(), func(context.Context) error {
			if slow {
				<-release
				slowDone = true
			} else {
				fastDone = true
			}
			return nil
		})
	}))
	c := testclient.New(t, h)
	c.WaitTimeout = 5 * time.Second
	slow := c.Get("/slow")
	c.Get("/fast").Wait()
	if !fastDone {
		t.Error("the fast request's task has not run after its Wait")
	}
	close(release)
	slow.Wait()
	if !slowDone {
		t.Error("the slow request's task has not run after its Wait")
	}
}

// Requests of tests running in parallel, on one shared handler, each wait
// for their own tasks only.
func TestWaitParallel(t *testing.T) {
	results := make(map[string]*string)
	for i := range 8 {
		results[fmt.Sprint(i)] = new(string)
	}
	h := tasks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("id")
		n, _ := strconv.Atoi(id)
		_ = tasks.Add(r.Context(), func(context.Context) error {
			time.Sleep(time.Duration(n) * 5 * time.Millisecond)
			*results[id] = "done " + id
			return nil
		})
	}))
	for id, got := range results {
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			testclient.New(t, h).Get("/?id=" + id).Wait()
			if *got != "done "+id {
				t.Errorf("after Wait: %q", *got)
			}
		})
	}
}

func TestWaitTimeout(t *testing.T) {
	release := make(chan struct{})
	h := tasks.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = tasks.Add(r.Context(), func(context.Context) error { <-release; return nil })
	}))
	f := &failT{TB: t}
	c := testclient.New(f, h)
	c.WaitTimeout = 50 * time.Millisecond
	res := c.Get("/stuck")
	got := f.run(res.Wait)
	got = append(got, f.run(c.Wait)...)
	want := []string{
		"testclient: GET /stuck: deferred functions still running after 50ms",
		"testclient: 1 request(s) still running after 50ms",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("failures %q, want %q", got, want)
	}
	close(release)
	res.Wait()
}
