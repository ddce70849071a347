package ws

import "sync"

// sendQueue is a connection's bounded queue of outgoing messages. Unlike a
// channel, it can make room: a message that must be kept in order pushes
// out the oldest droppable message (see Message.Droppable), or, when the
// sender asks, the oldest message of any kind.
type sendQueue struct {
	mu        sync.Mutex
	items     []*Message
	droppable int // droppable messages in items
	limit     int
}

func newSendQueue(limit int) *sendQueue {
	return &sendQueue{limit: limit}
}

// push queues m. When the queue is full, a droppable m is refused with
// ErrQueueFull; any other m replaces the oldest droppable message, or the
// oldest message when dropOldest is set, or is refused with ErrQueueFull.
// evicted counts the queued messages pushed out (0 or 1).
func (q *sendQueue) push(m *Message, dropOldest bool) (evicted int, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) >= q.limit {
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
	return len(q.items)
}

// pop returns the oldest message, or nil when the queue is empty.
func (q *sendQueue) pop() *Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil
	}
	m := q.items[0]
	q.remove(0)
	return m
}

// oldestDroppable returns the index of the oldest droppable message; there
// is one. q.mu is held.
func (q *sendQueue) oldestDroppable() int {
	for i, m := range q.items {
		if m.droppable {
			return i
		}
	}
	return -1
}

// remove deletes items[i]. q.mu is held.
func (q *sendQueue) remove(i int) {
	if q.items[i].droppable {
		q.droppable--
	}
	if i == 0 {
		q.items[0] = nil
		q.items = q.items[1:]
		return
	}
	copy(q.items[i:], q.items[i+1:])
	q.items[len(q.items)-1] = nil
	q.items = q.items[:len(q.items)-1]
}
