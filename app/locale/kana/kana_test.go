package kana

import (
	"strings"
	"testing"
)

func TestKatakana(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"サトウ ジロウ", "サトウ　ジロウ", true},
		{"ｻﾄｳ ｼﾞﾛｳ", "サトウ　ジロウ", true},
		{"ｽｽﾞｷ  ｲﾁﾛｳ", "スズキ　イチロウ", true},
		{"さとう　じろう", "サトウ　ジロウ", true},
		{"パーク・ハイアット", "パーク・ハイアット", true},
		{"佐藤", "佐藤", false},
		{"Sato", "Sato", false},
		{"   ", "", false},
	}
	for _, tt := range tests {
		got, ok := Katakana(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Katakana(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 発注建設株式会社 ", "発注建設株式会社"},
		{"ｶﾞｲｱ建設", "ガイア建設"},
		{"ﾊﾟﾜｰ工業 Co.", "パワー工業 Co."},
		{"ＡＢＣ建設", "ＡＢＣ建設"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ stored, typed string }{
		{"鈴木 一郎", "鈴木一郎"},
		{"スズキ　イチロウ", "すずき"},
		{"ｽｽﾞｷ", "スズキ"},
		{"ＡＢＣ建設", "abc"},
		{"PJ-00１", "pj-001"},
	}
	for _, tt := range tests {
		if !strings.Contains(Fold(tt.stored), Fold(tt.typed)) {
			t.Errorf("Fold(%q) = %q does not contain Fold(%q) = %q", tt.stored, Fold(tt.stored), tt.typed, Fold(tt.typed))
		}
	}
	if strings.Contains(Fold("鈴木"), Fold("鈴本")) {
		t.Error("different kanji match")
	}
}

// TestFoldAndFoldPhrase pins both foldings exactly: FoldPhrase makes the search index's
// terms, and the two differ in spaces only.
func TestFoldAndFoldPhrase(t *testing.T) {
	tests := []struct{ in, fold, phrase string }{
		{"鈴木 一郎", "鈴木一郎", "鈴木 一郎"},
		{"　スズキ　イチロウ　", "すずきいちろう", "すずき いちろう"},
		{"ｽｽﾞｷ", "すずき", "すずき"},
		{"ＡＢＣ建設", "abc建設", "abc建設"},
		{"PJ-00１", "pj-001", "pj-001"},
		{"㈱ヽヾ①", "(株)ゝゞ1", "(株)ゝゞ1"},
		{"業務委託  契約書\t", "業務委託契約書", "業務委託  契約書"},
		{"〇△ー", "〇△ー", "〇△ー"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.fold {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.fold)
		}
		if got := FoldPhrase(tt.in); got != tt.phrase {
			t.Errorf("FoldPhrase(%q) = %q, want %q", tt.in, got, tt.phrase)
		}
	}
}
