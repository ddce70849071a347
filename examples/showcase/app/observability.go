package app

import (
	"expvar"

	"github.com/stdapi/stdapi/ws"
)

// Vars are the counters the showcase publishes with expvar, beside the
// server's request metrics ("http"), at /debug/vars of its debug listener
// (-debug-addr):
//
//	"tasks"  the job queue of POST /reports: tasks.Stats (enqueued, queued,
//	         running, succeeded, failed, retried)
//	"ws"     the chat's hub: rooms and members connected, and what it
//	         queued, dropped and disconnected (ws.HubStats)
func (a *App) Vars() map[string]expvar.Var {
	return map[string]expvar.Var{
		"tasks": a.queue.ExpvarFunc(),
		"ws":    expvar.Func(a.hubStats),
	}
}

// HubStats is what the showcase publishes of its WebSocket hub.
type HubStats struct {
	// Rooms is how many rooms have members.
	Rooms int `json:"rooms"`
	// Members is how many connections are in a room, summed over rooms.
	Members int `json:"members"`
	// Delivery counts what the hub queued, dropped and disconnected.
	Delivery ws.HubStats `json:"delivery"`
}

func (a *App) hubStats() any {
	s := HubStats{Delivery: a.hub.Stats()}
	for _, room := range a.hub.Rooms() {
		s.Rooms++
		s.Members += a.hub.Count(room)
	}
	return s
}
