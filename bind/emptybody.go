package bind

import (
	"encoding/json"
	"reflect"
)

// marshalBody encodes a response body as encoding/json does, except that
// a nil slice is [] and a nil map is {}: a handler that returns no items
// answers an empty list, never null, and the documented schema of a []T
// body is a plain array (clients generated from it, such as
// openapi-typescript's Item[], need no null check). Slices and maps
// inside the body encode as encoding/json writes them (a nil one is
// null), and a type with its own MarshalJSON keeps it.
func marshalBody(body any) ([]byte, error) {
	if _, ok := body.(json.Marshaler); !ok {
		switch v := reflect.ValueOf(body); v.Kind() {
		case reflect.Slice:
			if v.IsNil() {
				return []byte("[]"), nil
			}
		case reflect.Map:
			if v.IsNil() {
				return []byte("{}"), nil
			}
		}
	}
	return json.Marshal(body)
}
