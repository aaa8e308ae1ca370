package yen_test

import (
	"errors"
	"testing"

	"inkan/app/locale/yen"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234567", 1234567, true},
		{"1,234,567", 1234567, true},
		{"１，２３４，５６７", 1234567, true},
		{"１２３４５６７", 1234567, true},
		{" 1,200,000円 ", 1200000, true},
		{"￥1,200,000", 1200000, true},
		{"¥５００", 500, true},
		{"0", 0, true},
		{"999,999,999,999,999", yen.Max, true},
		{"1,000,000,000,000,000", 0, false},
		{"12,34", 0, false},
		{"1,2345", 0, false},
		{",123", 0, false},
		{"-100", 0, false},
		{"100.5", 0, false},
		{"十万", 0, false},
		{"", 0, false},
		{"円", 0, false},
		{"1 000", 0, false},
		{"99999999999999999999", 0, false},
	} {
		got, err := yen.Parse(tt.in)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if !tt.ok && !errors.Is(err, yen.ErrInvalid) {
			t.Errorf("Parse(%q) = %d, %v; want ErrInvalid", tt.in, got, err)
		}
	}
}

func TestDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", yen.Max: "999,999,999,999,999"} {
		if got := yen.Digits(n); got != want {
			t.Errorf("Digits(%d) = %q, want %q", n, got, want)
		}
	}
}
