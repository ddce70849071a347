package bind

import (
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The lexical layer of the decoder. It checks the syntax as it goes, as
// encoding/json's scanner does (the decoder reads the body once): on the
// first error it panics with errSyntax, which document recovers, and the
// caller asks encoding/json for its exact message and offset.

// errSyntax is the panic value of a syntax error.
var errSyntax = &struct{ name string }{"bind: JSON syntax error"}

// maxNesting is encoding/json's limit on the nesting of arrays and objects.
const maxNesting = 10000

func (d *decoder) syntax() { panic(errSyntax) }

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

// peek moves past white space and returns the next byte; the end of the
// input is a syntax error.
func (d *decoder) peek() byte {
	d.ws()
	if d.pos >= len(d.data) {
		d.syntax()
	}
	return d.data[d.pos]
}

// next moves past a ',' and reports true, or past the closing bracket and
// reports false; anything else is a syntax error.
func (d *decoder) next(closing byte) bool {
	c := d.peek()
	d.pos++
	switch c {
	case ',':
		return true
	case closing:
		return false
	}
	d.syntax()
	return false
}

// empty moves past the closing bracket of an empty object or array.
func (d *decoder) empty(closing byte) bool {
	if d.peek() == closing {
		d.pos++
		return true
	}
	return false
}

// literal moves past word (true, false or null).
func (d *decoder) literal(word string) {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		d.syntax()
	}
	d.pos += len(word)
}

// skip moves past one value of any kind, checking its syntax.
func (d *decoder) skip() { d.skipAt(d.depth) }

func (d *decoder) skipAt(depth int) {
	switch c := d.peek(); {
	case c == '"':
		d.skipString()
	case c == '{':
		d.skipObject(depth + 1)
	case c == '[':
		d.skipArray(depth + 1)
	case c == 't':
		d.literal("true")
	case c == 'f':
		d.literal("false")
	case c == 'n':
		d.literal("null")
	default:
		d.skipNumber()
	}
}

func (d *decoder) skipObject(depth int) {
	if depth > maxNesting {
		d.syntax()
	}
	d.pos++ // '{'
	if d.empty('}') {
		return
	}
	for {
		d.key()
		d.skipAt(depth)
		if !d.next('}') {
			return
		}
	}
}

func (d *decoder) skipArray(depth int) {
	if depth > maxNesting {
		d.syntax()
	}
	d.pos++ // '['
	if d.empty(']') {
		return
	}
	for {
		d.skipAt(depth)
		if !d.next(']') {
			return
		}
	}
}

// skipNumber moves past a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) skipNumber() {
	p := d.pos
	if d.at(p, '-') {
		p++
	}
	switch {
	case d.at(p, '0'):
		p++
	case p < len(d.data) && '1' <= d.data[p] && d.data[p] <= '9':
		p = d.digits(p)
	default:
		d.syntax()
	}
	if d.at(p, '.') {
		p = d.someDigits(p + 1)
	}
	if d.at(p, 'e') || d.at(p, 'E') {
		p++
		if d.at(p, '+') || d.at(p, '-') {
			p++
		}
		p = d.someDigits(p)
	}
	d.pos = p
}

// at reports whether the byte at p is c.
func (d *decoder) at(p int, c byte) bool { return p < len(d.data) && d.data[p] == c }

// digits returns the index after the digits at p.
func (d *decoder) digits(p int) int {
	for p < len(d.data) && '0' <= d.data[p] && d.data[p] <= '9' {
		p++
	}
	return p
}

// someDigits is digits, requiring at least one.
func (d *decoder) someDigits(p int) int {
	q := d.digits(p)
	if q == p {
		d.syntax()
	}
	return q
}

// skipString moves past a string, checking its escapes and that it has no
// control character, and reports whether its content can be used as it is:
// no escapes, only ASCII.
func (d *decoder) skipString() (plain bool) {
	d.pos++ // opening quote
	plain = true
	for {
		if d.pos >= len(d.data) {
			d.syntax()
		}
		switch c := d.data[d.pos]; {
		case c == '"':
			d.pos++
			return plain
		case c == '\\':
			d.escape()
			plain = false
		case c < 0x20:
			d.syntax()
		default:
			if c >= utf8.RuneSelf {
				plain = false
			}
			d.pos++
		}
	}
}

// escape moves past the escape sequence at d.pos.
func (d *decoder) escape() {
	if d.pos+1 >= len(d.data) {
		d.syntax()
	}
	switch d.data[d.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		d.pos += 2
	case 'u':
		if len(d.data)-d.pos < 6 || !isHex4(d.data[d.pos+2:d.pos+6]) {
			d.syntax()
		}
		d.pos += 6
	default:
		d.syntax()
	}
}

func isHex4(h []byte) bool {
	for _, c := range h {
		if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
			return false
		}
	}
	return true
}

// str reads a string and returns its content, decoded as encoding/json
// decodes it.
func (d *decoder) str() string {
	start := d.pos
	if d.skipString() {
		return d.carve(d.data[start+1 : d.pos-1])
	}
	d.strBuf = unquote(d.data[start+1:d.pos-1], d.strBuf[:0])
	return d.carve(d.strBuf)
}

// Decoded strings share blocks: one allocation holds many short strings,
// where encoding/json makes one per string. A block is at most strBlock
// bytes, so that a string kept after the request keeps at most that much
// alive; a string longer than strOwn bytes gets its own allocation.
const (
	strBlock = 4 << 10
	strOwn   = strBlock / 8
)

// carve returns a string holding a copy of b, from the current block when
// it has room. Blocks are only appended to, never reused or written over,
// and a decoder drops its block when it is reset: the strings are as
// immutable as any other.
func (d *decoder) carve(b []byte) string {
	n := len(b)
	switch {
	case n == 0:
		return ""
	case n > strOwn:
		return string(b)
	case n > cap(d.block)-len(d.block):
		// What is left of the body bounds the strings still to come
		// (unescaping shrinks them), so a small body gets a small block.
		d.block = make([]byte, 0, min(strBlock, max(n, len(d.data)-d.pos+n)))
	}
	at := len(d.block)
	d.block = append(d.block, b...)
	return unsafe.String(&d.block[at], n)
}

// key reads an object key and the colon after it. The bytes alias the body,
// or d.keyBuf when the key has escapes: use them before the next key.
func (d *decoder) key() []byte {
	if d.peek() != '"' {
		d.syntax()
	}
	start := d.pos
	var k []byte
	if d.skipString() {
		k = d.data[start+1 : d.pos-1]
	} else {
		d.keyBuf = unquote(d.data[start+1:d.pos-1], d.keyBuf[:0])
		k = d.keyBuf
	}
	if d.peek() != ':' {
		d.syntax()
	}
	d.pos++
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

// hex4 decodes four hexadecimal digits, which skipString has checked.
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
