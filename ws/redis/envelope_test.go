package redis

import (
	"strings"
	"testing"

	"github.com/stdapi/stdapi/ws"
)

// ids is the epoch 1, sequence number 2 part of an envelope.
const ids = "\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02"

func TestEnvelope(t *testing.T) {
	tests := []struct {
		name string
		e    envelope
		data string
		want string
	}{
		{"text", envelope{node: "a", typ: ws.Text}, "hello", "\x02t\x00\x01a" + ids + "hello"},
		{"binary", envelope{node: "node-7", typ: ws.Binary}, "\x00\xff", "\x02b\x00\x06node-7" + ids + "\x00\xff"},
		{"droppable", envelope{node: "a", typ: ws.Text, droppable: true}, "x joined", "\x02t\x01\x01a" + ids + "x joined"},
		{"empty", envelope{node: "n", typ: ws.Text}, "", "\x02t\x00\x01n" + ids},
		{"longest node id", envelope{node: strings.Repeat("n", 255), typ: ws.Text}, "x", "\x02t\x00\xff" + strings.Repeat("n", 255) + ids + "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.e.epoch, tt.e.seq = 1, 2
			env := string(appendEnvelope(nil, tt.e, []byte(tt.data)))
			if env != tt.want {
				t.Fatalf("appendEnvelope = %q, want %q", env, tt.want)
			}
			e, data, err := parseEnvelope(env)
			if err != nil || e != tt.e || data != tt.data {
				t.Errorf("parseEnvelope = %+v, %q, %v", e, data, err)
			}
		})
	}
}

func TestParseEnvelopeMalformed(t *testing.T) {
	for _, s := range []string{
		"",
		"\x02",
		"\x02t\x00",
		"\x01t\x01ahello",          // version 1, before sequence numbers
		"\x03t\x00\x01a" + ids,     // a later version
		"\x02T\x00\x01a" + ids,     // unknown type
		"\x02t\x02\x01a" + ids,     // unknown flag
		"\x02t\x00\x00" + ids,      // empty node id
		"\x02b\x00\x05abcd" + ids,  // node id cut short
		"\x02t\x00\x01a" + ids[:9], // ids cut short
		"hello",
	} {
		if e, data, err := parseEnvelope(s); err != errMalformed {
			t.Errorf("parseEnvelope(%q) = %+v, %q, %v; want errMalformed", s, e, data, err)
		}
	}
}

// FuzzParseEnvelope feeds arbitrary channel payloads to the parser: it
// must never panic, and what it accepts must encode back to the same bytes.
func FuzzParseEnvelope(f *testing.F) {
	f.Add("\x02t\x00\x01a" + ids + "hello")
	f.Add("\x02b\x01\x02ab" + ids + "\x00\x01")
	f.Add("\x02t\x00\x09abc")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		e, data, err := parseEnvelope(s)
		if err != nil {
			return
		}
		if e.node == "" || (e.typ != ws.Text && e.typ != ws.Binary) {
			t.Fatalf("parseEnvelope(%q) accepted %+v", s, e)
		}
		if back := string(appendEnvelope(nil, e, []byte(data))); back != s {
			t.Fatalf("parseEnvelope(%q) then appendEnvelope = %q", s, back)
		}
	})
}

func TestDedupe(t *testing.T) {
	var d dedupe
	a, a2, b := origin{"a", 1}, origin{"a", 2}, origin{"b", 1}
	steps := []struct {
		o     origin
		seq   uint64
		first bool
	}{
		{a, 1, true},
		{a, 1, false}, // a retried PUBLISH
		{a, 3, true},
		{a, 2, true}, // late, but not seen yet
		{a, 2, false},
		{b, 2, true},  // another node numbers on its own
		{a2, 1, true}, // node a restarted: a new epoch
		{a, 3 + dedupeWindow, true},
		{a, 3, false}, // out of the window: only a copy is that late
		{a, 3 + dedupeWindow, false},
		{a, 4 + dedupeWindow, true},
	}
	for i, s := range steps {
		if got := d.first(s.o, s.seq); got != s.first {
			t.Errorf("step %d: first(%v, %d) = %v, want %v", i, s.o, s.seq, got, s.first)
		}
	}
	for i := range 2 * dedupeOrigins {
		d.first(origin{"n", uint64(i)}, 1)
	}
	if len(d.windows) != dedupeOrigins {
		t.Errorf("%d origins remembered, want at most %d", len(d.windows), dedupeOrigins)
	}
}
