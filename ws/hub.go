package ws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
)

// ErrHubClosed is returned by Join and Broadcast after Hub.Close.
var ErrHubClosed = errors.New("ws: hub closed")

// Member is what a Hub delivers to. *Conn is a Member; tests and other
// transports (server-sent events, for instance) may implement it too.
type Member interface {
	// Send queues m without blocking. It returns ErrQueueFull when the
	// member cannot keep up: the hub then counts a drop when m is
	// droppable or the policy is DropOldest, and otherwise disconnects
	// the member (close 1013); see Hub.OnFull.
	Send(m *Message) error
	// Close starts closing the member without blocking.
	Close(code int, reason string) error
	// Context is done when the member is gone; the hub then removes it
	// from every room.
	Context() context.Context
}

// Hub keeps rooms of members and broadcasts messages to them: the Go twin of
// the ConnectionManager of FastAPI's documentation. The zero value is an
// empty hub, ready to use; a Hub must not be copied after first use.
//
// A broadcast is encoded into its wire frame once, whatever the number of
// members, and never blocks on a member: each member has its own bounded
// queue (the SendQueue option for a *Conn), so one slow client neither delays
// the others nor grows the server's memory. When a member's queue is full:
//
//   - a droppable message (Message.Droppable: presence news, typing
//     indicators) is dropped for that member, which stays connected;
//   - any other message takes the place of the oldest droppable message
//     waiting, if there is one;
//   - otherwise OnFull decides: Disconnect (the default) removes the
//     member from every room and closes it with 1013 (try again later),
//     DropOldest drops the oldest message waiting.
//
// Every drop and disconnection is counted (Stats) and logged, at most one
// line per second (Logger).
//
// A member leaves every room when its connection ends; there is no need to
// call LeaveAll when a handler returns.
type Hub struct {
	// Broker, when set, carries broadcasts to the hubs of other processes
	// (nodes); see Broker. Set it before the first Join. Default: none,
	// the hub is alone.
	Broker Broker

	// OnFull is what the hub does when a member's queue is full and a
	// message that is not droppable finds no droppable message to take
	// the place of. Default Disconnect.
	OnFull FullPolicy

	// Logger receives a warning when members miss messages or are
	// disconnected for being slow: at most one line per second, with the
	// counts since the previous line (Stats has the exact totals).
	// Default slog.Default().
	Logger *slog.Logger

	queued, dropped, disconnected atomic.Uint64
	dropLog                       dropLog

	mu      sync.RWMutex
	closed  bool
	rooms   map[string]map[Member]struct{}
	members map[Member]*membership
}

// membership is what the hub knows of one member. A member is in few
// rooms, most often one: a slice costs a fraction of a map's memory.
type membership struct {
	rooms []string
	stop  func() bool // cancels the removal registered on the member's end
}

// Join adds m to room. It returns ErrHubClosed after Close, ErrClosed when
// m's context is already done, and the Broker's error if subscribing to a
// new room fails (m is then not added).
func (h *Hub) Join(room string, m Member) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrHubClosed
	}
	if m.Context().Err() != nil {
		return ErrClosed
	}
	set := h.rooms[room]
	if set == nil {
		if h.Broker != nil {
			if err := h.Broker.Subscribe(room, h.deliverer(room)); err != nil {
				return fmt.Errorf("ws: hub: subscribe to room %q: %w", room, err)
			}
		}
		if h.rooms == nil {
			h.rooms = map[string]map[Member]struct{}{}
			h.members = map[Member]*membership{}
		}
		set = map[Member]struct{}{}
		h.rooms[room] = set
	}
	if _, ok := set[m]; ok {
		return nil
	}
	set[m] = struct{}{}
	ms := h.members[m]
	if ms == nil {
		ms = &membership{stop: afterEnd(m, func() { h.LeaveAll(m) })}
		h.members[m] = ms
	}
	ms.rooms = append(ms.rooms, room)
	return nil
}

// afterEnd arranges for leave to run once m is gone. A *Conn runs it when
// it ends, at a fraction of the memory of context.AfterFunc, which any
// other member gets.
func afterEnd(m Member, leave func()) (stop func() bool) {
	if c, ok := m.(*Conn); ok {
		return c.afterEnd(leave)
	}
	return context.AfterFunc(m.Context(), leave)
}

// Leave removes m from room; it does nothing if m is not a member.
func (h *Hub) Leave(room string, m Member) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.leave(room, m)
}

// LeaveAll removes m from every room.
func (h *Hub) LeaveAll(m Member) { h.remove(m) }

// remove removes m from every room and reports whether it was a member.
func (h *Hub) remove(m Member) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	ms := h.members[m]
	if ms == nil {
		return false
	}
	for _, room := range slices.Clone(ms.rooms) { // leave shortens ms.rooms
		h.leave(room, m)
	}
	return true
}

