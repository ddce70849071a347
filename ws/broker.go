package ws

import (
	"context"
	"sync"
)

// Broker carries a Hub's broadcasts to the hubs of other processes (nodes),
// so that a broadcast on any node reaches the room's members on every node.
// A hub without a Broker reaches only its own members. One Broker value
// serves one Hub: it is that node's link to the others.
//
// The hub delivers a broadcast to its local members itself, then calls
// Publish; a Broker must therefore never hand a node back its own messages
// (tag them with an origin node id and skip them on arrival). The hub
// reference-counts rooms: it calls Subscribe when the first local member
// joins a room and Unsubscribe when the last one leaves, so a node listens
// only to rooms it has members in, once each.
//
// A hub calls Subscribe and Unsubscribe one at a time, in order, usually
// with its lock held: they must not block on the network (record the change and apply it from the Broker's own goroutine)
// and must not call back into the hub. A Redis adapter, for instance, keeps
// one pub/sub connection per node, (un)subscribes channels from its
// goroutine, and resubscribes after reconnecting.
//
// deliver encodes the message once for the node and queues it to the local
// members without blocking; it may be called from any goroutine, also after
// Unsubscribe for messages already in flight (they are then dropped), and
// must not be kept once Unsubscribe returns. A Broker carries a message's
// type, payload and droppability (Message.IsDroppable): build the message
// to deliver with NewText or NewBinary, and Droppable when the published
// one was. The payloads of the messages passed to Publish and to deliver
// must not be modified afterwards.
//
// Publish must not block its caller (a connection's read loop, usually) for
// an outage: bound it with a short deadline, or queue the message and
// publish it from the Broker's own goroutine.
//
// Delivery is at most once: a message published while a node is cut off is
// lost for that node, as with Redis pub/sub.
type Broker interface {
	// Subscribe starts calling deliver with the messages other nodes
	// publish to room.
	Subscribe(room string, deliver func(msg *Message)) error
	// Unsubscribe stops the deliveries for room.
	Unsubscribe(room string) error
	// Publish sends a message to room on every other node.
	Publish(ctx context.Context, room string, msg *Message) error
}

// MemoryBus connects hubs of one process as if they were nodes: the
// in-memory Broker, for tests and for code that should not care whether
// it runs on one node or many. Each call to Node returns the Broker of a new
// node; give each hub its own.
//
//	bus := ws.NewMemoryBus()
//	a := &ws.Hub{Broker: bus.Node()}
//	b := &ws.Hub{Broker: bus.Node()}
//	a.Broadcast(ctx, "lobby", msg) // reaches the lobby members of a and b
type MemoryBus struct {
	mu   sync.RWMutex
	subs map[string]map[*memoryNode]func(*Message)
}

// NewMemoryBus returns an empty bus.
func NewMemoryBus() *MemoryBus {
	return &MemoryBus{subs: map[string]map[*memoryNode]func(*Message){}}
}

// Node returns the Broker of a new node on the bus.
func (b *MemoryBus) Node() Broker { return &memoryNode{bus: b} }

type memoryNode struct{ bus *MemoryBus }

func (n *memoryNode) Subscribe(room string, deliver func(*Message)) error {
	n.bus.mu.Lock()
	defer n.bus.mu.Unlock()
	nodes := n.bus.subs[room]
	if nodes == nil {
		nodes = map[*memoryNode]func(*Message){}
		n.bus.subs[room] = nodes
	}
	nodes[n] = deliver
	return nil
}

func (n *memoryNode) Unsubscribe(room string) error {
	n.bus.mu.Lock()
	defer n.bus.mu.Unlock()
	delete(n.bus.subs[room], n)
	if len(n.bus.subs[room]) == 0 {
		delete(n.bus.subs, room)
	}
	return nil
}

// Publish delivers to the other nodes synchronously: deliver never blocks.
// The nodes share msg, already encoded by the publishing hub.
func (n *memoryNode) Publish(ctx context.Context, room string, msg *Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n.bus.mu.RLock()
	targets := make([]func(*Message), 0, len(n.bus.subs[room]))
	for node, deliver := range n.bus.subs[room] {
		if node != n {
			targets = append(targets, deliver)
		}
	}
	n.bus.mu.RUnlock()
	for _, deliver := range targets {
		deliver(msg)
	}
	return nil
}
