package security

import (
	"context"
	"sync"
	"time"
)

// ThrottleStore keeps the counts of a Throttle: one counter per key, each
// with a fixed window that starts when the counter is created. Throttle
// adds 1 for each attempt, adds -1 to take an attempt back, and resets a
// username's counter after a successful login. MemoryThrottleStore is the
// default; a store shared by several instances (Redis: INCRBY, then
// PEXPIRE when the counter is new, and PTTL, in one script) makes them
// count together. Methods must be safe for concurrent use.
type ThrottleStore interface {
	// Add adds delta to the counter of key and returns the new count and
	// the time left in its window. A key that is absent or whose window
	// has ended starts from 0 with a new window of length window, except
	// that a negative delta never creates a counter: it returns 0 and 0. A
	// counter that drops to 0 or below is removed.
	Add(ctx context.Context, key string, delta int, window time.Duration) (count int, ttl time.Duration, err error)
	// Reset removes the counter of key.
	Reset(ctx context.Context, key string) error
}

// MemoryThrottleStore is the in-process ThrottleStore. It keeps at most
// MaxKeys counters: making a new one first drops expired counters, then
// the oldest, so that an attacker who varies usernames or addresses
// cannot grow memory without bound (a counter takes under 200 bytes with
// its key: 20 MB at most with the default MaxKeys).
// Every operation is O(1). The zero value is ready to use.
type MemoryThrottleStore struct {
	// MaxKeys bounds the number of counters. Default 100000.
	MaxKeys int
	// Now returns the current time. Default time.Now; tests set a clock.
	Now func() time.Time

	mu         sync.Mutex
	counters   map[string]*throttleCounter
	head, tail *throttleCounter // in order of creation, the oldest first
}

type throttleCounter struct {
	key        string
	n          int
	expires    time.Time
	prev, next *throttleCounter
}

// Add implements ThrottleStore.
func (s *MemoryThrottleStore) Add(_ context.Context, key string, delta int, window time.Duration) (int, time.Duration, error) {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters[key]
	if c != nil && !now.Before(c.expires) {
		s.remove(c)
		c = nil
	}
	if c == nil {
		if delta <= 0 {
			return 0, 0, nil
		}
		c = s.create(key, now.Add(window), now)
	}
	c.n += delta
	if c.n <= 0 {
		s.remove(c)
		return 0, 0, nil
	}
	return c.n, c.expires.Sub(now), nil
}

// Reset implements ThrottleStore.
func (s *MemoryThrottleStore) Reset(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.counters[key]; c != nil {
		s.remove(c)
	}
	return nil
}

func (s *MemoryThrottleStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// create adds a counter at the tail, making room first. Counters are in
// order of creation, so expired ones gather at the head; dropping a few
// of them per call keeps each call O(1), and the bound holds regardless.
func (s *MemoryThrottleStore) create(key string, expires, now time.Time) *throttleCounter {
	if s.counters == nil {
		s.counters = make(map[string]*throttleCounter)
	}
	for range 4 {
		if s.head == nil || now.Before(s.head.expires) {
			break
		}
		s.remove(s.head)
	}
	limit := s.MaxKeys
	if limit <= 0 {
		limit = 100000
	}
	for len(s.counters) >= limit {
		s.remove(s.head)
	}
	c := &throttleCounter{key: key, expires: expires, prev: s.tail}
	if s.tail != nil {
		s.tail.next = c
	} else {
		s.head = c
	}
	s.tail = c
	s.counters[key] = c
	return c
}

func (s *MemoryThrottleStore) remove(c *throttleCounter) {
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		s.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		s.tail = c.prev
	}
	c.prev, c.next = nil, nil
	delete(s.counters, c.key)
}
