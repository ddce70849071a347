// Package logtest captures log/slog output in tests.
//
//	func TestX(t *testing.T) {
//		logs := logtest.Capture(t)
//		...
//		if !strings.Contains(logs.String(), "level=ERROR") { ... }
//	}
package logtest

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
)

// Buffer is a log destination that the code under test, from any
// goroutine, and the test share.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String returns what was logged so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Capture makes slog's default logger write text records to a Buffer until
// t ends, and returns the Buffer. Tests using it change a process-wide
// setting and must not run in parallel.
func Capture(t testing.TB) *Buffer {
	t.Helper()
	buf := &Buffer{}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return buf
}
