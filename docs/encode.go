package docs

import (
	"bytes"
	"encoding/json"
	"slices"
)

// orderKey holds, in a schema with properties, the names of its properties
// in Go declaration order. encode writes the properties in that order and
// drops the key; nothing else reads it.
const orderKey = "\x00order"

// encode writes v as indented JSON, as encoding/json's Encoder with
// SetIndent("", "  ") and SetEscapeHTML(false) would, with object keys
// sorted, except the members of a schema's properties: in the order of its
// orderKey (the Go declaration order), or else required ones first in the
// order required lists them (schemas from describers, such as an OAuth2
// form: username, password), then the others sorted.
func encode(v any) ([]byte, error) {
	var compact bytes.Buffer
	if err := encodeValue(&compact, v); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func encodeValue(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case map[string]any:
		return encodeObject(buf, v, sortedKeys(v, nil))
	case []any:
		buf.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeValue(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline
	return nil
}

func encodeObject(buf *bytes.Buffer, m map[string]any, keys []string) error {
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeValue(buf, k); err != nil {
			return err
		}
		buf.WriteByte(':')
		var err error
		if props, ok := m[k].(map[string]any); ok && k == "properties" {
			err = encodeObject(buf, props, propertyOrder(m, props))
		} else {
			err = encodeValue(buf, m[k])
		}
		if err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// sortedKeys are m's keys but orderKey, sorted, after first (those of
// them m holds, in their order).
func sortedKeys(m map[string]any, first []any) []string {
	keys := make([]string, 0, len(m))
	for _, f := range first {
		if k, ok := f.(string); ok && k != orderKey && !slices.Contains(keys, k) {
			if _, ok := m[k]; ok {
				keys = append(keys, k)
			}
		}
	}
	n := len(keys)
	for k := range m {
		if k != orderKey && !slices.Contains(keys[:n], k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys[n:])
	return keys
}

// propertyOrder is the order of the properties props of schema s.
func propertyOrder(s, props map[string]any) []string {
	first, ok := s[orderKey].([]any)
	if !ok {
		first, _ = s["required"].([]any)
	}
	return sortedKeys(props, first)
}
