package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stdapi/stdapi/examples/showcase/app"
	"github.com/stdapi/stdapi/internal/logtest"
	"github.com/stdapi/stdapi/tasks"
	"github.com/stdapi/stdapi/tasks/river"
	"github.com/stdapi/stdapi/tasks/river/internal/testdb"
)

// TestMain runs main instead of the tests when the test binary is started
// by a test with SHOWCASE_TEST_MAIN=1: the tests run the command as a
// process without building it.
func TestMain(m *testing.M) {
	if os.Getenv("SHOWCASE_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// command returns the command started with args, its environment without
// DATABASE_URL unless env sets it.
func command(args []string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "SHOWCASE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SHOWCASE_TEST_MAIN=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// The command's failures before serving: the status, and a message that
// tells what to do without leaking the database password.
func TestCommandFails(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		env    []string
		db     bool // DATABASE_URL is set to the test database
		status int
		stderr string // a part of stderr
	}{
		{"no database URL", nil, nil, false, 2,
			"showcase: no database: give -database-url or set DATABASE_URL (go run ./examples/showcase in the main module keeps its jobs in memory)\n"},
		{"empty DATABASE_URL", nil, []string{"DATABASE_URL="}, false, 2, "showcase: no database"},
		{"unknown flag", []string{"-nope"}, nil, false, 2, "flag provided but not defined: -nope"},
		{"malformed URL", []string{"-database-url", "postgres://alice:s3cret@127.0.0.1:1/db?sslmode=sometimes"}, nil, false, 1,
			`msg="showcase failed" error="showcase: database URL: cannot parse`},
		{"no server", []string{"-addr", "127.0.0.1:0", "-database-url", "postgres://alice:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=10"}, nil, false, 1,
			`msg="showcase failed" error="tasks/river: migrate: failed to connect`},
		{"bad address", []string{"-addr", "127.0.0.1:-1"}, nil, true, 1,
			`msg="showcase failed" error="listen tcp: address -1: invalid port"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.db {
				tt.env = append(tt.env, "DATABASE_URL="+testdb.URL(t))
			}
			cmd := command(tt.args, tt.env...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tt.status {
				t.Fatalf("exit: %v, want status %d; stderr:\n%s", err, tt.status, stderr.String())
			}
			if got := stderr.String(); !strings.Contains(got, tt.stderr) || strings.Contains(got, "s3cret") {
				t.Errorf("stderr %q, want %q and no password", got, tt.stderr)
			}
		})
	}
}

// serving is the command started by serveCommand.
type serving struct {
	base   string // http://ADDR
	stderr *logtest.Buffer
	exited chan error // receives the exit status once
	signal func(os.Signal) error
}

// serveCommand starts the command with args and env, and returns once it
// listens. The test's cleanup kills it if it still runs.
func serveCommand(t *testing.T, args []string, env ...string) *serving {
	t.Helper()
	cmd := command(args, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s := &serving{stderr: &logtest.Buffer{}, exited: make(chan error, 1)}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	line, lineErr := out.ReadString('\n')
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, out) // Wait closes stdout: read it all first
		s.exited <- cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	if lineErr != nil {
		t.Fatalf("reading stdout: %v; stderr:\n%s", lineErr, s.stderr)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("stdout %q, want listening on URL", line)
	}
	s.base = base
	s.signal = func(sig os.Signal) error { return cmd.Process.Signal(sig) }
	return s
}

// outbox polls GET /outbox until it answers want; it fails the test after
// limit, which only guards against a hang.
func (s *serving) outbox(t *testing.T, want string, limit time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: time.Minute}
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequest("GET", s.base+"/outbox", nil)
		req.SetBasicAuth("alice", "wonderland")
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSpace(string(body))
		if res.StatusCode == 200 && got == want {
			return
		}
		if res.StatusCode != 200 || got != "[]" || time.Now().After(deadline) {
			t.Fatalf("GET /outbox: %d %s, want %s; stderr:\n%s", res.StatusCode, got, want, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The command serves the showcase with its queue in PostgreSQL: a report
// queued with POST /reports reaches GET /outbox, and SIGTERM stops it
// cleanly (queue drained, pool closed, status 0). Its database is a new
// one, which the command migrates.
func TestCommand(t *testing.T) {
	dbURL := testdb.Fresh(t)
	srv := serveCommand(t, []string{"-addr", "127.0.0.1:0", "-database-url", dbURL}, "SHOWCASE_API_KEY=command-test-key")
	base, stderr := srv.base, srv.stderr
	client := &http.Client{Timeout: time.Minute} // a failure guard
	send := func(req *http.Request) (int, string) {
		t.Helper()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, strings.TrimSpace(string(body))
	}

	form := url.Values{"username": {"alice"}, "password": {"wonderland"}}
	req, _ := http.NewRequest("POST", base+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	status, body := send(req)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &token); status != 200 || err != nil {
		t.Fatalf("POST /token: %d %s", status, body)
	}

	req, _ = http.NewRequest("POST", base+"/reports", strings.NewReader(`{"email":"boss@example.com"}`))
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	if status, body := send(req); status != 202 || body != `{"message":"Report queued"}` {
		t.Fatalf("POST /reports: %d %s", status, body)
	}

	srv.outbox(t, `[{"to":"boss@example.com","subject":"Items report","body":"0 items in stock"}]`, time.Minute)

	if err := srv.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v; stderr:\n%s", err, stderr)
		}
	case <-time.After(time.Minute): // a failure guard
		t.Fatalf("still running a minute after SIGTERM; stderr:\n%s", stderr)
	}
	if !strings.Contains(stderr.String(), "msg=stopped") {
		t.Errorf("no clean stop logged:\n%s", stderr)
	}
}

// A report job left running by an instance that was killed is run again by
// the next one after -rescue-stuck-jobs-after, rather than River's default
// hour. The orphan is made by hand: a job inserted, then marked running on
// a node that no longer exists, its attempt started 10 seconds ago.
func TestCommandRescuesOrphanedJob(t *testing.T) {
	dbURL := testdb.Fresh(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	b, err := river.New(ctx, pool, river.Options{Migrate: true, InsertOnly: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Backend: b})
	if err != nil {
		t.Fatal(err)
	}
	tasks.Register(q, "items-report", func(context.Context, app.Report) error { return nil })
	if err := tasks.Enqueue(ctx, q, "items-report", app.Report{Email: "orphan@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := q.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE river_job SET state = 'running', attempt = 1,
		attempted_at = now() - interval '10 seconds', attempted_by = ARRAY['killed-node']`); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	srv := serveCommand(t, []string{"-addr", "127.0.0.1:0", "-database-url", dbURL, "-rescue-stuck-jobs-after", "5s"},
		"SHOWCASE_API_KEY=command-test-key")
	srv.outbox(t, `[{"to":"orphan@example.com","subject":"Items report","body":"0 items in stock"}]`, time.Minute)
	t.Logf("orphaned job run %v after the start", time.Since(start).Round(100*time.Millisecond))
	// River records the completion shortly after the handler returns.
	var state string
	var attempt int
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		if err := pool.QueryRow(ctx, "SELECT state::text, attempt FROM river_job").Scan(&state, &attempt); err != nil {
			t.Fatal(err)
		}
		if state != "running" || time.Now().After(deadline) {
			break
		}
	}
	if state != "completed" || attempt != 2 {
		t.Errorf("job %s after attempt %d, want completed after the rescue's second attempt", state, attempt)
	}
}
