package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

// ErrClosed is returned by Subscribe, Publish and Sync after Broker.Close.
var ErrClosed = errors.New("ws/redis: broker closed")

// Options configure a Broker. Client is required; every other field has a
// working default.
type Options struct {
	// Client publishes the broadcasts and opens the node's pub/sub
	// connection: a *goredis.Client (the tested case) or another
	// go-redis UniversalClient. The Broker does not close it. Required.
	Client goredis.UniversalClient

	// Prefix starts the name of every Redis key and channel the Broker
	// uses: room R is the channel Prefix+"room:"+R. Nodes that share a
	// Prefix share their rooms. Default "ws:".
	Prefix string

	// NodeID names this node in the messages it publishes (so that it skips
	// them when they come back), in presence and in logs. It must be unique
	// among the nodes of a Prefix, at most 255 bytes: two nodes with the same
	// id would not receive each other's broadcasts. Default: 16 random bytes
	// in hex, different for each New.
	NodeID string

	// PingInterval is how long the pub/sub connection may stay silent
	// before the Broker pings Redis; a connection that answers nothing for
	// another PingInterval is treated as lost, like a closed one. Default
	// 15s (0 or negative).
	PingInterval time.Duration

	// MinBackoff and MaxBackoff bound the wait between two attempts to
	// reconnect: it starts at MinBackoff, doubles after each failure up to
	// MaxBackoff, with up to 20% random jitter, and starts over once
	// connected. Defaults 100ms and 5s (0 or negative).
	MinBackoff, MaxBackoff time.Duration

	// OnGap, when set, is called once the pub/sub connection is back after
	// an outage and every room is subscribed again, with what the node may
	// have missed (see Gap). It runs on the Broker's receiving goroutine:
	// deliveries wait until it returns. It may call the Hub, for instance to
	// tell the clients of Gap.Rooms to reload. Default: none (the outage is
	// still logged and counted in Stats).
	OnGap func(Gap)

	// LocalCount, when set, turns on presence across nodes: the Broker
	// records LocalCount(room) for each room this node is subscribed to in
	// Redis, refreshed every PresenceInterval, and Count and Nodes add up
	// the records of every node. Set it to the hub's Count method. Default:
	// none, presence is off and Count and Nodes return ErrNoPresence.
	LocalCount func(room string) int

	// PresenceInterval is how often a node refreshes its presence records;
	// a node's record expires after three intervals without refresh (a
	// crashed node stops being counted then). Default 5s (0 or negative).
	PresenceInterval time.Duration

	// Logger receives outages, recoveries and malformed messages. Default
	// slog.Default().
	Logger *slog.Logger
}

// Defaults applied to zero Options fields.
const (
	DefaultPrefix           = "ws:"
	DefaultPingInterval     = 15 * time.Second
	DefaultMinBackoff       = 100 * time.Millisecond
	DefaultMaxBackoff       = 5 * time.Second
	DefaultPresenceInterval = 5 * time.Second
)

// Gap describes an outage of a node's pub/sub connection. Redis pub/sub is
// at most once: the broadcasts that other nodes published to Rooms between
// Start and End did not reach this node's members, and are lost for them.
type Gap struct {
	// Start is when the Broker noticed the connection was lost (the loss
	// may have happened up to 2×PingInterval earlier when the connection
	// died silently).
	Start time.Time
	// End is when every room was subscribed again.
	End time.Time
	// Err is the error that ended the connection.
	Err error
	// Rooms lists, sorted, the rooms this node was subscribed to at End.
	Rooms []string
}

// Stats are counters since New, for metrics.
type Stats struct {
	// Published counts broadcasts published to Redis.
	Published uint64
	// Delivered counts messages from other nodes handed to the hub.
	Delivered uint64
	// Malformed counts messages on a room channel that this package did not
	// write (they are dropped and logged).
	Malformed uint64
	// Gaps counts the outages of the pub/sub connection that ended.
	Gaps uint64
	// Connected reports whether the pub/sub connection is up now.
	Connected bool
}

// Broker is a ws.Broker on Redis pub/sub: set it as the Broker of one
// ws.Hub per process, and a broadcast on any node reaches the room's
// members on every node. Create it with New; Close it after the hub.
type Broker struct {
	opts Options
	node string

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // asks the control goroutine to reconcile subscriptions

	mu        sync.RWMutex
	closed    bool
	rooms     map[string]func(ws.MessageType, []byte) // rooms the hub wants, and their deliver functions
	confirmed map[string]bool                         // rooms Redis confirmed on the current connection
	connected bool
	present   map[string]bool // rooms with a presence record; written by the control goroutine
	changed   chan struct{}   // closed when rooms, confirmed or connected change (for Sync)

	// psMu guards the pub/sub connection and what was sent on it: the
	// receiving goroutine replaces it after an outage, the control
	// goroutine (un)subscribes on it.
	psMu    sync.Mutex
	ps      *goredis.PubSub
	applied map[string]bool // rooms (un)subscribed on ps

	published, delivered, malformed, gaps atomic.Uint64
}

var _ ws.Broker = (*Broker)(nil)

