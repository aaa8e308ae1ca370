package sheet

import (
	"mime"
	"testing"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"", CSV, false},
		{"csv", CSV, false},
		{"CSV", CSV, false},
		{"csv-sjis", CSVShiftJIS, false},
		{"xlsx", XLSX, false},
		{"xls", CSV, true},
		{"pdf", CSV, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestFormatProperties(t *testing.T) {
	tests := []struct {
		f           Format
		name        string
		contentType string
		ext         string
	}{
		{CSV, "csv", "text/csv; charset=utf-8", ".csv"},
		{CSVShiftJIS, "csv-sjis", "text/csv; charset=Shift_JIS", ".csv"},
		{XLSX, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.name {
			t.Errorf("%d.String() = %q, want %q", tt.f, got, tt.name)
		}
		if back, err := ParseFormat(tt.f.String()); err != nil || back != tt.f {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", tt.f.String(), back, err, tt.f)
		}
		if got := tt.f.ContentType(); got != tt.contentType {
			t.Errorf("%v.ContentType() = %q, want %q", tt.f, got, tt.contentType)
		}
		if got := tt.f.Ext(); got != tt.ext {
			t.Errorf("%v.Ext() = %q, want %q", tt.f, got, tt.ext)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		f              Format
		name, fallback string
		want           string
		wantName       string // what a client reading filename* saves the file as
	}{
		{
			CSV, "自社利用者一覧_20260115", "users_20260115",
			"attachment; filename=users_20260115.csv; filename*=utf-8''%E8%87%AA%E7%A4%BE%E5%88%A9%E7%94%A8%E8%80%85%E4%B8%80%E8%A6%A7_20260115.csv",
			"自社利用者一覧_20260115.csv",
		},
		{
			XLSX, "契約 文書(2026).", "documents",
			"attachment; filename=documents.xlsx; filename*=utf-8''%E5%A5%91%E7%B4%84%20%E6%96%87%E6%9B%B8%282026%29..xlsx",
			"契約 文書(2026)..xlsx",
		},
		{CSV, "users", "ignored", "attachment; filename=users.csv", "users.csv"},
		{CSV, `a "b" c`, "ignored", `attachment; filename="a \"b\" c.csv"`, `a "b" c.csv`},
		{CSV, "一覧", "一覧", "attachment; filename*=utf-8''%E4%B8%80%E8%A6%A7.csv", "一覧.csv"},
	}
	for _, tt := range tests {
		got := tt.f.ContentDisposition(tt.name, tt.fallback)
		if got != tt.want {
			t.Errorf("ContentDisposition(%q, %q)\n got %s\nwant %s", tt.name, tt.fallback, got, tt.want)
		}
		disposition, params, err := mime.ParseMediaType(got)
		if err != nil || disposition != "attachment" || params["filename"] != tt.wantName {
			t.Errorf("ParseMediaType(%s) = %q, %q, %v; want filename %q", got, disposition, params, err, tt.wantName)
		}
	}
}
