package redis

import (
	"context"
	"crypto/rand"
	"encoding/binary"
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
	// go-redis UniversalClient, with any options: the copies that its
	// retries (MaxRetries) may publish are dropped by the receiving nodes,
	// so delivery stays at most once. The Broker does not close it.
	// Required.
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

	// PublishTimeout bounds the publication of each broadcast, from the
	// call to Publish to Redis's confirmation, waiting in the queue
	// included: a message not confirmed in time is counted in
	// Stats.PublishFailed, and a message whose time ran out while it waited
	// is not sent at all, so a Redis outage never delays broadcasts beyond
	// it, nor sends stale ones once Redis is back. Default 500ms (0 or
	// negative).
	PublishTimeout time.Duration

	// PublishQueue is the number of broadcasts that may wait to be
	// published; Publish returns ErrPublishQueueFull beyond it. Default
	// 1024 (0 or negative).
	PublishQueue int

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
	DefaultPublishTimeout   = 500 * time.Millisecond
	DefaultPublishQueue     = 1024
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
	// Published counts broadcasts published to Redis (confirmed by it).
	Published uint64
	// PublishDropped counts broadcasts refused by Publish because the
	// publish queue was full (ErrPublishQueueFull).
	PublishDropped uint64
	// PublishFailed counts broadcasts not confirmed by Redis within
	// Options.PublishTimeout: an error, a timeout, or a wait in the queue
	// that used the whole time. The other nodes received each of them
	// once or not at all.
	PublishFailed uint64
	// Delivered counts messages from other nodes handed to the hub.
	Delivered uint64
	// Duplicates counts copies of messages from other nodes dropped on
	// arrival: a PUBLISH the client sent twice (see Options.Client).
	Duplicates uint64
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
	opts  Options
	node  string
	epoch uint64 // random: tells this Broker's messages from those of an earlier one with the same NodeID
	seq   atomic.Uint64

	out      chan outgoing // broadcasts waiting to be published
	inflight chan struct{} // a token per pipeline running
	stopPub  chan struct{} // closed by Close: publish what is left and stop
	pubLog   pubLog
	dedupe   dedupe // used by the receiving goroutine only

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // asks the control goroutine to reconcile subscriptions

	mu        sync.RWMutex
	closed    bool
	rooms     map[string]func(*ws.Message) // rooms the hub wants, and their deliver functions
	confirmed map[string]bool              // rooms Redis confirmed on the current connection
	connected bool
	present   map[string]bool // rooms with a presence record; written by the control goroutine
	changed   chan struct{}   // closed when rooms, confirmed or connected change (for Sync)

	// psMu guards the pub/sub connection and what was sent on it: the
	// receiving goroutine replaces it after an outage, the control
	// goroutine (un)subscribes on it.
	psMu    sync.Mutex
	ps      *goredis.PubSub
	applied map[string]bool // rooms (un)subscribed on ps

	published, pubDropped, pubFailed, delivered, duplicates, malformed, gaps atomic.Uint64
}

var _ ws.Broker = (*Broker)(nil)

// New returns a Broker for one node and starts its three goroutines: one
// receives from the pub/sub connection (and reconnects it), one publishes
// the broadcasts, the last applies the hub's subscriptions and refreshes
// presence. New does not wait for Redis: the receiving goroutine connects,
// and an unreachable Redis is logged and retried (and counted in Stats).
// It returns an
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
	if opts.PublishTimeout <= 0 {
		opts.PublishTimeout = DefaultPublishTimeout
	}
	if opts.PublishQueue <= 0 {
		opts.PublishQueue = DefaultPublishQueue
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	var epoch [8]byte
	rand.Read(epoch[:])
	b := &Broker{
		opts:      opts,
		node:      opts.NodeID,
		epoch:     binary.BigEndian.Uint64(epoch[:]),
		out:       make(chan outgoing, opts.PublishQueue),
		stopPub:   make(chan struct{}),
		inflight:  make(chan struct{}, maxInflight),
		wake:      make(chan struct{}, 1),
		rooms:     map[string]func(*ws.Message){},
		confirmed: map[string]bool{},
		changed:   make(chan struct{}),
		applied:   map[string]bool{},
		present:   map[string]bool{},
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.ps = opts.Client.Subscribe(b.ctx)
	b.wg.Add(3)
	go b.receive()
	go b.control()
	go b.publisher()
	return b, nil
}

// NodeID returns the id of this node.
func (b *Broker) NodeID() string { return b.node }

// Subscribe records that this node's hub has members in room and returns at
// once; the Redis subscription is made from the Broker's goroutine (see
// Sync). Broadcasts that other nodes publish before it is in place do not
// reach this node. It returns ErrClosed after Close.
func (b *Broker) Subscribe(room string, deliver func(msg *ws.Message)) error {
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
		Published:      b.published.Load(),
		PublishDropped: b.pubDropped.Load(),
		PublishFailed:  b.pubFailed.Load(),
		Delivered:      b.delivered.Load(),
		Duplicates:     b.duplicates.Load(),
		Malformed:      b.malformed.Load(),
		Gaps:           b.gaps.Load(),
		Connected:      connected,
	}
}

// Close stops the Broker: it publishes the broadcasts still queued (each
// within its PublishTimeout), closes the pub/sub connection, removes this
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
	close(b.stopPub)
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
