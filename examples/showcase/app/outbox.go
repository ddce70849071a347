package app

import (
	"context"
	"sync"
)

// DefaultOutboxCapacity is the number of mails an Outbox keeps when its
// Capacity is zero.
const DefaultOutboxCapacity = 100

// Mail is a message sent by the fake mailer.
type Mail struct {
	To      string `json:"to" example:"bob@example.com"`
	Subject string `json:"subject" example:"Notification"`
	Body    string `json:"body" example:"some notification"`
}

// Outbox is a fake mailer: it keeps the newest mails it sends, at most
// Capacity of them, and drops the oldest to make room. It is bounded
// because anyone may fill it: POST /send-notification/{email} needs no
// credentials. Dropping the oldest, rather than refusing new mails, keeps
// the endpoint working for everyone once the outbox is full. The zero
// value is ready to use.
type Outbox struct {
	// Capacity is the most mails kept. Default DefaultOutboxCapacity (0
	// or negative).
	Capacity int

	mu      sync.Mutex
	mails   []Mail
	dropped int
}

// Send "sends" m: it keeps m, dropping the oldest mail when the outbox is
// full. It fails only when ctx is done.
func (o *Outbox) Send(ctx context.Context, m Mail) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	capacity := o.Capacity
	if capacity <= 0 {
		capacity = DefaultOutboxCapacity
	}
	if len(o.mails) >= capacity {
		n := copy(o.mails, o.mails[len(o.mails)-capacity+1:])
		o.dropped += len(o.mails) - n
		o.mails = o.mails[:n]
	}
	o.mails = append(o.mails, m)
	return nil
}

// Mails returns the mails kept, oldest first.
func (o *Outbox) Mails() []Mail {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Mail{}, o.mails...)
}

// Dropped returns the number of mails dropped to make room for newer ones.
func (o *Outbox) Dropped() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped
}
