package validate

// Presence tells the validator which fields of a decoded request were
// present, so that required means "present and not null" (DESIGN.md) rather
// than "not the zero value". A decoder (bind) implements it; the validator
// asks it about each level it walks, following the shape of the value:
//
//   - at a struct level, Has(i) reports whether field i of the level's Struct
//     description (Plan.Object().Fields[i], promoted fields included) was sent
//     with a non-null value, and Field(i) returns the presence of that
//     field's value when it is an object or a collection;
//   - at a slice or array level, Index(i) returns the presence of element i;
//   - at a map level, Key(k) returns the presence of the value under k, with
//     k formatted as encoding/json formats map keys;
//   - pointers are transparent: a pointer field's presence describes the
//     value it points to.
//
// Methods that do not apply to a level are never called on it. A nil
// Presence, returned for any child or passed to Plan.Append, means plain Go
// semantics from that level down.
//
// With a Presence, for each field of a struct level:
//
//   - absent and required: one "missing" error ("Field required"), nothing else
//     runs for that field;
//   - absent and not required: the field is optional and skipped, none of its
//     rules run (nor those of anything below it);
//   - present: required is satisfied even by 0, false or "", and the other
//     rules run; omitempty still skips the rules for a zero value. Elements
//     of collections are always present; required on them (after dive) fails
//     only for a nil pointer, slice, map or interface (a JSON null).
//
// Without a Presence (plain Go values, as with Struct), required means
// non-zero (non-nil for pointers, slices, maps and interfaces), as in
// go-playground/validator, and rules run on zero values unless omitempty.
//
// Has is called once per field with rules, Field once per present field
// with rules (for a scalar field only to learn whether it is Skip); implementations for query parameters can
// be a bit set, and for JSON bodies a tree built while scanning object keys.
type Presence interface {
	// Has reports whether field i of this struct level was present and not
	// null.
	Has(i int) bool
	// Field returns the presence of the value of field i, or nil.
	Field(i int) Presence
	// Index returns the presence of element i of this slice or array, or nil.
	Index(i int) Presence
	// Key returns the presence of the map value under key, or nil.
	Key(key string) Presence
}

// Skip is the Presence of a value that failed to decode (a string where a
// number belongs, say): the decoder has reported it already, so the
// validator checks nothing at or below it. A decoder returns Skip from
// Field, Index or Key; Has should report true for such a field, so that it
// is not also reported missing.
var Skip Presence = skip{}

type skip struct{}

func (skip) Has(int) bool        { return true }
func (skip) Field(int) Presence  { return Skip }
func (skip) Index(int) Presence  { return Skip }
func (skip) Key(string) Presence { return Skip }
