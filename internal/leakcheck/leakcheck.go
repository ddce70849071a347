// Package leakcheck fails a test that leaves goroutines behind.
//
//	func TestX(t *testing.T) {
//		defer leakcheck.Check(t)()
//		...
//	}
package leakcheck

import (
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// Check records the goroutines running now and returns a function that, when
// deferred, waits up to ten seconds for every goroutine started since to end,
// then fails t listing the stacks of those still running. The nested modules
// (tasks/river, ws/redis) use it too: their import paths are inside this
// module's tree, so the internal package is theirs to import.
func Check(t testing.TB) func() {
	t.Helper()
	return CheckWithin(t, 10*time.Second)
}

// CheckWithin is Check with a wait of its own.
func CheckWithin(t testing.TB, wait time.Duration) func() {
	t.Helper()
	before := snapshot()
	return func() {
		t.Helper()
		var leaked []string
		deadline := time.Now().Add(wait)
		for {
			leaked = leaked[:0]
			for id, stack := range snapshot() {
				if _, ok := before[id]; !ok && !ignored(stack) {
					leaked = append(leaked, stack)
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(leaked) > 0 {
			sort.Strings(leaked)
			t.Errorf("leakcheck: %d goroutine(s) leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
	}
}

// ignored reports goroutines that belong to the testing package (subtests)
// or the runtime, not to the code under test.
func ignored(stack string) bool {
	return strings.Contains(stack, "created by testing.") ||
		strings.Contains(stack, "created by runtime") ||
		strings.Contains(stack, "os/signal.")
}

// snapshot maps goroutine ids to their stacks.
func snapshot() map[string]string {
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
	for _, g := range strings.Split(string(buf), "\n\n") {
		header, _, _ := strings.Cut(g, "\n")
		// "goroutine 18 [running]:"
		fields := strings.Fields(header)
		if len(fields) >= 2 && fields[0] == "goroutine" {
			out[fields[1]] = g
		}
	}
	return out
}
