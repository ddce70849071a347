package stream

import (
	"fmt"
	"reflect"
	"time"
)

// Options configure a stream endpoint (Events or Lines). The zero value is
// the default: one event type, a keepalive comment every 15 seconds, a
// 10-second write deadline, 16 events buffered.
type Options struct {
	// Events declares the named events of an Events endpoint whose data
	// type T is an interface (usually any): each name maps to a value of
	// the type of its data, such as {"created": Item{}, "deleted":
	// Deleted{}}; the key "" (or "message") declares unnamed events. A
	// send is then checked (an event of an undeclared name, or with data
	// of another type, gives ErrInvalidEvent and is not sent) and the
	// OpenAPI document lists every event. Default none: every event's data
	// is a T, whatever its name. Lines ignores it.
	Events map[string]any

	// KeepAlive is how often an Events stream writes a comment line when
	// nothing else was written, so that proxies and load balancers do not
	// close an idle connection, and a client that is gone is noticed by a
	// failing write. Default 15s (0); a negative value turns it off. The
	// first keepalive also starts the response (see Stream.Open).
	KeepAlive time.Duration

	// WriteTimeout bounds each write to the client, through
	// http.ResponseController.SetWriteDeadline (it replaces
	// http.Server.WriteTimeout, which would otherwise end every stream): a
	// client that does not read for this long is disconnected. Default 10s
	// (0 or negative).
	WriteTimeout time.Duration

	// SendQueue is how many encoded events an Events stream buffers for
	// its writer. Stream.Send blocks while it is full (until the writer
	// makes room, or the client is disconnected by WriteTimeout); a hub
	// broadcast that finds it full is handled by the hub's policy (see
	// Stream.Join). Memory per stream is bounded by SendQueue events.
	// Default 16 (0 or negative). Lines, which writes from the handler's
	// goroutine, buffers nothing.
	SendQueue int
}

// Defaults applied to zero Options fields.
const (
	DefaultKeepAlive    = 15 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultSendQueue    = 16
)

func options(opts []Options) Options {
	if len(opts) > 1 {
		panic("stream: more than one Options")
	}
	var o Options
	if len(opts) == 1 {
		o = opts[0]
	}
	if o.KeepAlive == 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.SendQueue <= 0 {
		o.SendQueue = DefaultSendQueue
	}
	return o
}

// eventTypes returns the declared event types by name ("" for unnamed
// events), or nil; it panics on a nil value.
func (o *Options) eventTypes() map[string]reflect.Type {
	if len(o.Events) == 0 {
		return nil
	}
	out := make(map[string]reflect.Type, len(o.Events))
	for name, v := range o.Events {
		if name == "message" {
			name = ""
		}
		t, ok := v.(reflect.Type)
		if !ok {
			t = reflect.TypeOf(v)
		}
		if t == nil {
			panic(fmt.Sprintf("stream: Options.Events[%q] is nil: give a value of the event's data type", name))
		}
		out[name] = t
	}
	return out
}
