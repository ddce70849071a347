package stream

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/stdapi/stdapi/ws"
)

// Join adds the stream to a room of hub, next to WebSocket connections:
// each text message broadcast to the room is sent as an unnamed event (the
// browser's "message") whose data is the message's text, a line break in
// it starting a new data line; binary messages are skipped, as SSE carries
// text. Broadcast JSON of T (ws.NewJSON) for the documented event type to
// hold. Join starts the response (see Open).
//
// Hub messages never block the broadcaster: they take a free place in the
// stream's queue (SendQueue), and when there is none the hub's
// policy applies as for a WebSocket connection (ws.Hub): a droppable
// message is missed, any other one disconnects the stream, which ends its
// context. The stream leaves every room when it ends. Join returns the
// hub's error (ws.ErrHubClosed...), or ErrClosed when the stream has ended.
func (s *Stream[T]) Join(hub *ws.Hub, room string) error {
	if err := s.Open(); err != nil {
		return err
	}
	s.core.memberOnce.Do(func() { s.core.member = &member{c: s.core} })
	if err := hub.Join(room, s.core.member); err != nil {
		return fmt.Errorf("stream: join %q: %w", room, err)
	}
	return nil
}

// Leave removes the stream from a room of hub.
func (s *Stream[T]) Leave(hub *ws.Hub, room string) {
	s.core.memberOnce.Do(func() { s.core.member = &member{c: s.core} })
	hub.Leave(room, s.core.member)
}

// member is a stream as a ws.Member.
type member struct{ c *core }

var _ ws.Member = (*member)(nil)

// Send queues m's text as an event, without blocking: ws.ErrQueueFull
// lets the hub apply its policy.
func (m *member) Send(msg *ws.Message) error {
	if msg.Type() != ws.Text {
		return nil
	}
	full, err := m.c.trySend(messageFrame(msg))
	switch {
	case err != nil:
		return ws.ErrClosed
	case full:
		return ws.ErrQueueFull
	}
	return nil
}

// lastFrame is the event frame of the message broadcast last: a hub
// hands one *ws.Message to every member of a room in turn, so the frame is
// encoded once per broadcast, not once per stream. Messages are immutable.
var lastFrame atomic.Pointer[encodedMessage]

type encodedMessage struct {
	msg   *ws.Message
	frame []byte
}

func messageFrame(msg *ws.Message) []byte {
	if e := lastFrame.Load(); e != nil && e.msg == msg {
		return e.frame
	}
	frame := appendData(make([]byte, 0, len(msg.Data())+8), msg.Data())
	frame = append(frame, '\n')
	lastFrame.Store(&encodedMessage{msg, frame})
	return frame
}

// Close ends the stream: the hub disconnects a slow member, or closes.
func (m *member) Close(code int, reason string) error {
	if m.c.ctx.Err() != nil {
		return ws.ErrClosed
	}
	m.c.cancel(fmt.Errorf("%w: %s (%d)", ErrClosed, reason, code))
	return nil
}

// Context is done when the stream has ended.
func (m *member) Context() context.Context { return m.c.ctx }

// memberState is embedded in core.
type memberState struct {
	memberOnce sync.Once
	member     *member
}
