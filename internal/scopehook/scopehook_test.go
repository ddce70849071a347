package scopehook

import (
	"context"
	"testing"
)

func TestOpen(t *testing.T) {
	if done := Open(context.Background()); done != nil {
		t.Error("Open without a hook returned a function")
	}
	calls := 0
	ctx := With(context.Background(), func() func() {
		calls++
		return func() { calls += 10 }
	})
	done := Open(context.WithValue(ctx, childKey{}, 1)) // found through a child context
	if calls != 1 || done == nil {
		t.Fatalf("calls %d, done is nil: %t", calls, done == nil)
	}
	done()
	if calls != 11 {
		t.Errorf("calls %d after done, want 11", calls)
	}
}

type childKey struct{}
