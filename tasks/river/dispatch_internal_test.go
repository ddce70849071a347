package river

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stdapi/stdapi/tasks"
)

func TestInsertArgs(t *testing.T) {
	future := time.Now().Add(time.Hour)
	tests := []struct {
		name string
		job  tasks.Job
		args envelope
		opts river.InsertOpts
		err  string
	}{
		{
			name: "defaults",
			job:  tasks.Job{Kind: "welcome", Payload: json.RawMessage(`{"a":1}`), MaxAttempts: 5},
			args: envelope{TaskKind: "welcome", Payload: json.RawMessage(`{"a":1}`)},
			opts: river.InsertOpts{MaxAttempts: 5, Tags: []string{"welcome"}},
		},
		{
			name: "every option",
			job: tasks.Job{Kind: "mail.send", Payload: json.RawMessage(`1`), Queue: "mail", Priority: 4,
				RunAt: future, UniqueKey: "u-1", MaxAttempts: 1},
			args: envelope{TaskKind: "mail.send", Payload: json.RawMessage(`1`), UniqueKey: "u-1"},
			opts: river.InsertOpts{MaxAttempts: 1, Priority: 4, Queue: "mail", ScheduledAt: future,
				UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: uniqueStates}}, // no tag: "." is not allowed in one
		},
		{
			name: "run-at in the past runs now",
			job:  tasks.Job{Kind: "k-1", RunAt: time.Now().Add(-time.Minute), MaxAttempts: 0},
			args: envelope{TaskKind: "k-1", Payload: json.RawMessage("null")},
			opts: river.InsertOpts{MaxAttempts: 1, Tags: []string{"k-1"}},
		},
		{name: "priority 5", job: tasks.Job{Kind: "k", Priority: 5}, err: "priority 5"},
		{name: "priority -1", job: tasks.Job{Kind: "k", Priority: -1}, err: "priority -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args, opts, err := insertArgs(&tt.job)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if args.TaskKind != tt.args.TaskKind || string(args.Payload) != string(tt.args.Payload) || args.UniqueKey != tt.args.UniqueKey {
				t.Errorf("args = %+v, want %+v", args, tt.args)
			}
			if opts.MaxAttempts != tt.opts.MaxAttempts || opts.Priority != tt.opts.Priority || opts.Queue != tt.opts.Queue ||
				!opts.ScheduledAt.Equal(tt.opts.ScheduledAt) || !slices.Equal(opts.Tags, tt.opts.Tags) ||
				opts.UniqueOpts.ByArgs != tt.opts.UniqueOpts.ByArgs || !slices.Equal(opts.UniqueOpts.ByState, tt.opts.UniqueOpts.ByState) {
				t.Errorf("opts = %+v, want %+v", *opts, tt.opts)
			}
		})
	}
}

// riverTag is River's rule for tags (river.InsertOpts.Tags).
var riverTag = regexp.MustCompile(`\A[\w][\w\-]+[\w]\z`)

func TestValidTag(t *testing.T) {
	for _, s := range []string{"", "a", "ab", "abc", "a-c", "-bc", "ab-", "a_b", "a.b", "a b", "é-é", "ABC9", strings.Repeat("a", 255), strings.Repeat("a", 256)} {
		want := riverTag.MatchString(s) && len(s) <= 255
		if got := validTag(s); got != want {
			t.Errorf("validTag(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzValidTag(f *testing.F) {
	for _, s := range []string{"welcome-email", "a.b", "-x-", "ab", "日本語"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := riverTag.MatchString(s) && len(s) <= 255
		if got := validTag(s); got != want {
			t.Errorf("validTag(%q) = %v, River says %v", s, got, want)
		}
	})
}

// FuzzEnvelope checks that every job survives the trip through River's
// arguments: what the dispatcher decodes is what was enqueued.
func FuzzEnvelope(f *testing.F) {
	f.Add("welcome", `{"email":"a@example.com"}`, "")
	f.Add("k", `null`, "key")
	f.Add("\u2028", `"\u0000"`, "\xff")
	f.Fuzz(func(t *testing.T, kind, payload, key string) {
		if !json.Valid([]byte(payload)) {
			return // tasks.Enqueue only produces valid JSON
		}
		job := &tasks.Job{Kind: kind, Payload: json.RawMessage(payload), UniqueKey: key, MaxAttempts: 1}
		args, _, err := insertArgs(job)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		var back envelope
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		var wantKind string // kind as JSON carries it: invalid UTF-8 replaced
		quoted, _ := json.Marshal(kind)
		_ = json.Unmarshal(quoted, &wantKind)
		if back.TaskKind != wantKind {
			t.Errorf("kind %q came back as %q", kind, back.TaskKind)
		}
		var a, b any
		_ = json.Unmarshal([]byte(payload), &a)
		_ = json.Unmarshal(back.Payload, &b)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("payload %s came back as %s", payload, back.Payload)
		}
	})
}

func TestRetryPolicy(t *testing.T) {
	p := retryPolicy{tasks.Backoff{Base: time.Second, Max: time.Minute, Jitter: -1}}
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {20, time.Minute}} {
		before := time.Now()
		got := p.NextRetry(&rivertype.JobRow{Attempt: tt.attempt})
		if d := got.Sub(before); d < tt.want || d > tt.want+time.Second {
			t.Errorf("attempt %d: retry in %v, want %v", tt.attempt, d, tt.want)
		}
	}
}

