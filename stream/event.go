package stream

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one server-sent event whose data is the JSON of a T.
type Event[T any] struct {
	// ID is the event's id field, which the browser sends back in the
	// Last-Event-ID header when it reconnects. "" sends none. It must not
	// hold CR, LF or NUL.
	ID string
	// Name is the event's type (the event field), which selects the
	// listener in the browser (addEventListener(Name, ...)). "" sends none:
	// the browser's "message" event. It must not hold CR or LF.
	Name string
	// Data is sent as its JSON encoding, on one data line: encoding/json
	// never writes a raw newline.
	Data T
	// Retry, when positive, tells the browser how long to wait before
	// reconnecting, in whole milliseconds.
	Retry time.Duration
}

// ErrInvalidEvent is wrapped by the error of a send whose event has an id
// or a name the wire format cannot carry (CR, LF, NUL in an id), or whose
// data does not match the type declared for its name in EventTypes.
var ErrInvalidEvent = errors.New("stream: invalid event")

// encodeEvent returns the wire form of one event, data already encoded.
func encodeEvent(id, name string, data []byte, retry time.Duration) ([]byte, error) {
	if strings.ContainsAny(id, "\r\n\x00") {
		return nil, fmt.Errorf("%w: id %q holds CR, LF or NUL", ErrInvalidEvent, id)
	}
	if strings.ContainsAny(name, "\r\n") {
		return nil, fmt.Errorf("%w: name %q holds CR or LF", ErrInvalidEvent, name)
	}
	b := make([]byte, 0, len(data)+len(id)+len(name)+32)
	if id != "" {
		b = append(append(append(b, "id: "...), id...), '\n')
	}
	if name != "" {
		b = append(append(append(b, "event: "...), name...), '\n')
	}
	if retry > 0 {
		b = append(b, "retry: "...)
		b = strconv.AppendInt(b, retry.Milliseconds(), 10)
		b = append(b, '\n')
	}
	b = appendData(b, data)
	return append(b, '\n'), nil
}

// appendData appends data as data lines, one per line of data: a line
// break (CR, LF or CRLF) inside data would otherwise end the field, so the
// browser joins the lines back with LF.
func appendData(b, data []byte) []byte {
	for {
		i := indexLineBreak(data)
		if i < 0 {
			break
		}
		b = append(append(append(b, "data: "...), data[:i]...), '\n')
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			i++
		}
		data = data[i+1:]
	}
	return append(append(append(b, "data: "...), data...), '\n')
}

func indexLineBreak(b []byte) int {
	for i, c := range b {
		if c == '\n' || c == '\r' {
			return i
		}
	}
	return -1
}

// keepAliveFrame is a comment line: browsers ignore it, proxies see traffic.
var keepAliveFrame = []byte(": keepalive\n\n")

// encodeJSON encodes v as bind encodes a response body.
func encodeJSON(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("stream: encoding %T: %w", v, err)
	}
	return b, nil
}