// New returns a Broker for one node and starts its two goroutines: one
// receives from the pub/sub connection (and reconnects it), the other
// applies the hub's subscriptions and refreshes presence. New does not
// wait for Redis: the receiving goroutine connects, and an unreachable
// Redis is logged and retried (and reported by Publish). It returns an
// error when Client is nil or NodeID is longer than 255 bytes.
func New(opts Options) (*Broker, error) {
	if opts.Client == nil {
		return nil, errors.New("ws/redis: New: Options.Client is nil")
	}
	if len(opts.NodeID) > 255 {
		return nil, fmt.Errorf("ws/redis: New: NodeID is %d bytes, more than 255", len(opts.NodeID))
	}
	if opts.NodeID == "" {
		var id [16]byte
		rand.Read(id[:])
		opts.NodeID = hex.EncodeToString(id[:])
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.PingInterval <= 0 {
		opts.PingInterval = DefaultPingInterval
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	opts.MaxBackoff = max(opts.MaxBackoff, opts.MinBackoff)
	if opts.PresenceInterval <= 0 {
		opts.PresenceInterval = DefaultPresenceInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := &Broker{
		opts:      opts,
		node:      opts.NodeID,
		wake:      make(chan struct{}, 1),
		rooms:     map[string]func(ws.MessageType, []byte){},
		confirmed: map[string]bool{},
		changed:   make(chan struct{}),
		applied:   map[string]bool{},
		present:   map[string]bool{},
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.ps = opts.Client.Subscribe(b.ctx)
	b.wg.Add(2)
	go b.receive()
	go b.control()
	return b, nil
}

// NodeID returns the id of this node.
func (b *Broker) NodeID() string { return b.node }

// Subscribe records that this node's hub has members in room and returns at
// once; the Redis subscription is made from the Broker's goroutine (see
// Sync). Broadcasts that other nodes publish before it is in place do not
// reach this node. It returns ErrClosed after Close.
func (b *Broker) Subscribe(room string, deliver func(typ ws.MessageType, data []byte)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	b.rooms[room] = deliver
	b.notifyLocked()
	b.poke()
	return nil
}

// Unsubscribe records that this node's hub has no member left in room and
// returns at once; messages for room are dropped from now on, and the
// Redis subscription is removed from the Broker's goroutine. It always
// returns nil.
func (b *Broker) Unsubscribe(room string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.rooms[room]; ok {
		delete(b.rooms, room)
		b.notifyLocked()
		b.poke()
	}
	return nil
}

// Publish sends a message to room on every other node, as one Redis
// PUBLISH of the message tagged with this node's id. It returns ErrClosed
// after Close, and the Redis error (wrapped) when Redis cannot be reached
// within ctx and the client's own retries.
func (b *Broker) Publish(ctx context.Context, room string, typ ws.MessageType, data []byte) error {
	b.mu.RLock()
	closed := b.closed
	b.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	env := appendEnvelope(make([]byte, 0, envelopeHeader+len(b.node)+len(data)), b.node, typ, data)
	if err := b.opts.Client.Publish(ctx, b.channel(room), env).Err(); err != nil {
		return fmt.Errorf("ws/redis: publish: %w", err)
	}
	b.published.Add(1)
	return nil
}

// Sync waits until every room the hub subscribed to so far is subscribed
// on Redis, confirmed by the server, and, when presence is on, recorded:
// from then on, broadcasts published by other nodes to those rooms reach
// this node, and Count counts its members. It returns ctx's error if
// that takes too long (during an outage, for instance), and ErrClosed after
// Close. Servers call it in readiness checks; tests call it before
// broadcasting from another node.
func (b *Broker) Sync(ctx context.Context) error {
	for {
		b.mu.RLock()
		closed, ready, changed := b.closed, b.subscribedLocked() && b.recordedLocked(), b.changed
		b.mu.RUnlock()
		switch {
		case closed:
			return ErrClosed
		case ready:
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("ws/redis: sync: %w", ctx.Err())
		}
	}
}

// subscribedLocked reports whether the connection is up and every wanted
// room confirmed. b.mu is held.
func (b *Broker) subscribedLocked() bool {
	if !b.connected {
		return false
	}
	for room := range b.rooms {
		if !b.confirmed[room] {
			return false
		}
	}
	return true
}

// recordedLocked reports whether every wanted room has a presence record,
// or presence is off. b.mu is held.
func (b *Broker) recordedLocked() bool {
	if b.opts.LocalCount == nil {
		return true
	}
	for room := range b.rooms {
		if !b.present[room] {
			return false
		}
	}
	return true
}

// Stats returns the Broker's counters.
func (b *Broker) Stats() Stats {
	b.mu.RLock()
	connected := b.connected
	b.mu.RUnlock()
	return Stats{
		Published: b.published.Load(),
		Delivered: b.delivered.Load(),
		Malformed: b.malformed.Load(),
		Gaps:      b.gaps.Load(),
		Connected: connected,
	}
}

// Close stops the Broker: it closes the pub/sub connection, removes this
// node's presence records (best effort, within ctx), and waits for its
// goroutines to end. Close the hub first (ws.Hub.Close), so that no member
// is left waiting for broadcasts. Later Subscribe, Publish and Sync calls
// return ErrClosed. Close returns the error of removing the presence
// records, if any.
func (b *Broker) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.notifyLocked()
	b.mu.Unlock()
	b.cancel()
	b.psMu.Lock()
	b.ps.Close()
	b.psMu.Unlock()
	b.wg.Wait()
	return b.forget(ctx, slices.Collect(maps.Keys(b.present)))
}

// channel returns the Redis channel of room.
func (b *Broker) channel(room string) string { return b.opts.Prefix + "room:" + room }

// notifyLocked wakes the Sync calls waiting for a change. b.mu is held.
func (b *Broker) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// poke asks the control goroutine to reconcile the subscriptions, without
// blocking: one pending request covers any number of changes.
func (b *Broker) poke() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}
