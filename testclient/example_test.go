package testclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/testclient"
)

func Example() {
	var outbox []string // written by a background task
	mux := http.NewServeMux()
	mux.HandleFunc("POST /signup", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Email string `json:"email"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		_ = tasks.Add(r.Context(), func(context.Context) error {
			outbox = append(outbox, "welcome mail to "+in.Email)
			return nil
		})
		http.SetCookie(w, &http.Cookie{Name: "session", Value: "s1", Path: "/"})
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "hello %s\n", in.Email)
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie("session")
		if err != nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		fmt.Fprintf(w, "session %s\n", ck.Value)
	})

	t := exampleT() // in a test, the *testing.T
	defer t.end()
	c := testclient.New(t, tasks.Middleware(mux))

	res := c.Post("/signup", testclient.JSON(map[string]string{"email": "ada@example.com"}))
	fmt.Print(res.StatusCode, " ", res.Text())
	res.Wait() // the request's background tasks have run
	fmt.Println(outbox)
	fmt.Print(c.Get("/me").Text()) // the cookie came back
	// Output:
	// 201 hello ada@example.com
	// [welcome mail to ada@example.com]
	// session s1
}

// exampleTB plays the *testing.T of a test, which an Example does not have.
type exampleTB struct {
	testing.TB
	cleanups []func()
}

func exampleT() *exampleTB                     { return &exampleTB{} }
func (t *exampleTB) Helper()                   {}
func (t *exampleTB) Context() context.Context  { return context.Background() }
func (t *exampleTB) Cleanup(fn func())         { t.cleanups = append(t.cleanups, fn) }
func (t *exampleTB) Errorf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }
func (t *exampleTB) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