// workerFunc is a tasks.Worker for the dispatcher tests.
type workerFunc func(ctx context.Context, job *tasks.Job) error

func (f workerFunc) Work(ctx context.Context, job *tasks.Job) error { return f(ctx, job) }

func TestDispatcher(t *testing.T) {
	boom := errors.New("boom")
	scheduled := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	unknown := tasks.Permanent(fmt.Errorf("x: %w", tasks.ErrUnknownKind))
	tests := []struct {
		name     string
		attempt  int
		metadata string
		err      error
		check    func(error) bool
		log      string
	}{
		{"success", 1, "", nil, func(err error) bool { return err == nil }, ""},
		{"failure retried", 1, "", boom, func(err error) bool { return err == boom }, ""},
		{"failure on the last attempt", 3, "", boom, func(err error) bool { return err == boom }, ""},
		{"permanent cancels", 1, "", tasks.Permanent(boom), func(err error) bool {
			var c *rivertype.JobCancelError
			return errors.As(err, &c) && errors.Is(err, boom)
		}, ""},
		{"unknown kind snoozes", 1, `{}`, unknown, func(err error) bool {
			var s *rivertype.JobSnoozeError
			return errors.As(err, &s) && s.Duration == 7*time.Second
		}, `level=WARN msg="tasks/river: no handler for the job's kind on this node: put back" kind=welcome job_id=42 queue=mail put_backs=0 delay=7s`},
		{"unknown kind snoozes again", 1, `{"snoozes":2}`, unknown, func(err error) bool {
			var s *rivertype.JobSnoozeError
			return errors.As(err, &s) && s.Duration == 7*time.Second
		}, `level=DEBUG msg="tasks/river: no handler for the job's kind on this node: put back" kind=welcome job_id=42 queue=mail put_backs=2 delay=7s`},
		{"unknown kind cancelled at the limit", 1, `{"snoozes":3}`, unknown, func(err error) bool {
			var c *rivertype.JobCancelError
			return errors.As(err, &c) && errors.Is(err, tasks.ErrUnknownKind) &&
				strings.HasPrefix(err.Error(), `JobCancelError: tasks/river: no handler for job kind "welcome" after 3 put-backs`)
		}, `level=ERROR msg="tasks/river: job cancelled: no handler for its kind on the nodes that fetched it (River keeps the row, cancelled, where it can be retried)" kind=welcome job_id=42 queue=mail put_backs=3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *tasks.Job
			var logs strings.Builder
			logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{
				Level: slog.LevelDebug,
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				},
			}))
			b := &Backend{unknown: 7 * time.Second, unknownLimit: 3, logger: logger, running: map[int64]*tasks.Job{}}
			b.worker = workerFunc(func(ctx context.Context, job *tasks.Job) error {
				got = job
				if len(b.running) != 1 {
					t.Errorf("%d jobs tracked as running, want 1", len(b.running))
				}
				return tt.err
			})
			rj := &river.Job[envelope]{
				JobRow: &rivertype.JobRow{ID: 42, Attempt: tt.attempt, MaxAttempts: 3, Queue: "mail", Priority: 2,
					ScheduledAt: scheduled, Metadata: []byte(tt.metadata)},
				Args: envelope{TaskKind: "welcome", Payload: json.RawMessage(`{"a":1}`), UniqueKey: "u"},
			}
			err := (&dispatcher{b: b}).Work(context.Background(), rj)
			if !tt.check(err) {
				t.Errorf("Work = %v", err)
			}
			want := tasks.Job{ID: "42", Kind: "welcome", Payload: json.RawMessage(`{"a":1}`), Queue: "mail",
				Priority: 2, RunAt: scheduled, UniqueKey: "u", MaxAttempts: 3, Attempt: tt.attempt}
			if got == nil || got.ID != want.ID || got.Kind != want.Kind || string(got.Payload) != string(want.Payload) ||
				got.Queue != want.Queue || got.Priority != want.Priority || !got.RunAt.Equal(want.RunAt) ||
				got.UniqueKey != want.UniqueKey || got.MaxAttempts != want.MaxAttempts || got.Attempt != want.Attempt {
				t.Errorf("worker got %+v, want %+v", got, want)
			}
			if len(b.running) != 0 {
				t.Errorf("%d jobs still tracked as running", len(b.running))
			}
			if got := strings.TrimSuffix(logs.String(), "\n"); got != tt.log {
				t.Errorf("log:\n%s\nwant:\n%s", got, tt.log)
			}
		})
	}
}
