package redis

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkLeaks records the goroutines running now and returns a function
// that, deferred or given to t.Cleanup, waits up to ten seconds for every
// goroutine started since to end, then fails t with the stacks of those
// still running. (The main module's internal/leakcheck cannot be imported
// from this module.)
func checkLeaks(t testing.TB) func() {
	t.Helper()
	return checkLeaksWithin(t, 10*time.Second)
}

// checkLeaksWithin is checkLeaks with a wait of its own.
func checkLeaksWithin(t testing.TB, wait time.Duration) func() {
	t.Helper()
	before := goroutines()
	return func() {
		t.Helper()
		var leaked []string
		for deadline := time.Now().Add(wait); ; {
			leaked = leaked[:0]
			for id, stack := range goroutines() {
				if _, ok := before[id]; !ok && !ownedByTesting(stack) {
					leaked = append(leaked, stack)
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(leaked) > 0 {
			slices.Sort(leaked)
			t.Errorf("%d goroutine(s) leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
	}
}

// ownedByTesting reports the goroutines of the testing package and the
// runtime, which the code under test does not start.
func ownedByTesting(stack string) bool {
	return strings.Contains(stack, "created by testing.") || strings.Contains(stack, "created by runtime")
}

// goroutines maps the id of every goroutine to its stack.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		if f := strings.Fields(header); len(f) >= 2 && f[0] == "goroutine" {
			out[f[1]] = g
		}
	}
	return out
}

func TestCheckLeaksReportsALeak(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	var rec recorder
	check := checkLeaksWithin(&rec, 50*time.Millisecond)
	go func() { <-stop }()
	check()
	if !rec.failed || !strings.Contains(rec.msg, "1 goroutine(s) leaked") {
		t.Errorf("checkLeaks reported %q (failed %v), want one leaked goroutine", rec.msg, rec.failed)
	}
}

// recorder is a testing.TB that records a failure instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, args...)
}
