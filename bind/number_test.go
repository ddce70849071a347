package bind

import "testing"

func TestWholeNumber(t *testing.T) {
	tests := []struct {
		lit   string
		want  string
		whole bool
	}{
		{"1.0", "1", true},
		{"1e2", "100", true},
		{"1E+2", "100", true},
		{"-12.50e1", "-125", true},
		{"10.0e-1", "1", true},
		{"0.0", "0", true},
		{"-0e5", "0", true},
		{"1.5", "", false},
		{"1e-1", "", false},
		{"123e-2", "", false},
		{"1e400", "1000000000000000000000000", true},
		{"-9e99999999999999999999", "-9000000000000000000000000", true},
		{"1e-99999999999999999999", "", false},
		{"0.000e-99999999999999999999", "0", true},
		{"12345678901234567890123456789e0", "1234567890123456789012345", true},
	}
	for _, tt := range tests {
		got, whole := wholeNumber(tt.lit)
		if got != tt.want || whole != tt.whole {
			t.Errorf("wholeNumber(%q) = %q, %v; want %q, %v", tt.lit, got, whole, tt.want, tt.whole)
		}
	}
}
