package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/stdapi/stdapi/deps"
)

// DB is a fake database: items in memory, behind a mutex. Handlers reach it
// through a Session, provided per request by the Sessions dependency, as a
// FastAPI application gets a SQLAlchemy session from get_db.
type DB struct {
	mu     sync.Mutex
	items  map[int64]Item
	nextID int64

	smu  sync.Mutex
	open int           // sessions not yet closed
	idle chan struct{} // closed when open drops to 0, for Wait
}

// NewDB returns an empty database.
func NewDB() *DB { return &DB{items: map[int64]Item{}, nextID: 1} }

// OpenSessions reports how many sessions are open: 0 once every request's
// dependency cleanups have run.
func (db *DB) OpenSessions() int {
	db.smu.Lock()
	defer db.smu.Unlock()
	return db.open
}

// Wait waits until every session is closed, as a connection pool's Close
// waits for its connections, or until ctx is done.
func (db *DB) Wait(ctx context.Context) error {
	db.smu.Lock()
	if db.open == 0 {
		db.smu.Unlock()
		return nil
	}
	if db.idle == nil {
		db.idle = make(chan struct{})
	}
	idle := db.idle
	db.smu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("db: %d sessions still open: %w", db.OpenSessions(), ctx.Err())
	}
}

func (db *DB) opened() {
	db.smu.Lock()
	db.open++
	db.smu.Unlock()
}

func (db *DB) closed() {
	db.smu.Lock()
	defer db.smu.Unlock()
	db.open--
	if db.open == 0 && db.idle != nil {
		close(db.idle)
		db.idle = nil
	}
}

// errSessionClosed is what a session answers once its request has ended.
var errSessionClosed = errors.New("db: session closed")

// Session is one request's handle on the database.
type Session struct {
	db     *DB
	closed atomic.Bool
}

// Sessions returns the per-request session provider: opened on first use,
// shared by everything the request resolves, closed after the response by
// the dependency's cleanup.
func (db *DB) Sessions() *deps.Provider[*Session] {
	return deps.NewWithCleanup(func(r *http.Request) (*Session, func(error), error) {
		db.opened()
		s := &Session{db: db}
		return s, func(err error) {
			s.closed.Store(true)
			db.closed()
			slog.DebugContext(r.Context(), "db session closed", "request_failed", err != nil)
		}, nil
	}, deps.Name("db.Session"))
}

func (s *Session) lock() error {
	if s.closed.Load() {
		return errSessionClosed
	}
	s.db.mu.Lock()
	return nil
}

// List returns at most limit items in id order, after skipping skip.
func (s *Session) List(_ context.Context, skip, limit int) ([]Item, error) {
	if err := s.lock(); err != nil {
		return nil, err
	}
	defer s.db.mu.Unlock()
	all := make([]Item, 0, len(s.db.items))
	for _, it := range s.db.items {
		all = append(all, it)
	}
	slices.SortFunc(all, func(a, b Item) int { return int(a.ID - b.ID) })
	if skip >= len(all) {
		return []Item{}, nil
	}
	all = all[skip:]
	return all[:min(limit, len(all))], nil
}

// Get returns the item id, and whether it exists.
func (s *Session) Get(_ context.Context, id int64) (Item, bool, error) {
	if err := s.lock(); err != nil {
		return Item{}, false, err
	}
	defer s.db.mu.Unlock()
	it, ok := s.db.items[id]
	return it, ok, nil
}

// Create stores a new item owned by owner.
func (s *Session) Create(_ context.Context, in ItemIn, owner string) (Item, error) {
	if err := s.lock(); err != nil {
		return Item{}, err
	}
	defer s.db.mu.Unlock()
	it := Item{ID: s.db.nextID, ItemIn: in, Owner: owner}
	s.db.nextID++
	s.db.items[it.ID] = it
	return it, nil
}

// Update replaces the fields of item id, and reports whether it exists.
func (s *Session) Update(_ context.Context, id int64, in ItemIn) (Item, bool, error) {
	if err := s.lock(); err != nil {
		return Item{}, false, err
	}
	defer s.db.mu.Unlock()
	it, ok := s.db.items[id]
	if !ok {
		return Item{}, false, nil
	}
	it.ItemIn = in
	s.db.items[id] = it
	return it, true, nil
}

// Delete removes item id, and reports whether it existed.
func (s *Session) Delete(_ context.Context, id int64) (bool, error) {
	if err := s.lock(); err != nil {
		return false, err
	}
	defer s.db.mu.Unlock()
	_, ok := s.db.items[id]
	delete(s.db.items, id)
	return ok, nil
}

// Count returns the number of items.
func (s *Session) Count(_ context.Context) (int, error) {
	if err := s.lock(); err != nil {
		return 0, err
	}
	defer s.db.mu.Unlock()
	return len(s.db.items), nil
}

// session returns a session for work outside requests, such as jobs.
func (db *DB) session() *Session { return &Session{db: db} }
