package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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

// syncBuffer collects the command's log while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// The command serves the showcase with its queue in PostgreSQL: a report
// queued with POST /reports reaches GET /outbox, and SIGTERM stops it
// cleanly (queue drained, pool closed, status 0). Its database is a new
// one, which the command migrates.
func TestCommand(t *testing.T) {
	dbURL := testdb.Fresh(t)
	cmd := command([]string{"-addr", "127.0.0.1:0", "-database-url", dbURL}, "SHOWCASE_API_KEY=command-test-key")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	line, lineErr := out.ReadString('\n')
	exited := make(chan error, 1)
	go func() {
		io.Copy(io.Discard, out) // Wait closes stdout: read it all first
		exited <- cmd.Wait()
	}()
	stopped := false
	defer func() {
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
	}()
	if lineErr != nil {
		t.Fatalf("reading stdout: %v; stderr:\n%s", lineErr, stderr)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("stdout %q, want listening on URL", line)
	}
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

	const want = `[{"to":"boss@example.com","subject":"Items report","body":"0 items in stock"}]`
	deadline := time.Now().Add(time.Minute) // a failure guard
	for {
		req, _ := http.NewRequest("GET", base+"/outbox", nil)
		req.SetBasicAuth("alice", "wonderland")
		status, body := send(req)
		if status == 200 && body == want {
			break
		}
		if status != 200 || body != "[]" || time.Now().After(deadline) {
			t.Fatalf("GET /outbox: %d %s, want %s", status, body, want)
		}
		time.Sleep(50 * time.Millisecond)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		stopped = true
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