// leave removes m from room, forgetting the room when it empties. h.mu is
// held.
func (h *Hub) leave(room string, m Member) {
	set := h.rooms[room]
	if _, ok := set[m]; !ok {
		return
	}
	delete(set, m)
	if len(set) == 0 {
		delete(h.rooms, room)
		if h.Broker != nil {
			h.Broker.Unsubscribe(room) // nothing to do on failure: the hub ignores messages for rooms it has left
		}
	}
	ms := h.members[m]
	ms.rooms = slices.DeleteFunc(ms.rooms, func(r string) bool { return r == room })
	if len(ms.rooms) == 0 {
		ms.stop()
		delete(h.members, m)
	}
}

// Broadcast queues msg to every member of room in this process, then
// publishes it through the Broker, if any, for the other nodes. Members
// that cannot keep up miss it or are disconnected (see Hub). It returns
// ErrHubClosed after Close, and the Broker's error if publishing fails;
// local members have the message queued by then. ctx bounds the
// publication only.
func (h *Hub) Broadcast(ctx context.Context, room string, msg *Message) error {
	msg.prepare()
	if err := h.fanout(room, msg); err != nil {
		return err
	}
	if h.Broker != nil {
		if err := h.Broker.Publish(ctx, room, msg); err != nil {
			return fmt.Errorf("ws: hub: publish to room %q: %w", room, err)
		}
	}
	return nil
}

// fanout queues msg to the local members of room, applies the policy to
// those that cannot keep up, and counts and logs what they miss.
func (h *Hub) fanout(room string, msg *Message) error {
	var slow []Member
	var queued, dropped uint64
	h.mu.RLock()
	if h.closed {
		h.mu.RUnlock()
		return ErrHubClosed
	}
	for m := range h.rooms[room] {
		evicted, err := h.send(m, msg)
		dropped += uint64(evicted)
		switch {
		case err == nil:
			queued++
		case !errors.Is(err, ErrQueueFull): // closing: it leaves by itself
		case msg.droppable || h.OnFull == DropOldest:
			dropped++
		default:
			slow = append(slow, m)
		}
	}
	h.mu.RUnlock()
	h.queued.Add(queued)
	var disconnected uint64
	for _, m := range slow {
		if h.remove(m) { // another broadcast may have disconnected it first
			disconnected++
			m.Close(CloseTryAgainLater, "slow consumer")
		}
	}
	if dropped > 0 || disconnected > 0 {
		h.dropped.Add(dropped)
		h.disconnected.Add(disconnected)
		h.logDrops(room, dropped, disconnected)
	}
	return nil
}

// send queues msg to m. A *Conn makes room the way OnFull asks and
// reports the queued messages it pushed out.
func (h *Hub) send(m Member, msg *Message) (evicted int, err error) {
	if c, ok := m.(*Conn); ok {
		return c.enqueue(msg, h.OnFull == DropOldest)
	}
	return 0, m.Send(msg)
}

// deliverer returns the function the Broker calls with the messages other
// nodes publish to room.
func (h *Hub) deliverer(room string) func(*Message) {
	return func(msg *Message) {
		msg.prepare()
		h.fanout(room, msg)
	}
}

// Members returns the members of room in this process, in no particular
// order.
func (h *Hub) Members(room string) []Member {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]Member, 0, len(h.rooms[room]))
	for m := range h.rooms[room] {
		out = append(out, m)
	}
	return out
}

// Count returns the number of members of room in this process.
func (h *Hub) Count(room string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.rooms[room])
}

// Rooms returns the names of the rooms that have members in this process,
// sorted.
func (h *Hub) Rooms() []string {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]string, 0, len(h.rooms))
	for room := range h.rooms {
		out = append(out, room)
	}
	slices.Sort(out)
	return out
}

// Close closes every member with 1001 (going away), empties the rooms and
// unsubscribes from the Broker, without waiting for the connections to end.
// Later Joins and Broadcasts return ErrHubClosed. Call it when the server
// shuts down: http.Server.Shutdown does not close hijacked connections (see
// http.Server.RegisterOnShutdown). Close always returns nil.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	members := make([]Member, 0, len(h.members))
	for m, ms := range h.members {
		ms.stop()
		members = append(members, m)
	}
	rooms := h.rooms
	h.rooms, h.members = nil, nil
	h.mu.Unlock()
	if h.Broker != nil {
		for room := range rooms {
			h.Broker.Unsubscribe(room)
		}
	}
	for _, m := range members {
		m.Close(CloseGoingAway, "server shutting down")
	}
	return nil
}
