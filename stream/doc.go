// Package stream serves typed streams on plain net/http: server-sent
// events (text/event-stream, read by the browser's EventSource) with
// Events, and JSON Lines (application/jsonl) with Lines.
package stream
