package ws

import (
	"expvar"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// FullPolicy is what a Hub does when a member's send queue is full and a
// message that is not droppable does not fit (see Hub.OnFull).
type FullPolicy int

const (
	// Disconnect removes the member from every room and closes it with 1013
	// (try again later): the member misses no message without knowing it,
	// since its connection ends. The default.
	Disconnect FullPolicy = iota
	// DropOldest keeps the member and makes room by dropping the oldest
	// message waiting in its queue (for a *Conn; a Member of another type
	// misses the new message instead). The member stays connected but may
	// miss messages, which are counted in HubStats.Dropped.
	DropOldest
)

// String returns "disconnect", "drop-oldest" or "FullPolicy(N)".
func (p FullPolicy) String() string {
	switch p {
	case Disconnect:
		return "disconnect"
	case DropOldest:
		return "drop-oldest"
	}
	return fmt.Sprintf("FullPolicy(%d)", int(p))
}

// HubStats are a Hub's counters since it was created, exact whatever the
// logging (see Hub.Logger).
type HubStats struct {
	// Queued counts messages queued to a member, once per member: a
	// broadcast to a room of 100 counts 100.
	Queued uint64 `json:"queued"`
	// Dropped counts messages a member will not receive although it stays
	// connected: droppable messages that did not fit, or were pushed out of
	// a full queue by a message that is not droppable, and, with
	// DropOldest, the messages pushed out for new ones.
	Dropped uint64 `json:"dropped"`
	// Disconnected counts members closed with 1013 because their queue was
	// full (with the Disconnect policy).
	Disconnected uint64 `json:"disconnected"`
}

// Stats returns the hub's counters.
func (h *Hub) Stats() HubStats {
	return HubStats{
		Queued:       h.queued.Load(),
		Dropped:      h.dropped.Load(),
		Disconnected: h.disconnected.Load(),
	}
}

// ExpvarFunc returns an expvar.Var publishing Stats as a JSON object:
//
//	expvar.Publish("hub", hub.ExpvarFunc())
func (h *Hub) ExpvarFunc() expvar.Func { return func() any { return h.Stats() } }

// dropLogInterval is the least time between two log lines about drops.
const dropLogInterval = time.Second

// dropLog rate-limits the hub's log lines about drops: at most one per
// dropLogInterval, counting what happened since the previous line.
type dropLog struct {
	mu                    sync.Mutex
	last                  time.Time
	dropped, disconnected uint64 // since the last line
}

// logDrops records drops in room and logs them unless a line was written
// less than dropLogInterval ago.
func (h *Hub) logDrops(room string, dropped, disconnected uint64) {
	l := &h.dropLog
	l.mu.Lock()
	l.dropped += dropped
	l.disconnected += disconnected
	now := time.Now()
	if now.Sub(l.last) < dropLogInterval {
		l.mu.Unlock()
		return
	}
	dropped, disconnected = l.dropped, l.disconnected
	l.last, l.dropped, l.disconnected = now, 0, 0
	l.mu.Unlock()
	logger := h.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.Warn("ws: hub: members could not keep up",
		"room", room, "dropped", dropped, "disconnected", disconnected,
		"policy", h.OnFull.String())
}
