package redis

import (
	"errors"
	"math/rand/v2"
	"net"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stdapi/stdapi/ws"
)

var errNoPong = errors.New("ws/redis: Redis did not answer a ping")

// outage is what the receiving goroutine knows of a current outage.
type outage struct {
	start time.Time
	err   error
}

// receive reads the pub/sub connection until Close: it hands other nodes'
// messages to the hub, tracks subscription confirmations, pings an idle
// connection, and replaces a lost connection with a new one, with backoff,
// reporting the gap once every room is subscribed again.
func (b *Broker) receive() {
	defer b.wg.Done()
	var (
		down        *outage
		up          bool // connected, every room confirmed
		pingPending bool
		backoff     = b.opts.MinBackoff
		ps          = b.current()
	)
	// The first connection is not an outage, but it is reported as
	// connected only once it answers: ping to find out.
	if err := ps.Ping(b.ctx); err == nil {
		pingPending = true
	}
	for {
		msg, err := ps.ReceiveTimeout(b.ctx, b.opts.PingInterval)
		if b.ctx.Err() != nil {
			return
		}
		if err == nil {
			pingPending = false
			b.handle(msg)
			if !up && b.settle(down) {
				up, down, backoff = true, nil, b.opts.MinBackoff
			}
			continue
		}
		if isTimeout(err) && !pingPending {
			if err = ps.Ping(b.ctx); err == nil {
				pingPending = true
				continue
			}
		} else if isTimeout(err) {
			err = errNoPong
		} else if errors.As(err, new(goredis.Error)) {
			b.opts.Logger.Warn("ws/redis: unexpected reply on the pub/sub connection", "node", b.node, "error", err)
			continue
		}
		if down == nil {
			down = &outage{start: time.Now(), err: err}
			b.opts.Logger.Warn("ws/redis: pub/sub connection lost, reconnecting; broadcasts from other nodes are lost until it is back",
				"node", b.node, "error", err)
		}
		up = false
		b.setConnected(false)
		if !b.sleep(backoff) {
			return
		}
		backoff = min(2*backoff, b.opts.MaxBackoff)
		if ps = b.reconnect(); ps == nil {
			return
		}
		pingPending = ps.Ping(b.ctx) == nil
	}
}

// handle processes one reply of the pub/sub connection.
func (b *Broker) handle(msg any) {
	switch msg := msg.(type) {
	case *goredis.Message:
		b.dispatch(msg.Channel, msg.Payload)
	case *goredis.Subscription:
		room, ok := strings.CutPrefix(msg.Channel, b.opts.Prefix+"room:")
		if !ok {
			return
		}
		b.mu.Lock()
		switch msg.Kind {
		case "subscribe":
			b.confirmed[room] = true
		case "unsubscribe":
			delete(b.confirmed, room)
		}
		b.notifyLocked()
		b.mu.Unlock()
	}
}

// dispatch hands a message published by another node to the hub, once.
func (b *Broker) dispatch(channel, payload string) {
	room, ok := strings.CutPrefix(channel, b.opts.Prefix+"room:")
	e, data, err := parseEnvelope(payload)
	if !ok || err != nil {
		b.malformed.Add(1)
		b.opts.Logger.Warn("ws/redis: dropped a malformed message", "node", b.node, "channel", channel, "bytes", len(payload))
		return
	}
	if e.node == b.node {
		return // delivered locally by the hub before it published
	}
	b.mu.RLock()
	deliver := b.rooms[room]
	b.mu.RUnlock()
	if deliver == nil {
		return // the last member left after the message was sent
	}
	if !b.dedupe.first(origin{e.node, e.epoch}, e.seq) {
		b.duplicates.Add(1)
		return
	}
	var msg *ws.Message
	if e.typ == ws.Text {
		msg = ws.NewText(data)
	} else {
		msg = ws.NewBinary([]byte(data))
	}
	if e.droppable {
		msg = msg.Droppable()
	}
	b.delivered.Add(1)
	deliver(msg)
}

// settle marks the connection up once it answered and every room is
// confirmed, ending the outage down, if any: it reports the gap and
// returns true. Without an outage it returns whether the connection is
// settled.
func (b *Broker) settle(down *outage) bool {
	b.mu.Lock()
	if !b.connected {
		b.connected = true
		b.notifyLocked()
		b.poke() // presence records that failed while Redis was away are due now
	}
	synced := b.subscribedLocked()
	var rooms []string
	if synced && down != nil {
		rooms = make([]string, 0, len(b.rooms))
		for room := range b.rooms {
			rooms = append(rooms, room)
		}
	}
	b.mu.Unlock()
	if !synced || down == nil {
		return synced
	}
	slices.Sort(rooms)
	gap := Gap{Start: down.start, End: time.Now(), Err: down.err, Rooms: rooms}
	b.gaps.Add(1)
	b.opts.Logger.Warn("ws/redis: pub/sub connection restored; broadcasts from other nodes to these rooms during the outage were lost",
		"node", b.node, "outage", gap.End.Sub(gap.Start), "rooms", len(rooms), "error", gap.Err)
	if b.opts.OnGap != nil {
		b.opts.OnGap(gap)
	}
	return true
}

// setConnected records whether the pub/sub connection is up. A lost
// connection has no confirmed subscription left, and the presence records
// may be lost too (a restarted Redis): they are written again once the
// connection is back.
func (b *Broker) setConnected(up bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.connected = up
	if !up {
		clear(b.confirmed)
		for room := range b.present {
			if _, ok := b.rooms[room]; ok {
				delete(b.present, room)
			}
		}
	}
	b.notifyLocked()
}

// reconnect replaces the pub/sub connection with a new one and asks the
// control goroutine to subscribe every room on it. It returns nil after
// Close.
func (b *Broker) reconnect() *goredis.PubSub {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	if b.ctx.Err() != nil {
		return nil
	}
	b.ps.Close()
	b.ps = b.opts.Client.Subscribe(b.ctx)
	clear(b.applied)
	b.poke()
	return b.ps
}

// current returns the pub/sub connection.
func (b *Broker) current() *goredis.PubSub {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	return b.ps
}

// sleep waits d with up to 20% jitter; it returns false if the Broker is
// closed meanwhile.
func (b *Broker) sleep(d time.Duration) bool {
	d += time.Duration(rand.Int64N(int64(d)/5 + 1))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-b.ctx.Done():
		return false
	}
}

// isTimeout reports a read deadline reached on an idle connection.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
