package docs

import (
	"maps"
	"slices"
)

// streamContent is the Content of a stream's success response. OpenAPI 3.1
// has no keyword for the items of a stream; OpenAPI 3.2 adds itemSchema to
// the Media Type Object. The media type gets both: x-itemSchema, the
// schema of one item as 3.2 would state it in itemSchema, and schema, an
// array of those items, which 3.1 tools (Swagger UI, ReDoc, generators)
// display as a model.
func streamContent(g *schemaSet, op *operation, usedOut map[string]bool) (map[string]any, error) {
	var item any
	var variants []any
	for _, name := range slices.Sorted(maps.Keys(op.streamItems)) {
		s, err := g.root(op.streamItems[name], nil, modeOut)
		if err != nil {
			return nil, err
		}
		collect(usedOut, outRefs(s))
		if op.streamMedia != "text/event-stream" {
			item = s
			continue
		}
		variants = append(variants, eventSchema(name, s))
	}
	description := "A stream of JSON Lines: each line is one item."
	if len(variants) == 1 {
		item = variants[0]
	} else if len(variants) > 1 {
		item = map[string]any{"oneOf": variants}
	}
	if variants != nil {
		description = "A stream of server-sent events: each item is one event, its data the JSON of the schema shown."
	}
	return map[string]any{op.streamMedia: map[string]any{
		"schema":       map[string]any{"type": "array", "description": description, "items": item},
		"x-itemSchema": deepCopy(item),
	}}, nil
}

// eventSchema describes one server-sent event named name (the browser's
// "message" when "", any name when "*"), with data, as parsed, following
// data.
func eventSchema(name string, data any) map[string]any {
	event := map[string]any{"type": "string", "const": name}
	required := []any{"data"}
	title := name
	switch name {
	case "":
		event["const"] = "message"
		event["description"] = "Not sent: an event without a name is a message."
		title = "message"
	case "*":
		delete(event, "const")
		event["description"] = "The event's name; an event without one is a message."
		title = "event"
	default:
		required = append(required, "event")
	}
	return map[string]any{
		"type":  "object",
		"title": title,
		"properties": map[string]any{
			"event": event,
			"data":  data,
			"id":    map[string]any{"type": "string"},
			"retry": map[string]any{"type": "integer", "minimum": 0},
		},
		"required": required,
	}
}
