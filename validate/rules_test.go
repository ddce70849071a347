package validate_test

import (
	"reflect"
	"testing"
	"time"
)

var (
	tString   = reflect.TypeFor[string]()
	tInt      = reflect.TypeFor[int]()
	tInt8     = reflect.TypeFor[int8]()
	tUint     = reflect.TypeFor[uint16]()
	tFloat    = reflect.TypeFor[float64]()
	tBool     = reflect.TypeFor[bool]()
	tDuration = reflect.TypeFor[time.Duration]()
	tStrings  = reflect.TypeFor[[]string]()
	tInts     = reflect.TypeFor[[]int]()
	tArray    = reflect.TypeFor[[3]int]()
	tMap      = reflect.TypeFor[map[string]int]()
	tStrPtr   = reflect.TypeFor[*string]()
)

func sp(s string) *string { return &s }

func TestRules(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		tag  string
		val  any
		want string // JSON of the field errors, "" when valid
	}{
		// min/max/len on strings count runes.
		{"min 2 runes", tString, "min=3", "ab", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}]`},
		{"min 3 runes", tString, "min=3", "abc", ""},
		{"min 4 runes", tString, "min=3", "abcd", ""},
		{"min 2 multibyte runes", tString, "min=3", "éé", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"éé","ctx":{"min_length":3}}]`},
		{"min 3 multibyte runes (6 bytes)", tString, "min=3", "日本語", ""},
		{"min 1 singular", tString, "min=1", "", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}}]`},
		{"max 4 runes", tString, "max=3", "abcd", `[{"type":"string_too_long","loc":["f"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}}]`},
		{"max 3 runes", tString, "max=3", "abc", ""},
		{"max 3 multibyte runes (9 bytes)", tString, "max=3", "日本語", ""},
		{"max 4 multibyte runes", tString, "max=3", "日本語!", `[{"type":"string_too_long","loc":["f"],"msg":"String should have at most 3 characters","input":"日本語!","ctx":{"max_length":3}}]`},
		{"len short", tString, "len=2", "a", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}}]`},
		{"len exact", tString, "len=2", "ab", ""},
		{"len long", tString, "len=2", "abc", `[{"type":"string_too_long","loc":["f"],"msg":"String should have at most 2 characters","input":"abc","ctx":{"max_length":2}}]`},
		{"gt on string length", tString, "gt=2", "ab", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}]`},
		{"gte on string length", tString, "gte=2", "ab", ""},
		{"lt on string length", tString, "lt=2", "ab", `[{"type":"string_too_long","loc":["f"],"msg":"String should have at most 1 character","input":"ab","ctx":{"max_length":1}}]`},
		{"lte on string length", tString, "lte=2", "ab", ""},
		{"eq string", tString, "eq=yes", "yes", ""},
		{"eq string fails", tString, "eq=yes", "no", `[{"type":"literal_error","loc":["f"],"msg":"Input should be 'yes'","input":"no","ctx":{"expected":"'yes'"}}]`},
		{"ne string", tString, "ne=admin", "bob", ""},
		{"ne string fails", tString, "ne=admin", "admin", `[{"type":"value_error","loc":["f"],"msg":"Input should not be 'admin'","input":"admin","ctx":{"ne":"admin","rule":"ne"}}]`},

		// numbers compare values.
		{"min int below", tInt, "min=5", 4, `[{"type":"greater_than_equal","loc":["f"],"msg":"Input should be greater than or equal to 5","input":4,"ctx":{"ge":5}}]`},
		{"min int equal", tInt, "min=5", 5, ""},
		{"max int above", tInt, "max=5", 6, `[{"type":"less_than_equal","loc":["f"],"msg":"Input should be less than or equal to 5","input":6,"ctx":{"le":5}}]`},
		{"max int equal", tInt, "max=5", 5, ""},
		{"gt int equal", tInt, "gt=5", 5, `[{"type":"greater_than","loc":["f"],"msg":"Input should be greater than 5","input":5,"ctx":{"gt":5}}]`},
		{"gt int above", tInt, "gt=5", 6, ""},
		{"gte negative", tInt, "gte=-3", -4, `[{"type":"greater_than_equal","loc":["f"],"msg":"Input should be greater than or equal to -3","input":-4,"ctx":{"ge":-3}}]`},
		{"lt int equal", tInt, "lt=5", 5, `[{"type":"less_than","loc":["f"],"msg":"Input should be less than 5","input":5,"ctx":{"lt":5}}]`},
		{"lt int below", tInt, "lt=5", 4, ""},
		{"lte int", tInt, "lte=5", 5, ""},
		{"eq int", tInt, "eq=7", 8, `[{"type":"literal_error","loc":["f"],"msg":"Input should be 7","input":8,"ctx":{"expected":"7"}}]`},
		{"len on int is eq", tInt, "len=7", 7, ""},
		{"ne int", tInt, "ne=0", 0, `[{"type":"value_error","loc":["f"],"msg":"Input should not be 0","input":0,"ctx":{"ne":0,"rule":"ne"}}]`},
		{"params are shown canonically", tInt, "gte=+05", 4, `[{"type":"greater_than_equal","loc":["f"],"msg":"Input should be greater than or equal to 5","input":4,"ctx":{"ge":5}}]`},
		{"float params are shown canonically", tFloat, "oneof=0.50 2", 1, `[{"type":"enum","loc":["f"],"msg":"Input should be 0.5 or 2","input":1,"ctx":{"expected":"0.5 or 2"}}]`},
		{"duration oneof", tDuration, "oneof=1s 90s", time.Second, ""},
		{"duration oneof fails", tDuration, "oneof=1s 90s", time.Minute, `[{"type":"enum","loc":["f"],"msg":"Input should be 1s or 1m30s","input":60000000000,"ctx":{"expected":"1s or 1m30s"}}]`},
		{"int8 min", tInt8, "min=-10", int8(-11), `[{"type":"greater_than_equal","loc":["f"],"msg":"Input should be greater than or equal to -10","input":-11,"ctx":{"ge":-10}}]`},
		{"uint max", tUint, "max=10", uint16(11), `[{"type":"less_than_equal","loc":["f"],"msg":"Input should be less than or equal to 10","input":11,"ctx":{"le":10}}]`},
		{"float gt", tFloat, "gt=0.5", 0.5, `[{"type":"greater_than","loc":["f"],"msg":"Input should be greater than 0.5","input":0.5,"ctx":{"gt":0.5}}]`},
		{"float gt above", tFloat, "gt=0.5", 0.51, ""},
		{"float lte", tFloat, "lte=2.5", 2.5, ""},
		{"duration min", tDuration, "min=1s", time.Second - 1, `[{"type":"greater_than_equal","loc":["f"],"msg":"Input should be greater than or equal to 1s","input":999999999,"ctx":{"ge":"1s"}}]`},
		{"duration max", tDuration, "max=1m", time.Minute, ""},
		{"bool eq", tBool, "eq=true", false, `[{"type":"literal_error","loc":["f"],"msg":"Input should be true","input":false,"ctx":{"expected":"true"}}]`},
		{"bool ne", tBool, "ne=true", false, ""},

		// lengths of collections.
		{"slice min", tInts, "min=2", []int{1}, `[{"type":"too_short","loc":["f"],"msg":"List should have at least 2 items after validation, not 1","ctx":{"actual_length":1,"field_type":"List","min_length":2}}]`},
		{"slice min ok", tInts, "min=2", []int{1, 2}, ""},
		{"slice max", tInts, "max=1", []int{1, 2}, `[{"type":"too_long","loc":["f"],"msg":"List should have at most 1 item after validation, not 2","ctx":{"actual_length":2,"field_type":"List","max_length":1}}]`},
		{"nil slice min", tInts, "min=1", nil, `[{"type":"too_short","loc":["f"],"msg":"List should have at least 1 item after validation, not 0","ctx":{"actual_length":0,"field_type":"List","min_length":1}}]`},
		{"array len", tArray, "len=3", [3]int{}, ""},
		{"map max", tMap, "max=1", map[string]int{"a": 1, "b": 2}, `[{"type":"too_long","loc":["f"],"msg":"Dictionary should have at most 1 item after validation, not 2","ctx":{"actual_length":2,"field_type":"Dictionary","max_length":1}}]`},
		{"slice eq is length", tInts, "eq=0", []int{}, ""},
		{"slice ne", tInts, "ne=0", []int{}, `[{"type":"value_error","loc":["f"],"msg":"Length should not be 0","ctx":{"ne":0,"rule":"ne"}}]`},

		// oneof.
		{"oneof ok", tString, "oneof=red green", "green", ""},
		{"oneof bad", tString, "oneof=red green blue", "pink", `[{"type":"enum","loc":["f"],"msg":"Input should be 'red', 'green' or 'blue'","input":"pink","ctx":{"expected":"'red', 'green' or 'blue'"}}]`},
		{"oneof quoted", tString, "oneof='dark red' green", "dark red", ""},
		{"oneof single", tString, "oneof=a", "b", `[{"type":"enum","loc":["f"],"msg":"Input should be 'a'","input":"b","ctx":{"expected":"'a'"}}]`},
		{"oneof int", tInt, "oneof=1 2 3", 4, `[{"type":"enum","loc":["f"],"msg":"Input should be 1, 2 or 3","input":4,"ctx":{"expected":"1, 2 or 3"}}]`},
		{"oneof int ok", tInt, "oneof=1 2 3", 3, ""},
		{"oneof is case sensitive", tString, "oneof=a b", "A", `[{"type":"enum","loc":["f"],"msg":"Input should be 'a' or 'b'","input":"A","ctx":{"expected":"'a' or 'b'"}}]`},

		// required and omitempty with plain Go semantics.
		{"required empty string", tString, "required", "", `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"required zero int", tInt, "required", 0, `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"required false", tBool, "required", false, `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"required nil pointer", tStrPtr, "required", nil, `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"required pointer to empty", tStrPtr, "required", sp(""), ""},
		{"required nil slice", tInts, "required", nil, `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"required empty slice", tInts, "required", []int{}, ""},
		{"required stops other rules", tString, "required,min=3", "", `[{"type":"missing","loc":["f"],"msg":"Field required"}]`},
		{"no omitempty: rules run on zero", tString, "email", "", `[{"type":"value_error","loc":["f"],"msg":"Input should be a valid email address","input":"","ctx":{"rule":"email"}}]`},
		{"omitempty skips zero", tString, "omitempty,email", "", ""},
		{"omitempty runs on non-zero", tString, "omitempty,min=3", "ab", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}]`},
		{"nil pointer is optional", tStrPtr, "min=3", nil, ""},
		{"pointer value validated", tStrPtr, "min=3", sp("ab"), `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"ab","ctx":{"min_length":3}}]`},
		{"omitempty on pointer skips only nil", tStrPtr, "omitempty,min=3", sp(""), `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"","ctx":{"min_length":3}}]`},
		{"first failing rule only", tString, "min=3,email", "a", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 3 characters","input":"a","ctx":{"min_length":3}}]`},

		// dive.
		{"dive elements", tStrings, "dive,min=2", []string{"ab", "c", "de", ""}, `[{"type":"string_too_short","loc":["f",1],"msg":"String should have at least 2 characters","input":"c","ctx":{"min_length":2}},{"type":"string_too_short","loc":["f",3],"msg":"String should have at least 2 characters","input":"","ctx":{"min_length":2}}]`},
		{"rules before dive apply to the slice", tStrings, "max=1,dive,min=2", []string{"a", "bb"}, `[{"type":"too_long","loc":["f"],"msg":"List should have at most 1 item after validation, not 2","ctx":{"actual_length":2,"field_type":"List","max_length":1}},{"type":"string_too_short","loc":["f",0],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}}]`},
		{"dive map values in key order", tMap, "dive,gt=0", map[string]int{"c": 0, "a": 0, "b": 1}, `[{"type":"greater_than","loc":["f","a"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},{"type":"greater_than","loc":["f","c"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]`},
		{"dive map keys", tMap, "dive,keys,min=2,endkeys,gt=0", map[string]int{"a": 1, "bb": 0}, `[{"type":"string_too_short","loc":["f","a","[key]"],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}},{"type":"greater_than","loc":["f","bb"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]`},
		{"dive int map keys", reflect.TypeFor[map[int]string](), "dive,keys,gt=0,endkeys", map[int]string{-1: "x", 2: "y"}, `[{"type":"greater_than","loc":["f","-1","[key]"],"msg":"Input should be greater than 0","input":-1,"ctx":{"gt":0}}]`},
		{"dive dive", reflect.TypeFor[[][]int](), "dive,min=1,dive,lt=3", [][]int{{1, 3}, {}}, `[{"type":"less_than","loc":["f",0,1],"msg":"Input should be less than 3","input":3,"ctx":{"lt":3}},{"type":"too_short","loc":["f",1],"msg":"List should have at least 1 item after validation, not 0","ctx":{"actual_length":0,"field_type":"List","min_length":1}}]`},
		{"dive required pointers", reflect.TypeFor[[]*int](), "dive,required", []*int{nil}, `[{"type":"missing","loc":["f",0],"msg":"Field required"}]`},

		// unique.
		{"unique strings", tStrings, "unique", []string{"a", "b"}, ""},
		{"unique strings dup", tStrings, "unique", []string{"a", "b", "a"}, `[{"type":"value_error","loc":["f"],"msg":"Input should have unique items","ctx":{"rule":"unique"}}]`},
		{"unique map values", tMap, "unique", map[string]int{"a": 1, "b": 1}, `[{"type":"value_error","loc":["f"],"msg":"Input should have unique items","ctx":{"rule":"unique"}}]`},
		{"unique pointers compare values", reflect.TypeFor[[]*string](), "unique", []*string{sp("a"), sp("a")}, `[{"type":"value_error","loc":["f"],"msg":"Input should have unique items","ctx":{"rule":"unique"}}]`},
		{"unique long slice", tInts, "unique", seq(100, -1), ""},
		{"unique long slice dup", tInts, "unique", seq(100, 50), `[{"type":"value_error","loc":["f"],"msg":"Input should have unique items","ctx":{"rule":"unique"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errorsJSON(t, one(tt.typ, tt.tag, tt.val)); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// seq returns 0..n-1, with element dup (if >= 0) set to 0 to make a duplicate.
func seq(n, dup int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	if dup >= 0 {
		s[dup] = 0
	}
	return s
}

func TestStringRules(t *testing.T) {
	tests := []struct {
		tag   string
		valid []string
		bad   []string
		msg   string
	}{
		{"email", []string{"a@b.co", "first.last+tag@sub.example.com", "x_y-z@a-b.io"},
			[]string{"", "a", "a@", "@b.co", "a@b", "a..b@c.co", ".a@b.co", "a.@b.co", "a b@c.co", "a@-b.co", "a@b_c.co", "Ann <a@b.co>"},
			"Input should be a valid email address"},
		{"url", []string{"https://example.com", "http://a.b/c?d=e#f", "mailto:a@b.co", "file:///tmp/x"},
			[]string{"", "example.com", "/path", "http//x", "://x"}, "Input should be a valid URL"},
		{"uri", []string{"https://example.com/a", "/abs/path"}, []string{"", "rel/path", "#frag"}, "Input should be a valid URI"},
		{"uuid", []string{"123e4567-e89b-12d3-a456-426614174000"},
			[]string{"", "123e4567e89b12d3a456426614174000", "123E4567-E89B-12D3-A456-426614174000", "123e4567-e89b-12d3-a456-42661417400g"}, "Input should be a valid UUID"},
		{"uuid3", []string{"a3bb189e-8bf9-3888-9912-ace4e6543002"}, []string{"a3bb189e-8bf9-4888-9912-ace4e6543002"}, "Input should be a valid version 3 UUID"},
		{"uuid4", []string{"3f1c7a2e-9b4d-4c6a-8e2f-1a2b3c4d5e6f"},
			[]string{"3f1c7a2e-9b4d-5c6a-8e2f-1a2b3c4d5e6f", "3f1c7a2e-9b4d-4c6a-7e2f-1a2b3c4d5e6f"}, "Input should be a valid version 4 UUID"},
		{"uuid5", []string{"74738ff5-5367-5958-9aee-98fffdcd1876"}, []string{"74738ff5-5367-4958-9aee-98fffdcd1876"}, "Input should be a valid version 5 UUID"},
		{"ip", []string{"10.0.0.1", "::1", "2001:db8::1"}, []string{"", "256.0.0.1", "10.0.0", "fe80::1%eth0", "010.0.0.1"}, "Input should be a valid IP address"},
		{"ipv4", []string{"192.168.0.1"}, []string{"::1", "1.2.3.4.5"}, "Input should be a valid IPv4 address"},
		{"ipv6", []string{"::1", "::ffff:1.2.3.4"}, []string{"1.2.3.4"}, "Input should be a valid IPv6 address"},
		{"cidr", []string{"10.0.0.0/8", "2001:db8::/32"}, []string{"10.0.0.0", "10.0.0.0/33"}, "Input should be a valid CIDR network"},
		{"hostname", []string{"localhost", "a-b.example.com", "x1"}, []string{"", "-a.com", "a-.com", "a..b", "a.", "a_b.com", "é.com"}, "Input should be a valid hostname"},
		{"fqdn", []string{"example.com", "example.com.", "a.b.c.io"}, []string{"localhost", "example.123", ".com"}, "Input should be a fully qualified domain name"},
		{"alpha", []string{"abcXYZ"}, []string{"", "abc1", "é"}, "Input should contain only ASCII letters"},
		{"alphanum", []string{"abc123"}, []string{"", "abc-1", "ü"}, "Input should contain only ASCII letters and digits"},
		{"numeric", []string{"1", "-1.5", "+10", "007"}, []string{"", "1.", ".5", "1e3", "1.2.3", "-"}, "Input should be a numeric string"},
		{"number", []string{"0", "123"}, []string{"", "-1", "1.5"}, "Input should contain only digits"},
		{"hexadecimal", []string{"ff", "0xFF", "DEADbeef"}, []string{"", "0x", "fg"}, "Input should be a hexadecimal string"},
		{"lowercase", []string{"abc", "abc-1"}, []string{"", "aBc"}, "Input should be lowercase"},
		{"uppercase", []string{"ABC", "ABC-1"}, []string{"", "AbC"}, "Input should be uppercase"},
		{"e164", []string{"+14155552671", "+4915112345678", "+0123456", "+01234567890123"}, []string{"", "14155552671", "+1415", "+1234567890123456", "+012345678901234", "+1-415"}, "Input should be an E.164 phone number"},
		{"base64", []string{"YQ==", "YWI=", "YWJj", "YWJjZA=="}, []string{"", "YQ", "YQ=", "Y===", "Y!==", "YQ==YQ=="}, "Input should be valid base64"},
		{"contains=@", []string{"a@b"}, []string{"ab"}, "Input should contain '@'"},
		{"excludes=0x2C", []string{"ab"}, []string{"a,b"}, "Input should not contain ','"},
		{"startswith=ab", []string{"abc"}, []string{"cab"}, "Input should start with 'ab'"},
		{"endswith=.go", []string{"main.go"}, []string{"main.rs"}, "Input should end with '.go'"},
		{"datetime=2006-01-02", []string{"2024-02-29"}, []string{"2023-02-29", "2024-2-1", ""}, "Input should be a datetime in the format 2006-01-02"},
		{"pattern=^[a-z]{2,3}$", []string{"ab", "abc"}, []string{"a", "abcd", "AB"}, "String should match pattern '^[a-z]{2,3}$'"},
	}
	for _, tt := range tests {
		for _, s := range tt.valid {
			if got := errorsJSON(t, one(tString, tt.tag, s)); got != "" {
				t.Errorf("%s: %q: got %s, want valid", tt.tag, s, got)
			}
		}
		for _, s := range tt.bad {
			got := errorsJSON(t, one(tString, tt.tag, s))
			if !containsAll(got, `"msg":"`+tt.msg+`"`, `"loc":["f"]`, `"input":`+mustJSON(t, s)) {
				t.Errorf("%s: %q: got %s, want msg %q", tt.tag, s, got, tt.msg)
			}
		}
	}
}

func TestStringRuleCodes(t *testing.T) {
	tests := []struct{ tag, val, want string }{
		{"email", "x", `[{"type":"value_error","loc":["f"],"msg":"Input should be a valid email address","input":"x","ctx":{"rule":"email"}}]`},
		{"contains=ab", "x", `[{"type":"value_error","loc":["f"],"msg":"Input should contain 'ab'","input":"x","ctx":{"rule":"contains","substring":"ab"}}]`},
		{"startswith=ab", "x", `[{"type":"value_error","loc":["f"],"msg":"Input should start with 'ab'","input":"x","ctx":{"prefix":"ab","rule":"startswith"}}]`},
		{"datetime=15:04", "x", `[{"type":"value_error","loc":["f"],"msg":"Input should be a datetime in the format 15:04","input":"x","ctx":{"format":"15:04","rule":"datetime"}}]`},
		{"pattern=^a+$", "b", `[{"type":"string_pattern_mismatch","loc":["f"],"msg":"String should match pattern '^a+$'","input":"b","ctx":{"pattern":"^a+$"}}]`},
		{"pattern=^(a,b|c)$", "a,b", ""},
		{"pattern=^[,]$,min=2", ",", `[{"type":"string_too_short","loc":["f"],"msg":"String should have at least 2 characters","input":",","ctx":{"min_length":2}}]`},
		{"min=2,pattern=^a{1,3}$", "aaaa", `[{"type":"string_pattern_mismatch","loc":["f"],"msg":"String should match pattern '^a{1,3}$'","input":"aaaa","ctx":{"pattern":"^a{1,3}$"}}]`},
	}
	for _, tt := range tests {
		if got := errorsJSON(t, one(tString, tt.tag, tt.val)); got != tt.want {
			t.Errorf("%s %q:\ngot  %s\nwant %s", tt.tag, tt.val, got, tt.want)
		}
	}
}

func TestLongInputNotEchoed(t *testing.T) {
	long := string(make([]byte, 300))
	got := errorsJSON(t, one(tString, "email", long))
	want := `[{"type":"value_error","loc":["f"],"msg":"Input should be a valid email address","ctx":{"rule":"email"}}]`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !contains(s, sub) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
