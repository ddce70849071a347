package redis

import (
	"time"
)

// control applies the hub's subscriptions to the pub/sub connection, off
// the hub's lock, and refreshes this node's presence records, until Close.
func (b *Broker) control() {
	defer b.wg.Done()
	var tick <-chan time.Time
	if b.opts.LocalCount != nil {
		t := time.NewTicker(b.opts.PresenceInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-b.wake:
			b.reconcile()
			if b.opts.LocalCount != nil {
				b.presence(false)
			}
		case <-tick:
			b.presence(true)
		}
	}
}

// reconcile subscribes the rooms the hub wants and unsubscribes the others,
// each with one command for all of them, so that a room joined and left
// many times between two passes costs nothing.
func (b *Broker) reconcile() {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	if b.ctx.Err() != nil {
		return
	}
	var added, removed []string
	b.mu.RLock()
	for room := range b.rooms {
		if !b.applied[room] {
			added = append(added, room)
		}
	}
	for room := range b.applied {
		if _, ok := b.rooms[room]; !ok {
			removed = append(removed, room)
		}
	}
	b.mu.RUnlock()
	// A failure means the connection is lost: the receiving goroutine
	// notices, replaces the connection and asks for a new pass, which
	// subscribes every room again. Until then go-redis remembers the
	// channels and subscribes them again itself if it reconnects.
	if len(added) > 0 {
		channels := make([]string, len(added))
		for i, room := range added {
			channels[i] = b.channel(room)
			b.applied[room] = true
		}
		b.ps.Subscribe(b.ctx, channels...)
	}
	if len(removed) > 0 {
		channels := make([]string, len(removed))
		for i, room := range removed {
			channels[i] = b.channel(room)
			delete(b.applied, room)
		}
		b.ps.Unsubscribe(b.ctx, channels...)
	}
}
