package ws

import "sync"

// sendQueue is a connection's bounded queue of outgoing messages. Unlike a
// channel, it can make room: a message that must be kept in order pushes
// out the oldest droppable message (see Message.Droppable), or, when the
// sender asks, the oldest message of any kind.
//
// The waiting messages are items[head:]. Popping advances head, and the
// slice is reused from its start once it empties, so that a connection
// that sends one message at a time (a broadcast, every member's usual
// case) allocates nothing per message; a backing array grown by a burst
// is let go when the queue empties, so that an idle connection keeps at
// most keptItems places.
type sendQueue struct {
	mu        sync.Mutex
	items     []*Message
	head      int // index of the oldest waiting message in items
	droppable int // droppable messages waiting
	limit     int
}

// keptItems is the capacity an empty queue keeps for the next messages.
const keptItems = 16

// push queues m. When the queue is full, a droppable m is refused with
// ErrQueueFull; any other m replaces the oldest droppable message, or the
// oldest message when dropOldest is set, or is refused with ErrQueueFull.
// evicted counts the queued messages pushed out (0 or 1).
func (q *sendQueue) push(m *Message, dropOldest bool) (evicted int, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items)-q.head >= q.limit {
		switch {
		case m.droppable:
			return 0, ErrQueueFull
		case q.droppable > 0:
			q.remove(q.oldestDroppable())
		case dropOldest:
			q.remove(0)
		default:
			return 0, ErrQueueFull
		}
		evicted = 1
	}
	if q.head > 0 && len(q.items) == cap(q.items) { // move the waiting messages to the front rather than grow
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, m)
	if m.droppable {
		q.droppable++
	}
	return evicted, nil
}

// len returns the number of messages waiting.
func (q *sendQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}

// pop returns the oldest message, or nil when the queue is empty.
func (q *sendQueue) pop() *Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) {
		return nil
	}
	m := q.items[q.head]
	q.remove(0)
	return m
}

// oldestDroppable returns the position, among the waiting messages, of
// the oldest droppable one; there is one. q.mu is held.
func (q *sendQueue) oldestDroppable() int {
	for i, m := range q.items[q.head:] {
		if m.droppable {
			return i
		}
	}
	return -1
}

// remove deletes the waiting message at position i (0 is the oldest).
// q.mu is held.
func (q *sendQueue) remove(i int) {
	waiting := q.items[q.head:]
	if waiting[i].droppable {
		q.droppable--
	}
	if i == 0 {
		waiting[0] = nil
		q.head++
	} else {
		copy(waiting[i:], waiting[i+1:])
		waiting[len(waiting)-1] = nil
		q.items = q.items[:len(q.items)-1]
	}
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
		if cap(q.items) > keptItems {
			q.items = nil
		}
	}
}
