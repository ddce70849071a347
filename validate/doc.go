// Package validate checks Go values against `validate` struct tags, with the
// go-playground/validator vocabulary where the two overlap, and reports every
// failure at once as pydantic-style field errors in a 422 *stdapi.Error.
// Each type is compiled once, on first use, into a plan that runs without
// reflection over tags and without allocating when the value is valid.
//
//	type CreateUser struct {
//		Name  string   `json:"name" validate:"required,min=3,max=50"`
//		Email string   `json:"email" validate:"required,email"`
//		Age   int      `json:"age" validate:"gte=18"`
//		Tags  []string `json:"tags" validate:"max=5,dive,alphanum"`
//	}
//
//	if err := validate.Struct(&in); err != nil {
//		stdapi.WriteError(w, r, err) // 422, or 500 for a bad tag
//		return
//	}
//
// answers {"name":"Al","email":"x","age":17} with
//
//	{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"3 validation errors","errors":[
//	 {"type":"string_too_short","loc":["name"],"msg":"String should have at least 3 characters","input":"Al","ctx":{"min_length":3}},
//	 {"type":"value_error","loc":["email"],"msg":"Input should be a valid email address","input":"x","ctx":{"rule":"email"}},
//	 {"type":"greater_than_equal","loc":["age"],"msg":"Input should be greater than or equal to 18","input":17,"ctx":{"ge":18}}]}
//
// # Tags
//
// A tag is a comma-separated list of rules, name or name=param, applied in
// order to the field's value (after its pointers are followed). Only the
// first failing rule of a value is reported; every value is checked.
// dive applies the rules after it to each element of a slice or array, or
// each value of a map; dive,keys,RULES,endkeys applies RULES to map keys.
// Rules before dive apply to the collection itself:
//
//	Scores map[string][]int `validate:"max=10,dive,keys,alpha,endkeys,min=1,dive,gte=0,lte=100"`
//
// A comma inside a parameter is written 0x2C (a pipe 0x7C), as in
// go-playground, except in pattern=, where commas inside {}, [] or () do not
// split: pattern=^[a-z]{2,5}$ works. Alternatives (rgb|rgba) are not
// supported. validate:"-" skips a field and everything below it.
//
// A bad tag (an unknown rule, min=abc, dive on a string, email on an int, a
// bad regular expression) makes Compile, Struct and Check return a *TagError
// naming the struct, the field and the tag; it is never ignored and never
// found halfway through a request. Call Check or MustCompile at start-up to
// fail fast.
//
// # Rules
//
// Lengths count runes in strings and elements in slices, arrays and maps;
// on numbers (every int, uint and float size, and time.Duration with
// parameters such as 1s or 1m30s) the rules compare values:
//
//	rule          strings / collections                     numbers
//	min=N, gte=N  string_too_short {"min_length":N}         greater_than_equal {"ge":N}
//	              too_short {"field_type":"List","min_length":N,"actual_length":L}
//	max=N, lte=N  string_too_long {"max_length":N}          less_than_equal {"le":N}
//	              too_long {"field_type":"List","max_length":N,"actual_length":L}
//	gt=N, lt=N    length > N, length < N (as min=N+1, max=N-1)  greater_than {"gt":N}, less_than {"lt":N}
//	len=N         both bounds                               literal_error (value == N)
//	eq=V, ne=V    strings: the value; collections: length   literal_error {"expected":"V"}; value_error {"ne":V}
//	oneof=A B 'C D'  strings and numbers                    enum {"expected":"'A', 'B' or 'C D'"}
//	unique        slices, arrays, map values (pointers compare what they point to)  value_error
//
// ("Dictionary" replaces "List" for maps; eq=true and ne=false work on bools;
// for durations, ctx and messages hold the duration text, such as "1s".)
// String formats give value_error with ctx {"rule":NAME} and a message such
// as "Input should be a valid email address": email, url (a scheme and a
// host, opaque part or path), uri (net/url.ParseRequestURI), uuid (lowercase
// 8-4-4-4-12, as go-playground), uuid3, uuid4, uuid5, ip, ipv4, ipv6 (no
// zones), cidr, hostname (RFC 1123), fqdn, alpha, alphanum, numeric, number,
// hexadecimal, lowercase, uppercase (both non-empty), e164, base64 (padded,
// non-empty), contains=S, excludes=S, startswith=S, endswith=S and
// datetime=LAYOUT (time.Parse). pattern=REGEX (RE2, compiled once, matched
// anywhere unless anchored) gives string_pattern_mismatch {"pattern":REGEX},
// as JSON Schema's pattern.
//
// Every error carries the offending value as input when it is a number, a
// bool, a time.Time or a string of at most 256 bytes. Ctx maps are shared
// between the errors of one rule: read them, do not modify them.
//
// # required, omitempty and presence
//
// On plain Go values (Struct, Plan.Validate, or Plan.Append with a nil
// Presence), required means non-zero, and non-nil for pointers, slices,
// maps and interfaces (so an empty non-nil slice passes, as in
// go-playground); its error is {"type":"missing","msg":"Field required"}. A
// nil pointer without required is an absent optional value: its rules do
// not run. omitempty skips the other rules for a zero value (for a pointer:
// only when nil). Other rules run on zero values.
//
// When bind decodes a request it knows which keys were sent, and there
// required means present and not null, so 0, false and "" are valid when
// sent, and a field without required that was not sent is skipped. bind
// tells the validator through the Presence interface, passed to
// Plan.Append; see Presence for the contract. A value that failed to decode
// is validate.Skip there: nothing is checked at or below it. A decoder that
// names locations itself checks one field at a time with Plan.Field and
// FieldPlan.Append (bind checks a query parameter at ["query", "limit"]),
// with a cap on the errors appended, and runs a struct's Validate method
// with Plan.AppendHook.
//
// # Structs, collections and names
//
// loc is made of JSON names (the json tag's name, else the Go name),
// integer indexes and map keys (formatted as encoding/json formats them;
// a failing key adds "[key]", as pydantic). Nested structs, pointers to
// them, and structs inside slices, arrays and maps are always walked, with
// or without dive. Fields of embedded structs without a json name are
// promoted, as in encoding/json; a nil embedded pointer's fields are
// skipped. Unexported fields and fields tagged json:"-" are neither
// validated nor listed: they are not part of the JSON input. time.Time and
// types implementing encoding.TextUnmarshaler are single values, not walked.
// Map entries are checked in random order, and again in key order when one
// fails, so errors come out in a stable order. Values nested deeper than
// MaxDepth (a Go value with a pointer cycle) get one value_error there.
//
// # Struct-level checks
//
// A struct type with a Validate() error method (value or pointer receiver,
// possibly promoted from an embedded struct) is called after all of its own
// fields and nested values pass. It returns nil, a stdapi.FieldError, a FieldErrors, or a *stdapi.Error with Errors
// (errors.As finds them through wrapping): their loc is relative to the
// struct, an empty type becomes "value_error". Any other error becomes one
// value_error at the struct's loc with msg "Value error, " and the error's
// text, which is sent to the client. A hook may run twice on a map value
// when the map holds an error, so hooks should not have side effects.
//
// # Custom rules
//
// Register adds a rule with its check, an optional compile-time check of
// the type and parameter, the error code and message, and its JSON Schema
// mapping. It returns an error for a bad, built-in or duplicate name.
//
// # Introspection for docs
//
// Plan.Object describes the compiled type for documentation: each Field has
// its Go name, JSON name, type, Required and OmitEmpty, and Rules, each
// Constraint with its rule, parameter, error code and the JSON Schema
// keywords it maps to for the field's kind (min is minLength, minimum,
// minItems or minProperties; gt=N on a number is exclusiveMinimum; oneof is
// an enum of typed values; uuid4 is a pattern; email is format: email).
// Items holds the rules for elements (items or additionalProperties), Keys
// those for map keys (propertyNames), Object the nested struct. Exact is
// false when the keywords do not accept exactly what the validator accepts
// (formats, which JSON Schema treats as annotations; []byte lengths, which
// encoding/json writes as base64; RE2-only pattern syntax; rules without a
// keyword): a generator should say so instead of documenting a stricter or
// looser rule. Two things are left to the generator: a field with omitempty
// also accepts its zero value, and several rules mapping to the same keyword
// (two patterns) must be combined with allOf. Objects are shared and may be
// cyclic for recursive types.
//
// Compile, Struct and every Plan method are safe for concurrent use.
package validate
