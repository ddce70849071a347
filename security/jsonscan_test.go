package security

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzEachMember checks the scanner against encoding/json: on a valid
// object it yields the members json.Unmarshal sees (the last of duplicate
// keys winning), and on an array the elements; on anything it terminates.
func FuzzEachMember(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":"x\"}","c":{"d":[1,{"e":"]"}]},"\u0041":null, "f" : [ ] , "g":true}`,
		`[1, "a", {"b":[2]}, [], -3.5e2, null]`,
		`{"exp":"1800000600","EXP":1,"exp":2}`,
		`{}`, `[]`, `{"a":`, `[1,`, `{"a" 1}`, `"s"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		data := []byte(in)
		got := map[string]string{}
		eachMember(data, func(k string, v []byte) error { got[k] = string(v); return nil })
		var elems []string
		eachElement(data, func(i int, v []byte) error {
			if i != len(elems) {
				t.Fatalf("index %d after %d elements", i, len(elems))
			}
			elems = append(elems, string(v))
			return nil
		})
		if !json.Valid(data) {
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil && obj != nil {
			want := map[string]string{}
			for k, v := range obj {
				want[k] = string(v)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("members of %s:\n got %q\nwant %q", in, got, want)
			}
		}
		var arr []json.RawMessage
		if json.Unmarshal(data, &arr) == nil && arr != nil {
			if len(elems) != len(arr) {
				t.Fatalf("elements of %s: got %q, want %d", in, elems, len(arr))
			}
			for i := range arr {
				if !bytes.Equal(arr[i], []byte(elems[i])) {
					t.Fatalf("element %d of %s: got %s, want %s", i, in, elems[i], arr[i])
				}
			}
		}
	})
}
