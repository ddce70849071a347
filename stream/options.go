package stream

import (
	"fmt"
	"maps"
	"reflect"
	"time"
)

// Option configures a stream endpoint (Events or Lines), as in
// stream.Events(fn, stream.KeepAlive(time.Minute)). With no option, an
// endpoint has one event type, a keepalive comment every 15 seconds, a
// 10-second write deadline and 16 events buffered. Options apply in
// order: a later one overrides an earlier one of the same kind.
type Option func(*config)

// EventTypes declares the named events of an Events endpoint whose data
// type T is an interface (usually any): each name maps to a value of the
// type of its data, such as {"created": Item{}, "deleted": Deleted{}};
// the key "" (or "message") declares unnamed events. A send is then
// checked (an event of an undeclared name, or with data of another type,
// gives ErrInvalidEvent and is not sent) and the OpenAPI document lists
// every event. Default none: every event's data is a T, whatever its
// name. Lines ignores it. Events panics on a nil value.
func EventTypes(types map[string]any) Option {
	types = maps.Clone(types)
	return func(c *config) { c.events = types }
}

// KeepAlive sets how often an Events stream writes a comment line when
// nothing else was written, so that proxies and load balancers do not
// close an idle connection, and a client that is gone is noticed by a
// failing write. Default 15s (DefaultKeepAlive, also for 0); a negative d
// turns it off. The first keepalive also starts the response (see
// Stream.Open). Lines ignores it.
func KeepAlive(d time.Duration) Option { return func(c *config) { c.keepAlive = d } }

// WriteTimeout bounds each write to the client, through
// http.ResponseController.SetWriteDeadline (it replaces
// http.Server.WriteTimeout, which would otherwise end every stream): a
// client that does not read for this long is disconnected. Default 10s
// (DefaultWriteTimeout, also for 0 or negative).
func WriteTimeout(d time.Duration) Option { return func(c *config) { c.writeTimeout = d } }

// SendQueue sets how many encoded events an Events stream buffers for its
// writer. Stream.Send blocks while it is full (until the writer makes
// room, or the client is disconnected by WriteTimeout); a hub broadcast
// that finds it full is handled by the hub's policy (see Stream.Join).
// Memory per stream is bounded by n events. Default 16
// (DefaultSendQueue, also for 0 or negative). Lines, which writes from
// the handler's goroutine, buffers nothing.
func SendQueue(n int) Option { return func(c *config) { c.sendQueue = n } }

// Defaults of the options.
const (
	DefaultKeepAlive    = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultSendQueue    = 16
)

// config is what the options set, with the defaults filled in by
// newConfig.
type config struct {
	events       map[string]any
	keepAlive    time.Duration
	writeTimeout time.Duration
	sendQueue    int
}

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.keepAlive == 0 {
		c.keepAlive = DefaultKeepAlive
	}
	if c.writeTimeout <= 0 {
		c.writeTimeout = DefaultWriteTimeout
	}
	if c.sendQueue <= 0 {
		c.sendQueue = DefaultSendQueue
	}
	return c
}

// eventTypes returns the declared event types by name ("" for unnamed
// events), or nil; it panics on a nil value.
func (o *config) eventTypes() map[string]reflect.Type {
	if len(o.events) == 0 {
		return nil
	}
	out := make(map[string]reflect.Type, len(o.events))
	for name, v := range o.events {
		if name == "message" {
			name = ""
		}
		t, ok := v.(reflect.Type)
		if !ok {
			t = reflect.TypeOf(v)
		}
		if t == nil {
			panic(fmt.Sprintf("stream: EventTypes[%q] is nil: give a value of the event's data type", name))
		}
		out[name] = t
	}
	return out
}
