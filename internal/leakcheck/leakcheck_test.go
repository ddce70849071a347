package leakcheck

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestReportsALeak(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	var rec recorder
	check := CheckWithin(&rec, 50*time.Millisecond)
	go func() { <-stop }()
	check()
	if !rec.failed || !strings.Contains(rec.msg, "1 goroutine(s) leaked") || !strings.Contains(rec.msg, "leakcheck_test.go") {
		t.Errorf("reported %q (failed %v), want one leaked goroutine with its stack", rec.msg, rec.failed)
	}
}

func TestQuietWhenGoroutinesEnd(t *testing.T) {
	var rec recorder
	check := CheckWithin(&rec, 5*time.Second)
	done := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		close(done)
	}()
	check()
	<-done
	if rec.failed {
		t.Errorf("reported %q for a goroutine that ended within the wait", rec.msg)
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
