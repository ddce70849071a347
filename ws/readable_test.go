package ws

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stdapi/stdapi/internal/leakcheck"
)

// clientFrame returns a frame as a client sends it: first is the first
// byte (FIN, reserved bits, opcode), masked with key.
func clientFrame(first byte, key [4]byte, payload string) string {
	var b []byte
	b = append(b, first, 0x80|byte(len(payload)))
	b = append(b, key[:]...)
	for i := range len(payload) {
		b = append(b, payload[i]^key[i%4])
	}
	return string(b)
}

// TestControlFrames sends pings, pongs and messages, whole or cut, to an
// echo endpoint over a raw connection, and checks the frames the server
// answers: pongs with the ping's payload and the echoes (in any order
// between them: pongs are sent by the reader, echoes by the writer), then,
// once the client sends close 1000, its answer, or, for a control frame
// gorilla refuses, close 1002 and the end of the connection.
func TestControlFrames(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	ping := func(s string) string { return clientFrame(0x89, key, s) }
	pong := func(s string) string { return clientFrame(0x8a, key, s) }
	text := func(s string) string { return clientFrame(0x81, key, s) }
	bye := clientFrame(0x88, key, "\x03\xe8")
	const closed = "\x88\x02\x03\xe8" // the server's answer to bye
	long := strings.Repeat("p", 125)
	tests := []struct {
		name   string
		writes []string // written one after the other
		want   []string // the frames the server sends before its close frame, in any order
		refuse string   // the server's close frame, when it refuses a frame
	}{
		{"ping", []string{ping("hi")}, []string{"\x8a\x02hi"}, ""},
		{"empty ping", []string{ping("")}, []string{"\x8a\x00"}, ""},
		{"ping of 125 bytes", []string{ping(long)}, []string{"\x8a\x7d" + long}, ""},
		{"pong, pings, text at once", []string{pong("p") + ping("a") + ping("b") + text("t")},
			[]string{"\x8a\x01a", "\x8a\x01b", "\x81\x01t"}, ""},
		{"text then ping at once", []string{text("t") + ping("a")}, []string{"\x81\x01t", "\x8a\x01a"}, ""},
		{"ping cut", []string{ping("hello")[:3], ping("hello")[3:]}, []string{"\x8a\x05hello"}, ""},
		{"ping header alone", []string{ping("hello")[:1], ping("hello")[1:] + text("t")},
			[]string{"\x8a\x05hello", "\x81\x01t"}, ""},
		{"ping of 126 bytes", []string{"\x89\xfe\x00\x7e" + string(key[:]) + strings.Repeat("p", 126)},
			nil, "\x88\x17\x03\xealen > 125 for control"},
		{"unmasked ping", []string{"\x89\x00"}, nil, "\x88\x0a\x03\xeabad MASK"},
		{"ping without FIN", []string{clientFrame(0x09, key, "")}, nil, "\x88\x18\x03\xeaFIN not set on control"},
		{"ping with RSV1", []string{clientFrame(0xc9, key, "")}, nil, "\x88\x0a\x03\xeaRSV1 set"},
	}
	for _, opts := range []struct {
		name string
		opts []Option
	}{
		{"default", nil},
		{"detach", []Option{Detach()}},
		{"detach-readbuf1k", []Option{Detach(), ReadBufferSize(1 << 10)}},
		{"detach-readbuf16", []Option{Detach(), ReadBufferSize(16)}}, // raised to 512
		{"readbuf16", []Option{ReadBufferSize(16)}},
		{"compression", []Option{EnableCompression()}},
		{"detach-compression", []Option{Detach(), EnableCompression()}},
	} {
		for _, tt := range tests {
			t.Run(opts.name+"/"+tt.name, func(t *testing.T) {
				t.Cleanup(leakcheck.Check(t))
				fn, done := ended(echo)
				url := serve(t, Handler(fn, opts.opts...))
				c, err := rawDial(strings.TrimPrefix(url, "ws://"), "")
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				for _, w := range tt.writes {
					if _, err := io.WriteString(c, w); err != nil {
						t.Fatal(err)
					}
				}
				c.SetReadDeadline(time.Now().Add(guard))
				br := bufio.NewReader(c)
				var got []string
				for range tt.want {
					got = append(got, readFrame(t, br))
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(tt.want))
				if !slices.Equal(got, want) {
					t.Errorf("server sent %q, want %q", got, want)
				}
				end := tt.refuse
				if end == "" {
					io.WriteString(c, bye)
					end = closed
				}
				if got := readFrame(t, br); got != end {
					t.Errorf("server closed with %q, want %q", got, end)
				}
				if rest, err := io.ReadAll(br); len(rest) > 0 || err != nil {
					t.Errorf("after the close frame: %q, %v; want the end of the connection", rest, err)
				}
				c.Close()
				wait(t, done)
			})
		}
	}
}

// readFrame reads one frame from the server, with a payload of at most
// 125 bytes.
func readFrame(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	h := make([]byte, 2)
	if _, err := io.ReadFull(br, h); err != nil {
		t.Fatalf("frame header: %v", err)
	}
	if h[1] > 125 {
		t.Fatalf("frame header %q: payload too long for the test", h)
	}
	p := make([]byte, h[1])
	if _, err := io.ReadFull(br, p); err != nil {
		t.Fatalf("frame payload: %v", err)
	}
	return string(h) + string(p)
}
