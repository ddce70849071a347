package river_test

// These examples need a PostgreSQL server: they are compiled, not run (they
// have no Output comment). The tests run the same code against
// $DATABASE_URL.

import (
	"context"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
)

type Welcome struct {
	Email string `json:"email"`
}

func sendMail(ctx context.Context, to, subject string) error { return nil }

// A worker node: jobs survive restarts and run on every node that works
// the default queue.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	b, err := river.New(ctx, pool, river.Options{Migrate: true})
	if err != nil {
		log.Fatal(err)
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b, MaxAttempts: 10})
	if err != nil {
		log.Fatal(err)
	}
	tasks.Register(q, "welcome-email", func(ctx context.Context, w Welcome) error {
		return sendMail(ctx, w.Email, "Welcome!")
	})
	err = tasks.Enqueue(ctx, q, "welcome-email", Welcome{Email: "bob@example.com"},
		tasks.UniqueKey("welcome:bob@example.com"), tasks.RunAt(time.Now().Add(time.Minute)))
	if err != nil {
		log.Print(err)
	}
	// ... serve; then, on the way out:
	if err := q.Shutdown(ctx); err != nil {
		log.Print(err)
	}
}

// A job tied to a change: it exists if and only if the transaction commits.
func ExampleEnqueueTx() {
	ctx := context.Background()
	var pool *pgxpool.Pool // from pgxpool.New
	var q *tasks.Queue     // from tasks.NewQueue with a river.Backend
	email := "bob@example.com"

	tx, err := pool.Begin(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "INSERT INTO users (email) VALUES ($1)", email); err != nil {
		log.Fatal(err)
	}
	if err := river.EnqueueTx(ctx, tx, q, "welcome-email", Welcome{Email: email}); err != nil {
		log.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		log.Fatal(err)
	}
}

// A durable job after the response, added only if the request succeeds.
func ExampleAdd() {
	var q *tasks.Queue // from tasks.NewQueue with a river.Backend
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signup/{email}", func(w http.ResponseWriter, r *http.Request) {
		email := r.PathValue("email")
		if err := river.Add(r.Context(), q, "welcome-email", Welcome{Email: email}); err != nil {
			stdapi.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:8000", tasks.Middleware(mux)))
}

// A front-end that enqueues jobs for other nodes to run.
func ExampleOptions_insertOnly() {
	ctx := context.Background()
	var pool *pgxpool.Pool // from pgxpool.New
	b, err := river.New(ctx, pool, river.Options{InsertOnly: true})
	if err != nil {
		log.Fatal(err)
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b})
	if err != nil {
		log.Fatal(err)
	}
	// Register the kinds it enqueues, so that Enqueue can check them; the
	// handlers run on the worker nodes.
	tasks.Register(q, "welcome-email", func(ctx context.Context, w Welcome) error { return nil })
}

// Migrations at start-up, before New.
func ExampleMigrate() {
	ctx := context.Background()
	var pool *pgxpool.Pool // from pgxpool.New
	versions, err := river.Migrate(ctx, pool)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("applied River migrations %v", versions)
}
