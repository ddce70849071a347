package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// POST /send-notification/{email} needs no credentials, so the outbox it
// fills keeps only DefaultOutboxCapacity mails: the oldest are dropped
// (TestOutboxCapacity checks which), and GET /stats counts them.
func TestOutboxBounded(t *testing.T) {
	app := newApp(t)
	const sent = 110
	for i := range sent {
		if w := do(app, request{method: "POST", path: fmt.Sprintf("/send-notification/n%d@example.com", i)}); w.Code != 200 {
			t.Fatalf("notification %d: %d %s", i, w.Code, w.Body)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := app.runner.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	w := do(app, request{method: "GET", path: "/outbox", header: basic("alice", "wonderland")})
	var mails []Mail
	if err := json.Unmarshal(w.Body.Bytes(), &mails); err != nil {
		t.Fatalf("outbox %d %s: %v", w.Code, w.Body, err)
	}
	if len(mails) != 100 {
		t.Fatalf("the outbox holds %d mails after %d notifications, want 100", len(mails), sent)
	}
	seen := map[string]bool{}
	for _, m := range mails { // the tasks run concurrently: which 100 is not known
		if seen[m.To] {
			t.Fatalf("mail to %s kept twice", m.To)
		}
		seen[m.To] = true
	}
	w = do(app, request{method: "GET", path: "/stats", header: map[string][]string{"X-Api-Key": {apiKey}}})
	var stats Stats
	if err := json.Unmarshal(w.Body.Bytes(), &stats); err != nil {
		t.Fatalf("stats %d %s: %v", w.Code, w.Body, err)
	}
	if stats.Mails != 100 || stats.Dropped != sent-100 {
		t.Errorf("stats: %d mails, %d dropped; want 100, %d", stats.Mails, stats.Dropped, sent-100)
	}
}

func TestOutboxCapacity(t *testing.T) {
	tests := []struct {
		capacity, sent int
		kept           string
		dropped        int
	}{
		{capacity: 3, sent: 2, kept: "0 1", dropped: 0},
		{capacity: 3, sent: 3, kept: "0 1 2", dropped: 0},
		{capacity: 3, sent: 7, kept: "4 5 6", dropped: 4},
		{capacity: 1, sent: 2, kept: "1", dropped: 1},
		{capacity: -1, sent: DefaultOutboxCapacity + 1, kept: "1 ... 100", dropped: 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d in %d", tt.sent, tt.capacity), func(t *testing.T) {
			o := &Outbox{Capacity: tt.capacity}
			for i := range tt.sent {
				if err := o.Send(t.Context(), Mail{To: strconv.Itoa(i)}); err != nil {
					t.Fatal(err)
				}
			}
			var kept []string
			for _, m := range o.Mails() {
				kept = append(kept, m.To)
			}
			if len(kept) > 5 {
				kept = []string{kept[0], "...", kept[len(kept)-1]}
			}
			if got := strings.Join(kept, " "); got != tt.kept || o.Dropped() != tt.dropped {
				t.Errorf("kept %s, dropped %d; want %s, %d", got, o.Dropped(), tt.kept, tt.dropped)
			}
		})
	}
}
