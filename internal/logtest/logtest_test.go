package logtest

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
)

func TestCapture(t *testing.T) {
	before := slog.Default()
	t.Run("capture", func(t *testing.T) {
		logs := Capture(t)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slog.Error("boom", "n", i)
			}()
		}
		wg.Wait()
		if got := strings.Count(logs.String(), "level=ERROR msg=boom"); got != 4 {
			t.Errorf("captured %d records, want 4:\n%s", got, logs)
		}
	})
	if slog.Default() != before {
		t.Error("the default logger was not restored")
	}
}
