package validate

import (
	"fmt"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// format is a rule on strings: a format (email, uuid), a character class
// (alpha) or a substring test (contains).
type format struct {
	// check for rules without parameter; build for rules with one.
	check func(s string) bool
	build func(param string) (func(s string) bool, error)
	msg   string // "%s" receives the parameter
	key   string // ctx key of the parameter, if any
	// schema returns the JSON Schema keywords and whether they are exact.
	schema func(param string) (map[string]any, bool)
}

func (f format) compile(name, param string, d reflect.Type) (*rulePlan, error) {
	if classOf(d) != classString {
		return nil, fmt.Errorf("not applicable to %s (strings only)", d)
	}
	check := f.check
	ctx := map[string]any{"rule": name}
	msg := f.msg
	if f.build != nil {
		if param == "" {
			return nil, fmt.Errorf("needs a parameter")
		}
		c, err := f.build(param)
		if err != nil {
			return nil, err
		}
		check = c
		ctx[f.key] = param
		msg = fmt.Sprintf(msg, param)
	} else if param != "" {
		return nil, fmt.Errorf("takes no parameter")
	}
	r := &rulePlan{
		check: func(v reflect.Value) bool { return check(v.String()) },
		code:  "value_error", msg: msg, ctx: ctx, input: true,
	}
	if name == "pattern" {
		r.code = "string_pattern_mismatch"
		r.ctx = map[string]any{"pattern": param}
	}
	if f.schema != nil {
		r.info.Keywords, r.info.Exact = f.schema(param)
	}
	return r, nil
}

func fixed(kw map[string]any, exact bool) func(string) (map[string]any, bool) {
	return func(string) (map[string]any, bool) { return kw, exact }
}

func patternOf(re string) func(string) (map[string]any, bool) {
	return fixed(map[string]any{"pattern": re}, true)
}

var formats = map[string]format{
	"email":       {check: isEmail, msg: "Input should be a valid email address", schema: fixed(map[string]any{"format": "email"}, false)},
	"url":         {check: isURL, msg: "Input should be a valid URL", schema: fixed(map[string]any{"format": "uri"}, false)},
	"uri":         {check: isURI, msg: "Input should be a valid URI", schema: fixed(map[string]any{"format": "uri-reference"}, false)},
	"uuid":        {check: uuidOf(0), msg: "Input should be a valid UUID", schema: patternOf(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)},
	"uuid3":       {check: uuidOf(3), msg: "Input should be a valid version 3 UUID", schema: patternOf(`^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$`)},
	"uuid4":       {check: uuidOf(4), msg: "Input should be a valid version 4 UUID", schema: patternOf(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
	"uuid5":       {check: uuidOf(5), msg: "Input should be a valid version 5 UUID", schema: patternOf(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)},
	"ip":          {check: ipOf(0), msg: "Input should be a valid IP address", schema: fixed(map[string]any{"anyOf": []any{map[string]any{"format": "ipv4"}, map[string]any{"format": "ipv6"}}}, false)},
	"ipv4":        {check: ipOf(4), msg: "Input should be a valid IPv4 address", schema: fixed(map[string]any{"format": "ipv4"}, false)},
	"ipv6":        {check: ipOf(6), msg: "Input should be a valid IPv6 address", schema: fixed(map[string]any{"format": "ipv6"}, false)},
	"cidr":        {check: isCIDR, msg: "Input should be a valid CIDR network", schema: fixed(nil, false)},
	"hostname":    {check: isHostname, msg: "Input should be a valid hostname", schema: fixed(map[string]any{"format": "hostname"}, false)},
	"fqdn":        {check: isFQDN, msg: "Input should be a fully qualified domain name", schema: fixed(map[string]any{"format": "hostname"}, false)},
	"alpha":       {check: allOf(isLetter), msg: "Input should contain only ASCII letters", schema: patternOf(`^[a-zA-Z]+$`)},
	"alphanum":    {check: allOf(isLetterOrDigit), msg: "Input should contain only ASCII letters and digits", schema: patternOf(`^[a-zA-Z0-9]+$`)},
	"numeric":     {check: isNumeric, msg: "Input should be a numeric string", schema: patternOf(`^[-+]?[0-9]+(\.[0-9]+)?$`)},
	"number":      {check: allOf(isDigit), msg: "Input should contain only digits", schema: patternOf(`^[0-9]+$`)},
	"hexadecimal": {check: isHex, msg: "Input should be a hexadecimal string", schema: patternOf(`^(0[xX])?[0-9a-fA-F]+$`)},
	"lowercase":   {check: isLower, msg: "Input should be lowercase", schema: fixed(nil, false)},
	"uppercase":   {check: isUpper, msg: "Input should be uppercase", schema: fixed(nil, false)},
	"e164":        {check: isE164, msg: "Input should be an E.164 phone number", schema: patternOf(`^\+[1-9]?[0-9]{7,14}$`)},
	"base64":      {check: isBase64, msg: "Input should be valid base64", schema: patternOf(`^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$`)},
	"contains": {build: literal(strings.Contains), msg: "Input should contain '%s'", key: "substring",
		schema: func(p string) (map[string]any, bool) { return map[string]any{"pattern": regexp.QuoteMeta(p)}, true }},
	"excludes": {build: literal(func(s, p string) bool { return !strings.Contains(s, p) }), msg: "Input should not contain '%s'", key: "substring",
		schema: func(p string) (map[string]any, bool) {
			return map[string]any{"not": map[string]any{"pattern": regexp.QuoteMeta(p)}}, true
		}},
	"startswith": {build: literal(strings.HasPrefix), msg: "Input should start with '%s'", key: "prefix",
		schema: func(p string) (map[string]any, bool) {
			return map[string]any{"pattern": "^" + regexp.QuoteMeta(p)}, true
		}},
	"endswith": {build: literal(strings.HasSuffix), msg: "Input should end with '%s'", key: "suffix",
		schema: func(p string) (map[string]any, bool) {
			return map[string]any{"pattern": regexp.QuoteMeta(p) + "$"}, true
		}},
	"datetime": {build: buildDatetime, msg: "Input should be a datetime in the format %s", key: "format", schema: datetimeSchema},
	"pattern":  {build: buildPattern, msg: "String should match pattern '%s'", key: "pattern", schema: patternSchema},
}

func literal(f func(s, p string) bool) func(string) (func(string) bool, error) {
	return func(p string) (func(string) bool, error) {
		return func(s string) bool { return f(s, p) }, nil
	}
}

func buildDatetime(layout string) (func(string) bool, error) {
	return func(s string) bool {
		_, err := time.Parse(layout, s)
		return err == nil
	}, nil
}

func datetimeSchema(layout string) (map[string]any, bool) {
	switch layout {
	case time.RFC3339, time.RFC3339Nano:
		return map[string]any{"format": "date-time"}, false
	case time.DateOnly:
		return map[string]any{"format": "date"}, false
	}
	return map[string]any{"x-go-time-layout": layout}, false
}

func buildPattern(p string) (func(string) bool, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("bad regular expression: %v", err)
	}
	return re.MatchString, nil
}

func patternSchema(p string) (map[string]any, bool) {
	// RE2 and ECMA-262 agree on ordinary expressions; RE2-only syntax such
	// as (?i) or \pL classes has no exact JSON Schema form.
	exact := !strings.Contains(p, "(?") && !strings.Contains(p, `\p`) && !strings.Contains(p, `\P`) && !strings.Contains(p, "[[:")
	return map[string]any{"pattern": p}, exact
}

func isLetter(c byte) bool        { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool         { return c >= '0' && c <= '9' }
func isLetterOrDigit(c byte) bool { return isLetter(c) || isDigit(c) }
func isHexDigit(c byte) bool      { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }

// allOf returns a check that s is non-empty and every byte passes ok.
func allOf(ok func(byte) bool) func(string) bool {
	return func(s string) bool {
		if s == "" {
			return false
		}
		for i := 0; i < len(s); i++ {
			if !ok(s[i]) {
				return false
			}
		}
		return true
	}
}

func isNumeric(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	return allOf(isDigit)(whole) && (!dot || allOf(isDigit)(frac))
}

func isHex(s string) bool {
	if len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x' {
		s = s[2:]
	}
	return allOf(isHexDigit)(s)
}

func isLower(s string) bool { return s != "" && s == strings.ToLower(s) }
func isUpper(s string) bool { return s != "" && s == strings.ToUpper(s) }

// isE164 matches ^\+[1-9]?[0-9]{7,14}$.
func isE164(s string) bool {
	if len(s) < 2 || s[0] != '+' || !allOf(isDigit)(s[1:]) {
		return false
	}
	n := len(s) - 1
	if s[1] != '0' {
		return n >= 7 && n <= 15
	}
	return n >= 7 && n <= 14
}

// isBase64 accepts non-empty, padded standard base64.
func isBase64(s string) bool {
	if s == "" || len(s)%4 != 0 {
		return false
	}
	pad := len(s) - len(strings.TrimRight(s, "="))
	if pad > 2 {
		return false
	}
	for i := 0; i < len(s)-pad; i++ {
		if c := s[i]; !isLetterOrDigit(c) && c != '+' && c != '/' {
			return false
		}
	}
	return true
}

// uuidOf checks the lowercase 8-4-4-4-12 form; version 0 means any version,
// and versions 4 and 5 also require the RFC 4122 variant.
func uuidOf(version byte) func(string) bool {
	return func(s string) bool {
		if len(s) != 36 {
			return false
		}
		for i := 0; i < 36; i++ {
			c := s[i]
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !isDigit(c) && (c < 'a' || c > 'f') {
				return false
			}
		}
		switch version {
		case 0:
			return true
		case 3:
			return s[14] == '3'
		}
		return s[14] == '0'+version && strings.IndexByte("89ab", s[19]) >= 0
	}
}

func ipOf(version int) func(string) bool {
	return func(s string) bool {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return false
		}
		switch version {
		case 4:
			return a.Is4()
		case 6:
			return a.Is6()
		}
		return true
	}
}

func isCIDR(s string) bool {
	_, err := netip.ParsePrefix(s)
	return err == nil
}

// isHostname checks RFC 1123 host names: dot-separated labels of 1 to 63
// letters, digits and hyphens, not starting or ending with a hyphen, at
// most 253 characters in all.
func isHostname(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for s != "" {
		label, rest, dot := strings.Cut(s, ".")
		if !isLabel(label) || dot && rest == "" {
			return false
		}
		s = rest
	}
	return true
}

func isLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !isLetterOrDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// isFQDN is a host name of at least two labels whose last label starts with
// a letter; one trailing dot is allowed.
func isFQDN(s string) bool {
	s = strings.TrimSuffix(s, ".")
	i := strings.LastIndexByte(s, '.')
	return i > 0 && isHostname(s) && isLetter(s[i+1])
}

// isEmail checks an addr-spec: a dot-atom local part of at most 64 bytes,
// '@', and a host name with at least two labels; 254 bytes at most.
func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || len(s) > 254 || at > 64 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if c := local[i]; !isLetterOrDigit(c) && strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) < 0 {
			return false
		}
	}
	return strings.IndexByte(domain, '.') > 0 && isHostname(domain)
}

// isURL accepts an absolute URL: a scheme and a host, or a scheme and an
// opaque part or path (mailto:x@y, file:///tmp).
func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "" || u.Path != "")
}

// isURI accepts what net/url.ParseRequestURI accepts: an absolute URI or an
// absolute path.
func isURI(s string) bool {
	_, err := url.ParseRequestURI(s)
	return err == nil
}
