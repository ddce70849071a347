package bind

import "github.com/stdapi/stdapi/validate"

// node is the presence of one level of a request for validate: the input
// struct itself (its parameters and body), or one JSON object, array or map
// of the body. The decoder builds it while it fills the value, so that what
// validate is told was sent is exactly what the handler gets.
type node struct {
	small [1]uint64
	bits  []uint64         // struct: fields sent with a non-null value
	kids  []*node          // struct: by field; list: by index
	keys  map[string]*node // map: by key, as validate formats map keys
}

// failed is the presence of a value that did not decode: its error is
// reported already, so validate checks nothing at or below it.
var failed = &node{}

func (n *node) init(fields int) {
	if fields <= 64 {
		n.bits = n.small[:]
	} else {
		n.bits = make([]uint64, (fields+63)/64)
	}
}

// mark records whether field i was sent with a non-null value, and what it
// holds; a repeated key is refused before it gets here.
func (n *node) mark(i int, sent bool, kid *node) {
	if sent {
		n.bits[i>>6] |= 1 << (i & 63)
	}
	if kid != nil {
		n.setKid(i, kid)
	}
}

// failed reports whether field or element i failed to decode.
func (n *node) failed(i int) bool { return i < len(n.kids) && n.kids[i] == failed }

// setKid records the presence of field or element i.
func (n *node) setKid(i int, kid *node) {
	if i >= len(n.kids) {
		if i >= cap(n.kids) {
			grown := make([]*node, i+1, max(i+1, 2*cap(n.kids), 4))
			copy(grown, n.kids)
			n.kids = grown
		}
		n.kids = n.kids[:i+1]
	}
	n.kids[i] = kid
}

// setKey records the presence of the map value under key.
func (n *node) setKey(key string, kid *node) {
	if n.keys == nil {
		n.keys = map[string]*node{}
	}
	n.keys[key] = kid
}

// Has implements validate.Presence.
func (n *node) Has(i int) bool {
	if n == failed {
		return true
	}
	return n.bits[i>>6]&(1<<(i&63)) != 0
}

// Field implements validate.Presence.
func (n *node) Field(i int) validate.Presence { return n.at(i) }

// Index implements validate.Presence.
func (n *node) Index(i int) validate.Presence { return n.at(i) }

// Key implements validate.Presence.
func (n *node) Key(key string) validate.Presence { return present(n.keys[key]) }

func (n *node) at(i int) validate.Presence {
	if i >= len(n.kids) {
		return nil
	}
	return present(n.kids[i])
}

// present turns a kid into what validate expects: an untyped nil for none
// (a nil *node would not compare equal to nil), validate.Skip for failed.
func present(k *node) validate.Presence {
	switch k {
	case nil:
		return nil
	case failed:
		return validate.Skip
	}
	return k
}
