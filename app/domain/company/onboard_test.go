package company

import (
	"testing"

	"inkan/app/domain/account"
)

func TestApplicationRefusesControlCharacters(t *testing.T) {
	admin := account.UserInput{Name: "管理 太郎", Kana: "カンリ タロウ", Email: "admin@example.jp"}
	for _, tt := range []struct {
		name, company, field string
	}{
		{"override in the company name", "受注\u202E工務店", "name"},
		{"tab in the company name", "受注\t工務店", "name"},
		{"isolate in the admin's name", "受注工務店", "admin_name"},
	} {
		a := Application{Name: tt.company, Plan: PlanOneSide, Admin: admin}
		if tt.field == "admin_name" {
			a.Admin.Name = "管理\u2067太郎"
		}
		if got := a.Normalize().Validate()[tt.field]; got != "error.control_chars" {
			t.Errorf("%s: %s refused with %q, want error.control_chars", tt.name, tt.field, got)
		}
	}
	ok := Application{Name: "受注工務店株式会社", Plan: PlanOneSide, Admin: admin}
	if errs := ok.Normalize().Validate(); len(errs) != 0 {
		t.Errorf("a plain application refused: %v", errs)
	}
}
