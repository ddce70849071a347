package app

import (
	"expvar"
)

// Vars are the counters the showcase publishes with expvar, beside the
// server's request metrics ("http"), at /debug/vars of its debug listener
// (-debug-addr):
//
//	"tasks"  the job queue of POST /reports: tasks.Stats (enqueued, queued,
//	         running, succeeded, failed, retried)
//	"ws"     the chat's hub: rooms and members connected
//
// The hub's entry is the seam for more of package ws's counters (such as
// members dropped as slow consumers) once the hub exposes them.
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
}

func (a *App) hubStats() any {
	s := HubStats{}
	for _, room := range a.hub.Rooms() {
		s.Rooms++
		s.Members += a.hub.Count(room)
	}
	return s
}
