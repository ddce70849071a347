package main

import (
	"context"
	"slices"
	"sync"

	"github.com/stdapi/stdapi/security"
)

// Store is the in-memory database of the example: users and items.
type Store struct {
	mu     sync.Mutex
	users  map[string]account
	items  []Item
	nextID int64
	open   int    // sessions not closed yet
	dummy  string // a hash that matches no password, for unknown users
}

type account struct {
	User
	hash string
}

// NewStore returns an empty store.
func NewStore() *Store {
	dummy, err := (&security.Hasher{}).Hash(context.Background(), "no user has this password")
	if err != nil {
		panic(err)
	}
	return &Store{users: map[string]account{}, nextID: 1, dummy: dummy}
}

// Session is one request's view of the store, closed after the response.
type Session struct {
	s      *Store
	closed bool
}

// Begin opens a session.
func (s *Store) Begin() *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.open++
	return &Session{s: s}
}

// Open returns the number of sessions not closed yet.
func (s *Store) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.open
}

// Close closes the session; it is the cleanup of the session dependency.
func (ss *Session) Close(error) {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if !ss.closed {
		ss.closed = true
		ss.s.open--
	}
}

// Hash returns the password hash of a user.
func (s *Store) Hash(username string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.users[username]
	return a.hash, ok
}

// AddUser stores a new user; false if the name is taken.
func (ss *Session) AddUser(u User, hash string) bool {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if _, ok := ss.s.users[u.Username]; ok {
		return false
	}
	ss.s.users[u.Username] = account{User: u, hash: hash}
	return true
}

// User returns a user.
func (ss *Session) User(name string) (User, bool) {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	a, ok := ss.s.users[name]
	return a.User, ok
}

// Items returns a page of items, oldest first; never nil.
func (ss *Session) Items(skip, limit int) []Item {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	items := ss.s.items[min(skip, len(ss.s.items)):]
	return slices.Clone(items[:min(limit, len(items))])
}

// AddItem stores a new item.
func (ss *Session) AddItem(in ItemIn, owner string) Item {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	it := Item{ID: ss.s.nextID, ItemIn: in, Owner: owner}
	ss.s.nextID++
	ss.s.items = append(ss.s.items, it)
	return it
}

// Item returns an item.
func (ss *Session) Item(id int64) (Item, bool) {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	i := slices.IndexFunc(ss.s.items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return Item{}, false
	}
	return ss.s.items[i], true
}

// ReplaceItem replaces an item's fields.
func (ss *Session) ReplaceItem(id int64, in ItemIn) (Item, bool) {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	i := slices.IndexFunc(ss.s.items, func(it Item) bool { return it.ID == id })
	if i < 0 {
		return Item{}, false
	}
	ss.s.items[i].ItemIn = in
	return ss.s.items[i], true
}

// DeleteItem deletes an item; false if there is none.
func (ss *Session) DeleteItem(id int64) bool {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	n := len(ss.s.items)
	ss.s.items = slices.DeleteFunc(ss.s.items, func(it Item) bool { return it.ID == id })
	return len(ss.s.items) < n
}

// Outbox keeps the mails the app "sends".
type Outbox struct {
	mu    sync.Mutex
	Mails []string
}

// Send records a mail.
func (o *Outbox) Send(to, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.Mails = append(o.Mails, to+": "+text)
}

// Sent returns the mails sent so far.
func (o *Outbox) Sent() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.Mails)
}
