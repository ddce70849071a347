package security

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// A scanner over JSON that encoding/json has already accepted, for the
// checks of claimcase.go: it walks an object's members or an array's
// elements without decoding them into maps, which would cost an
// allocation per member on every request. On input that is not valid JSON
// it stops early, never loops or panics.

// eachMember calls f with the key and the raw value of each member of the
// JSON object data, in order, and returns f's first error. It does nothing
// when data is not an object.
func eachMember(data []byte, f func(key string, value []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil
	}
	for i = skipSpace(data, i+1); i < len(data) && data[i] == '"'; {
		end := stringEnd(data, i)
		key, ok := jsonKey(data[i:end])
		i = skipSpace(data, end)
		if !ok || i >= len(data) || data[i] != ':' {
			return nil
		}
		start := skipSpace(data, i+1)
		i = valueEnd(data, start)
		if err := f(key, data[start:i]); err != nil {
			return err
		}
		if i = skipSpace(data, i); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return nil
}

// eachElement calls f with the index and the raw value of each element of
// the JSON array data and returns f's first error. It does nothing when
// data is not an array.
func eachElement(data []byte, f func(i int, value []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil
	}
	for n, i := 0, skipSpace(data, i+1); i < len(data) && data[i] != ']'; n++ {
		start := i
		if i = valueEnd(data, start); i == start {
			return nil
		}
		if err := f(n, data[start:i]); err != nil {
			return err
		}
		if i = skipSpace(data, i); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return nil
}

// jsonKey decodes raw, a JSON string with its quotes, as encoding/json
// decodes an object key.
func jsonKey(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[len(raw)-1] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), true
	}
	// Escapes, or invalid UTF-8 that encoding/json replaces with U+FFFD.
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the JSON string that starts at
// data[i], a quote.
func stringEnd(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// valueEnd returns the index after the JSON value that starts at data[i].
func valueEnd(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return stringEnd(data, i)
	case '{', '[':
		return compositeEnd(data, i)
	}
	for i < len(data) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(data[i])) {
		i++
	}
	return i
}

// compositeEnd returns the index after the object or array that starts at
// data[i].
func compositeEnd(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			i = stringEnd(data, i)
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
		i++
	}
	return len(data)
}
