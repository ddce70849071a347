package stream

import (
	"reflect"

	"github.com/stdapi/stdapi/bind"
)

// The methods below are how package docs documents a stream endpoint (see
// docs.StreamDescriber): its parameters as for a bind handler, and the
// types of the items it streams.

// Input describes the endpoint's input type: its parameters.
func (h *eventsHandler[In, T]) Input() *bind.Input { return h.input }

// OpenAPIStream returns "text/event-stream" and the data type of each
// event by name: those of EventTypes ("" for unnamed events), or T
// for events of any name ("*").
func (h *eventsHandler[In, T]) OpenAPIStream() (string, map[string]reflect.Type) {
	if h.types != nil {
		return "text/event-stream", h.types
	}
	return "text/event-stream", map[string]reflect.Type{"*": reflect.TypeFor[T]()}
}

// Input describes the endpoint's input type: its parameters.
func (h *linesHandler[In, T]) Input() *bind.Input { return h.input }

// OpenAPIStream returns "application/jsonl" and the type of its items.
func (h *linesHandler[In, T]) OpenAPIStream() (string, map[string]reflect.Type) {
	return "application/jsonl", map[string]reflect.Type{"": reflect.TypeFor[T]()}
}
