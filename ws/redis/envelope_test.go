package redis

import (
	"strings"
	"testing"

	"github.com/stdapi/stdapi/ws"
)

func TestEnvelope(t *testing.T) {
	tests := []struct {
		name string
		node string
		typ  ws.MessageType
		data string
		want string
	}{
		{"text", "a", ws.Text, "hello", "\x01t\x01ahello"},
		{"binary", "node-7", ws.Binary, "\x00\xff", "\x01b\x06node-7\x00\xff"},
		{"empty", "n", ws.Text, "", "\x01t\x01n"},
		{"longest node id", strings.Repeat("n", 255), ws.Text, "x", "\x01t\xff" + strings.Repeat("n", 255) + "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := string(appendEnvelope(nil, tt.node, tt.typ, []byte(tt.data)))
			if env != tt.want {
				t.Fatalf("appendEnvelope = %q, want %q", env, tt.want)
			}
			node, typ, data, err := parseEnvelope(env)
			if err != nil || node != tt.node || typ != tt.typ || data != tt.data {
				t.Errorf("parseEnvelope = %q, %v, %q, %v", node, typ, data, err)
			}
		})
	}
}

func TestParseEnvelopeMalformed(t *testing.T) {
	for _, s := range []string{
		"",
		"\x01",
		"\x01t",
		"\x00t\x01ax",   // version 0
		"\x02t\x01ax",   // a later version
		"\x01T\x01ax",   // unknown type
		"\x01t\x00x",    // empty node id
		"\x01b\x05abcd", // node id cut short
		"hello",
	} {
		if node, typ, data, err := parseEnvelope(s); err != errMalformed {
			t.Errorf("parseEnvelope(%q) = %q, %v, %q, %v; want errMalformed", s, node, typ, data, err)
		}
	}
}

// FuzzParseEnvelope feeds arbitrary channel payloads to the parser: it
// must never panic, and what it accepts must encode back to the same bytes.
func FuzzParseEnvelope(f *testing.F) {
	f.Add("\x01t\x01ahello")
	f.Add("\x01b\x02ab\x00\x01")
	f.Add("\x01t\x09abc")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		node, typ, data, err := parseEnvelope(s)
		if err != nil {
			return
		}
		if node == "" || (typ != ws.Text && typ != ws.Binary) {
			t.Fatalf("parseEnvelope(%q) accepted node %q, type %v", s, node, typ)
		}
		if back := string(appendEnvelope(nil, node, typ, []byte(data))); back != s {
			t.Fatalf("parseEnvelope(%q) then appendEnvelope = %q", s, back)
		}
	})
}
