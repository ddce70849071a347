package ws

import (
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"
)

// MessageType is the type of a WebSocket data message.
type MessageType int

const (
	// Text is a UTF-8 text message.
	Text MessageType = websocket.TextMessage
	// Binary is a binary message.
	Binary MessageType = websocket.BinaryMessage
)

// String returns "text", "binary" or "MessageType(N)".
func (t MessageType) String() string {
	switch t {
	case Text:
		return "text"
	case Binary:
		return "binary"
	}
	return fmt.Sprintf("MessageType(%d)", int(t))
}

// Message is an outgoing message. It is immutable once built, so one Message
// can be sent to any number of connections; the hub encodes a broadcast
// message into its wire frame once (see Hub.Broadcast). Do not modify the
// byte slice given to NewBinary after building the message.
type Message struct {
	typ       MessageType
	data      []byte
	droppable bool

	once sync.Once
	pm   atomic.Pointer[websocket.PreparedMessage]
}

// NewText returns a text message holding s.
func NewText(s string) *Message { return &Message{typ: Text, data: []byte(s)} }

// NewBinary returns a binary message holding b (not copied).
func NewBinary(b []byte) *Message { return &Message{typ: Binary, data: b} }

// NewJSON returns a text message holding the JSON encoding of v, or the
// encoding error.
func NewJSON(v any) (*Message, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ws: encode JSON message: %w", err)
	}
	return &Message{typ: Text, data: b}, nil
}

// Droppable returns a message with m's type and payload that a full send
// queue may drop: presence news ("X joined"), typing indicators, progress
// updates, anything the client can go without or will see superseded.
// When a connection's queue is full, a droppable message is not queued, and
// a message that is not droppable takes the place of the oldest droppable
// one waiting; a Hub counts these drops (HubStats.Dropped) and never
// disconnects a member for a droppable message. Messages that are not
// droppable (the default: chat messages, replies) reach the client in the
// order they were queued, or the member is disconnected (see
// Hub.OnFull).
func (m *Message) Droppable() *Message {
	return &Message{typ: m.typ, data: m.data, droppable: true}
}

// IsDroppable reports whether m was made by Droppable.
func (m *Message) IsDroppable() bool { return m.droppable }

// Type returns the message type.
func (m *Message) Type() MessageType { return m.typ }

// Data returns the payload. The caller must not modify it.
func (m *Message) Data() []byte { return m.data }

// prepare encodes the frame once, for messages sent to many connections.
// Preparation cannot fail for a Text or Binary message; if it did, the
// message would simply be sent unprepared.
func (m *Message) prepare() {
	m.once.Do(func() {
		if pm, err := websocket.NewPreparedMessage(int(m.typ), m.data); err == nil {
			m.pm.Store(pm)
		}
	})
}

// write sends m on c, through its prepared frame when there is one.
func (m *Message) write(c *websocket.Conn) error {
	if pm := m.pm.Load(); pm != nil {
		return c.WritePreparedMessage(pm)
	}
	return c.WriteMessage(int(m.typ), m.data)
}
