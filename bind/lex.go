package bind

import (
	"unicode/utf16"
	"unicode/utf8"
)

// The lexical layer of the decoder. The body is checked with json.Valid
// before it is decoded, so these functions read a syntactically valid
// document and never look past its end.

func (d *decoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next moves past a ',' and reports true, or past the closing bracket and
// reports false.
func (d *decoder) next() bool {
	d.ws()
	c := d.data[d.pos]
	d.pos++
	return c == ','
}

// empty moves past the closing bracket of an empty object or array.
func (d *decoder) empty(closing byte) bool {
	d.ws()
	if d.data[d.pos] == closing {
		d.pos++
		return true
	}
	return false
}

// skip moves past one value of any kind.
func (d *decoder) skip() {
	d.ws()
	switch d.data[d.pos] {
	case '"':
		d.skipString()
	case '{', '[':
		depth := 0
		for {
			switch d.data[d.pos] {
			case '"':
				d.skipString()
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			d.pos++
			if depth == 0 {
				return
			}
		}
	default: // numbers and literals end at a delimiter
		for d.pos < len(d.data) {
			switch d.data[d.pos] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			d.pos++
		}
	}
}

// skipString moves past a string and reports whether its content can be
// used as it is: no escapes, only ASCII.
func (d *decoder) skipString() (plain bool) {
	d.pos++ // opening quote
	plain = true
	for {
		switch c := d.data[d.pos]; {
		case c == '\\':
			d.pos += 2
			plain = false
		case c == '"':
			d.pos++
			return plain
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			d.pos++
		}
	}
}

// str reads a string and returns its content, decoded as encoding/json
// decodes it.
func (d *decoder) str() string {
	start := d.pos
	if d.skipString() {
		return string(d.data[start+1 : d.pos-1])
	}
	d.strBuf = unquote(d.data[start+1:d.pos-1], d.strBuf[:0])
	return string(d.strBuf)
}

// key reads an object key and the colon after it. The bytes alias the body,
// or d.keyBuf when the key has escapes: use them before the next key.
func (d *decoder) key() []byte {
	d.ws()
	start := d.pos
	var k []byte
	if d.skipString() {
		k = d.data[start+1 : d.pos-1]
	} else {
		d.keyBuf = unquote(d.data[start+1:d.pos-1], d.keyBuf[:0])
		k = d.keyBuf
	}
	d.ws()
	d.pos++ // ':'
	return k
}

// unquote appends the content of a JSON string (without its quotes) to buf,
// as encoding/json decodes it: escapes resolved, an invalid UTF-8 byte or a
// lone surrogate replaced by U+FFFD.
func unquote(s, buf []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			var r rune
			r, i = unescape(s, i)
			buf = utf8.AppendRune(buf, r)
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(s[i:])
			buf = utf8.AppendRune(buf, r) // RuneError for an invalid byte
			i += size
		}
	}
	return buf
}

// unescape decodes the escape at s[i] and returns the rune and the index
// after it.
func unescape(s []byte, i int) (rune, int) {
	switch c := s[i+1]; c {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(s[i+2 : i+6])
		if !utf16.IsSurrogate(r) {
			return r, i + 6
		}
		if i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
			if pair := utf16.DecodeRune(r, hex4(s[i+8:i+12])); pair != utf8.RuneError {
				return pair, i + 12
			}
		}
		return utf8.RuneError, i + 6
	default: // '"', '\\', '/'
		return rune(c), i + 2
	}
}

// hex4 decodes four hexadecimal digits, which json.Valid has checked.
func hex4(h []byte) rune {
	var r rune
	for _, c := range h {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
