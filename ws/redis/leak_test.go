package redis

import (
	"testing"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// checkLeaks fails t when goroutines started since are still running ten
// seconds after the deferred call.
func checkLeaks(t testing.TB) func() {
	t.Helper()
	return leakcheck.Check(t)
}
