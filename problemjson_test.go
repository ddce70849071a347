package stdapi

import (
	"encoding/json"
	"testing"
)

func FuzzAppendFieldErrors(f *testing.F) {
	f.Add("missing", "body", 3, "Field required", "<a&b>", 1e-7, int64(5), true, "min_length")
	f.Add("x\u2028", "é", -1, "\x00\xff", "", 1e21, int64(-9), false, "")
	f.Fuzz(func(t *testing.T, typ, loc string, idx int, msg, in string, fl float64, i64 int64, bo bool, key string) {
		errs := []FieldError{
			{Type: typ, Loc: []any{loc, idx}, Msg: msg, Input: in, Ctx: map[string]any{key: fl, "b": bo, "i": i64}},
			{Type: typ, Loc: nil, Msg: msg, Input: fl},
			{Type: typ, Loc: []any{}, Msg: msg, Input: bo, Ctx: map[string]any{}},
			{Input: idx},
		}
		want, err := json.Marshal(errs)
		got, ok := appendFieldErrors(nil, errs, false)
		if err != nil {
			if ok {
				t.Fatalf("fast path accepted what json rejects: %v", err)
			}
			return
		}
		if !ok || string(got) != string(want) {
			t.Fatalf("ok=%v\ngot  %s\nwant %s", ok, got, want)
		}
	})
}
