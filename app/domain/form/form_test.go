package form

import "testing"

func TestControlCharacters(t *testing.T) {
	tests := []struct {
		name           string
		in             string
		line, multiple bool // refused as one line, as several
	}{
		{"plain", "山田 太郎", false, false},
		{"full-width space and symbols", "（株）　＝＋－＠", false, false},
		{"empty", "", false, false},
		{"newline", "一行目\n二行目", true, false},
		{"textarea CRLF", "一行目\r\n二行目", true, false},
		{"tab", "a\tb", true, true},
		{"NUL", "a\x00b", true, true},
		{"escape", "\x1b[31m", true, true},
		{"DEL", "a\x7fb", true, true},
		{"LRE", "a\u202Ab", true, true},
		{"RLO", "\u202Egpj.exe", true, true},
		{"LRI", "a\u2066b", true, true},
		{"PDI", "a\u2069b", true, true},
		{"zero-width joiner is text", "👨\u200D👩", false, false},
	}
	for _, tt := range tests {
		line, lines := Errors{}, Errors{}
		line.Line("f", tt.in)
		lines.Lines("f", tt.in)
		if got := line["f"] == "error.control_chars"; got != tt.line {
			t.Errorf("%s: Line refused %v, want %v", tt.name, got, tt.line)
		}
		if got := lines["f"] == "error.control_chars"; got != tt.multiple {
			t.Errorf("%s: Lines refused %v, want %v", tt.name, got, tt.multiple)
		}
	}
}
