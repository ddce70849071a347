package stdapi

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// appendJSONString appends s as encoding/json writes it. Strings of plain
// printable ASCII (the usual field names, codes and messages) are copied;
// anything else goes through encoding/json, so the output is always
// byte-identical to json.Marshal's.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if !plainJSON[s[i]] {
			v, _ := json.Marshal(s)
			return append(b, v...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSON marks the bytes that encoding/json writes as they are in a
// string: printable ASCII but '"', '\\' and the HTML characters it escapes.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range `"\\<>&` {
		t[c] = false
	}
	return t
}()

// appendJSONScalar appends v when it is a value whose encoding/json form
// is known: nil, strings, bools, ints and finite floats. It reports false
// for anything else.
func appendJSONScalar(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), true
	case string:
		return appendJSONString(b, v), true
	case bool:
		return strconv.AppendBool(b, v), true
	case int:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case float64:
		return appendJSONFloat(b, v)
	}
	return b, false
}

// appendJSONFloat formats f as encoding/json does (ES6 number formatting).
func appendJSONFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// appendFieldErrors appends errs as json.Marshal would, without reflection
// for the common shapes. It reports false, leaving the caller to fall back
// to encoding/json, when an input, a loc element or a ctx value is of
// another type. nullMissing is as for appendErrors.
func appendFieldErrors(b []byte, errs []FieldError, nullMissing bool) ([]byte, bool) {
	start := len(b)
	b = append(b, '[')
	var ok bool
	for i := range errs {
		fe := &errs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendJSONString(b, fe.Type)
		b = append(b, `,"loc":`...)
		if fe.Loc == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j, p := range fe.Loc {
				if j > 0 {
					b = append(b, ',')
				}
				if b, ok = appendJSONScalar(b, p); !ok {
					return b[:start], false
				}
			}
			b = append(b, ']')
		}
		b = append(b, `,"msg":`...)
		b = appendJSONString(b, fe.Msg)
		if fe.Input != nil {
			b = append(b, `,"input":`...)
			if b, ok = appendJSONScalar(b, fe.Input); !ok {
				return b[:start], false
			}
		} else if nullMissing && fe.Type == "missing" {
			b = append(b, `,"input":null`...)
		}
		if len(fe.Ctx) > 0 {
			b = append(b, `,"ctx":{`...)
			var one [1]string
			keys := one[:0]
			for k := range fe.Ctx {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for j, k := range keys {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, k)
				b = append(b, ':')
				if b, ok = appendJSONScalar(b, fe.Ctx[k]); !ok {
					return b[:start], false
				}
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	return append(b, ']'), true
}
