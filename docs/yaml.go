package docs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// DocumentYAML returns the OpenAPI 3.1 document as YAML, for tools and
// people that prefer it: the same tree as Document, in the same order
// (keys sorted, properties in declaration order), with strings and keys
// that are not plain words in double quotes (JSON's escapes, which YAML
// reads alike), so that no value changes type ("200", "yes", "1.0" stay
// strings). It is built and cached with the document.
func (a *API) DocumentYAML() ([]byte, error) {
	b := a.current()
	return b.yaml.data, b.err
}

// toYAML writes v, a document tree, as block YAML.
func toYAML(v any) ([]byte, error) {
	v, err := plain(v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeYAML(&buf, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// plain converts the values of v that are not map[string]any, []any or
// JSON scalars (typed maps and slices, structs) to those, through JSON.
func plain(v any) (any, error) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			out[k] = p
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			p, err := plain(e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case nil, string, bool, json.Number:
		return v, nil
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var p any
	if err := d.Decode(&p); err != nil {
		return nil, err
	}
	if _, ok := p.(map[string]any); ok {
		return plain(p)
	}
	if _, ok := p.([]any); ok {
		return plain(p)
	}
	return p, nil
}

// writeYAML writes v at indent; a map or list that is not empty starts on
// a new line.
func writeYAML(buf *bytes.Buffer, v any, indent int) error {
	pad := strings.Repeat(" ", indent)
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v, nil) {
			e := v[k]
			if props, ok := e.(map[string]any); ok && k == "properties" {
				e = orderedMap{props, propertyOrder(v, props)}
			}
			writeKey(buf, pad, k)
			if err := writeChild(buf, e, indent+2); err != nil {
				return err
			}
		}
	case orderedMap:
		for _, k := range v.keys {
			writeKey(buf, pad, k)
			if err := writeChild(buf, v.m[k], indent+2); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range v {
			buf.WriteString(pad + "-")
			if err := writeChild(buf, e, indent+2); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeKey writes "key:", or the explicit form "? key" then ":" for a key
// longer than the 1024 characters YAML allows an implicit key.
func writeKey(buf *bytes.Buffer, pad, k string) {
	y := yamlKey(k)
	if len(y) > 1000 {
		buf.WriteString(pad + "? " + y + "\n" + pad + ":")
		return
	}
	buf.WriteString(pad + y + ":")
}

// orderedMap is a properties object with its keys in order.
type orderedMap struct {
	m    map[string]any
	keys []string
}

// writeChild writes v after a "key:" or "-": a scalar or an empty
// collection on the same line, anything else below it at indent.
func writeChild(buf *bytes.Buffer, v any, indent int) error {
	switch c := v.(type) {
	case map[string]any:
		if len(c) == 0 || len(c) == 1 && c[orderKey] != nil {
			buf.WriteString(" {}\n")
			return nil
		}
	case orderedMap:
		if len(c.keys) == 0 {
			buf.WriteString(" {}\n")
			return nil
		}
	case []any:
		if len(c) == 0 {
			buf.WriteString(" []\n")
			return nil
		}
	default:
		s, err := yamlScalar(v)
		if err != nil {
			return err
		}
		buf.WriteString(" " + s + "\n")
		return nil
	}
	buf.WriteByte('\n')
	return writeYAML(buf, v, indent)
}

func yamlScalar(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "null", nil
	case bool:
		if v {
			return "true", nil
		}
		return "false", nil
	case json.Number:
		return v.String(), nil
	case string:
		return quoted(v)
	}
	data, err := json.Marshal(v)
	return string(data), err
}

// quoted is s as a JSON string, which is a YAML double-quoted scalar,
// with the characters YAML does not allow in a document (DEL, C1 controls,
// U+FFFE...) escaped as well.
func quoted(s string) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	q := strings.TrimSuffix(buf.String(), "\n")
	if strings.IndexFunc(q, notYAMLPrintable) < 0 {
		return q, nil
	}
	var b strings.Builder
	for _, r := range q {
		if notYAMLPrintable(r) {
			fmt.Fprintf(&b, "\\u%04x", r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// notYAMLPrintable reports the characters outside YAML's printable set
// (c-printable), which JSON leaves unescaped.
func notYAMLPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return true
	case r >= 0xd800 && r <= 0xdfff, r == 0xfffe, r == 0xffff:
		return true
	}
	return false
}

var plainKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_.$-]*$`)

// yamlKey is k plain when YAML reads it back as the same string, quoted
// otherwise (paths, statuses, and words YAML 1.1 reads as booleans or
// null).
func yamlKey(k string) string {
	switch strings.ToLower(k) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
	default:
		if plainKey.MatchString(k) {
			return k
		}
	}
	q, _ := quoted(k)
	return q
}
