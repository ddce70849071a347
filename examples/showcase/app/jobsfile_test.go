package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stdapi/stdapi/internal/leakcheck"
	"github.com/stdapi/stdapi/tasks"
)

// slowQueue replaces a's queue with one of one worker and room for three
// jobs, whose items-report jobs wait until their context is cancelled: a
// queue that cannot drain.
func slowQueue(t *testing.T, a *App) {
	t.Helper()
	if err := a.queue.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	q, err := tasks.NewQueue(tasks.QueueOptions{Workers: 1, Buffer: 3, FailFast: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	tasks.Register(q, "items-report", func(ctx context.Context, _ Report) error {
		<-ctx.Done()
		return ctx.Err()
	})
	a.queue = q
}

// postReports posts n reports for a0@example.com, a1@... and returns the
// addresses whose report was accepted (202); the others must be 503 with
// Retry-After.
func postReports(t *testing.T, a *App, n int) []string {
	t.Helper()
	auth := bearer(login(t, a, ""))
	var accepted []string
	for i := range n {
		email := fmt.Sprintf("a%d@example.com", i)
		w := do(a, request{method: "POST", path: "/reports", header: auth, contentType: "application/json", body: `{"email":"` + email + `"}`})
		switch w.Code {
		case 202:
			accepted = append(accepted, email)
		case 503:
			body := strings.TrimSpace(w.Body.String())
			want := `{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"The report queue is full: retry later"}`
			if w.Header().Get("Retry-After") != "1" || body != want {
				t.Errorf("503: Retry-After %q, body %s", w.Header().Get("Retry-After"), body)
			}
		default:
			t.Fatalf("POST /reports: %d %s", w.Code, w.Body)
		}
	}
	return accepted
}

// With Config.JobsFile, the jobs answered 202 that the shutdown could not
// run are saved and re-enqueued by the next start: each accepted report is
// mailed once, none lost.
func TestJobsFileKeepsUnfinishedJobs(t *testing.T) {
	defer leakcheck.Check(t)()
	path := filepath.Join(t.TempDir(), "jobs.jsonl")
	a, err := New(Config{APIKey: apiKey, JobsFile: path})
	if err != nil {
		t.Fatal(err)
	}
	slowQueue(t, a)
	accepted := postReports(t, a, 6)
	if len(accepted) != 4 {
		t.Fatalf("accepted %q, want 4 (one running, three waiting)", accepted)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the shutdown budget is spent
	if err := a.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v, want nil: the unfinished jobs are saved", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(data, []byte("\n")); n != 4 {
		t.Fatalf("saved %d jobs, want 4:\n%s", n, data)
	}

	b, err := New(Config{APIKey: apiKey, JobsFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var mailed []string
	for _, m := range b.outbox.Mails() {
		mailed = append(mailed, m.To)
	}
	slices.Sort(mailed)
	if !slices.Equal(mailed, accepted) {
		t.Errorf("mailed after the restart %q, want the accepted %q", mailed, accepted)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("jobs file after the restart: %v, want removed", err)
	}

	// A file that cannot be read back stops New, and is kept.
	if err := os.WriteFile(path, []byte("{\"kind\":\"items-report\",\"payload\":{}}\nnot json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{APIKey: apiKey, JobsFile: path}); err == nil ||
		!strings.Contains(err.Error(), "jobs.jsonl, line 2 (kept with the lines after it)") {
		t.Errorf("New with a bad jobs file: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "not json\n" {
		t.Errorf("jobs file kept %q, want the line that failed", data)
	}
}

// Without Config.JobsFile, each job the shutdown could not run is logged
// with its payload, and Drain fails.
func TestUnfinishedJobsLogged(t *testing.T) {
	defer leakcheck.Check(t)()
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})))
	defer slog.SetDefault(old)
	a, err := New(Config{APIKey: apiKey})
	if err != nil {
		t.Fatal(err)
	}
	slowQueue(t, a)
	accepted := postReports(t, a, 2)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Drain(ctx); err == nil || !strings.Contains(err.Error(), "2 job(s) unfinished") {
		t.Fatalf("Drain: %v", err)
	}
	const msg = `level=ERROR msg="showcase: job not finished at shutdown, dropped (run with -jobs-file to keep such jobs)" job=`
	if n := strings.Count(logs.String(), msg); n != len(accepted) {
		t.Errorf("%d jobs logged as dropped, %d accepted; log:\n%s", n, len(accepted), logs.String())
	}
	for _, email := range accepted {
		if want := fmt.Sprintf(`payload="{\"email\":\"%s\"}"`, email); !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s\nlog:\n%s", want, logs.String())
		}
	}
}
