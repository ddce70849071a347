package tasks_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
)

// The Go twin of FastAPI's BackgroundTasks example: the client gets its
// answer at once, the notification is written after the response.
func Example() {
	var mu sync.Mutex
	var sent []string
	writeNotification := func(email, message string) func(context.Context) error {
		return func(ctx context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			sent = append(sent, "notification for "+email+": "+message)
			return nil
		}
	}

	runner := tasks.New(tasks.Options{Timeout: 30 * time.Second})
	mux := http.NewServeMux()
	mux.HandleFunc("POST /send-notification/{email}", func(w http.ResponseWriter, r *http.Request) {
		if err := tasks.Add(r.Context(), writeNotification(r.PathValue("email"), "some notification")); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"message":"Notification sent in the background"}`)
	})
	handler := runner.Middleware(mux)

	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("POST", "/send-notification/alice@example.com", nil))
	fmt.Print(rec.Code, " ", rec.Body)

	// On the way out: after http.Server.Shutdown, wait for the tasks.
	if err := runner.Shutdown(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println(sent)
	// Output:
	// 200 {"message":"Notification sent in the background"}
	// [notification for alice@example.com: some notification]
}

// Tasks of a request that fails are skipped, unless added with EvenOnError.
func ExampleEvenOnError() {
	runner := tasks.New(tasks.Options{})
	var mu sync.Mutex
	var ran []string
	task := func(name string) func(context.Context) error {
		return func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, name)
			return nil
		}
	}
	handler := runner.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tasks.Add(r.Context(), task("send receipt"))
		tasks.Add(r.Context(), task("audit log"), tasks.EvenOnError())
		stdapi.WriteError(w, r, stdapi.NewError(http.StatusConflict, "Order already paid"))
	}))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, httptest.NewRequest("POST", "/orders/7/pay", nil))
	runner.Wait()
	fmt.Println(rec.Code, ran)
	// Output:
	// 409 [audit log]
}

func ExampleNewQueue() {
	type Welcome struct {
		Email string `json:"email"`
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Workers: 2, MaxAttempts: 3})
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	var sent []string
	// Handlers must be idempotent: a job may run more than once.
	tasks.Register(q, "welcome-email", func(ctx context.Context, w Welcome) error {
		mu.Lock()
		defer mu.Unlock()
		sent = append(sent, w.Email)
		return nil
	})

	ctx := context.Background()
	if err := tasks.Enqueue(ctx, q, "welcome-email", Welcome{Email: "bob@example.com"}); err != nil {
		fmt.Println(err)
	}
	fmt.Println(tasks.Enqueue(ctx, q, "welcome-sms", Welcome{}))

	// Drain: every accepted job runs before Shutdown returns nil.
	if err := q.Shutdown(ctx); err != nil {
		fmt.Println(err)
	}
	fmt.Println(sent)
	fmt.Println(q.ExpvarFunc().String())
	// Output:
	// tasks: enqueue "welcome-sms": tasks: no handler registered for job kind
	// [bob@example.com]
	// {"enqueued":1,"queued":0,"running":0,"succeeded":1,"failed":0,"retried":0}
}

func ExampleBackoff_Delay() {
	b := tasks.Backoff{Base: time.Second, Max: time.Minute}
	var delays []time.Duration
	for attempt := 1; attempt <= 8; attempt++ {
		delays = append(delays, b.Delay(attempt, 0.5))
	}
	fmt.Println(delays)
	fmt.Println(b.Delay(3, 0), b.Delay(3, 0.99))
	// Output:
	// [1s 2s 4s 8s 16s 32s 1m0s 1m0s]
	// 3.2s 4.784s
}
