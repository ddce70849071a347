package ws

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stdapi/stdapi/internal/leakcheck"
)

func TestMessages(t *testing.T) {
	m, err := NewJSON(map[string]int{"a": 1})
	if err != nil || m.Type() != Text || string(m.Data()) != `{"a":1}` {
		t.Errorf("NewJSON = %v %s %v", m.Type(), m.Data(), err)
	}
	if _, err := NewJSON(func() {}); err == nil {
		t.Error("NewJSON of a func succeeded")
	}
	for typ, want := range map[MessageType]string{Text: "text", Binary: "binary", 9: "MessageType(9)"} {
		if got := typ.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestCloseErrorText(t *testing.T) {
	tests := []struct {
		err  *CloseError
		want string
	}{
		{&CloseError{}, "ws: close 1000"},
		{&CloseError{Code: 4000, Reason: "bye"}, "ws: close 4000: bye"},
		{&CloseError{Code: 1008, Reason: "r", Err: errors.New("cause")}, "ws: close 1008: r: cause"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if got := cutReason("ab" + strings.Repeat("é", 100)); len(got) > maxReason || got[len(got)-1] == 0xc3 {
		t.Errorf("cutReason split a rune: %q", got)
	}
}

func TestTypeError(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{int8(0), "int_type"}, {uint(0), "int_type"}, {0.5, "float_type"}, {"", "string_type"},
		{false, "bool_type"}, {[]int{}, "list_type"}, {[2]int{}, "list_type"}, {map[string]int{}, "dict_type"},
		{struct{}{}, "dict_type"}, {complex(1, 1), "value_error"},
	}
	for _, tt := range tests {
		if got, _ := typeError(reflect.TypeOf(tt.v)); got != tt.want {
			t.Errorf("typeError(%T) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got, _ := typeError(nil); got != "value_error" {
		t.Errorf("typeError(nil) = %q", got)
	}
}

func TestBytes(t *testing.T) {
	t.Cleanup(leakcheck.Check(t))
	c := dial(t, serve(t, Handler(func(ctx context.Context, c *Conn) error {
		b, err := c.ReadBytes()
		if err != nil {
			return err
		}
		return c.SendBytes(append(b, '!'))
	})), nil)
	write(t, c, websocket.TextMessage, "hi")
	if typ, got := readMsg(t, c); typ != websocket.BinaryMessage || got != "hi!" {
		t.Errorf("got %d %q", typ, got)
	}
	readClose(t, c)
	c.Close()
}
