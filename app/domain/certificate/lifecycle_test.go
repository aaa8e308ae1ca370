package certificate_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/form"
	"inkan/data"
)

func validInput() certificate.ApplicationInput {
	return certificate.ApplicationInput{
		OrgJa: "A建設", OrgEn: "A Kensetsu", DeptJa: "東京支店", DeptEn: "Tokyo branch", TitleJa: "支店長", TitleEn: "Branch manager",
		Seal: data.FileRef{SHA256: strings.Repeat("a", 64), Name: "印鑑証明書.pdf", Size: 10}, UserID: "U000001",
		PINName: "田中 太郎", PINEmail: "pin@example.jp",
		Applicant: data.Applicant{Name: "田中 太郎", Kana: "タナカ タロウ", Tel: "03-1111-2222", Email: "applicant@example.jp"},
	}
}

func TestApplicationRules(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*certificate.ApplicationInput)
		field string // "" when valid
		want  string
	}{
		{"valid", func(*certificate.ApplicationInput) {}, "", ""},
		{"company alphabet of 40", func(in *certificate.ApplicationInput) { in.OrgEn = strings.Repeat("a", 40) }, "", ""},
		{"company alphabet of 41", func(in *certificate.ApplicationInput) { in.OrgEn = strings.Repeat("a", 41) }, "org_en", "error.org_alphabet_too_long"},
		{"dept and title of 60", func(in *certificate.ApplicationInput) {
			in.DeptEn, in.TitleEn = strings.Repeat("d", 30), strings.Repeat("t", 30)
		}, "", ""},
		{"dept and title of 61", func(in *certificate.ApplicationInput) {
			in.DeptEn, in.TitleEn = strings.Repeat("d", 31), strings.Repeat("t", 30)
		}, "dept_en", "error.dept_title_alphabet_too_long"},
		{"digits hyphen dot space", func(in *certificate.ApplicationInput) { in.OrgEn = "A-1 Co. Ltd" }, "", ""},
		{"full-width letters are narrowed", func(in *certificate.ApplicationInput) { in.OrgEn = "Ａ　Ｋｅｎｓｅｔｓｕ" }, "", ""},
		{"underscore", func(in *certificate.ApplicationInput) { in.DeptEn = "Tokyo_branch" }, "dept_en", "error.alphabet"},
		{"kanji in the alphabet", func(in *certificate.ApplicationInput) { in.TitleEn = "支店長" }, "title_en", "error.alphabet"},
		{"ampersand", func(in *certificate.ApplicationInput) { in.OrgEn = "A&B" }, "org_en", "error.alphabet"},
		{"company missing", func(in *certificate.ApplicationInput) { in.OrgJa = "" }, "org_ja", "error.required"},
		{"title alphabet missing", func(in *certificate.ApplicationInput) { in.TitleEn = "" }, "title_en", "error.required"},
		{"no seal", func(in *certificate.ApplicationInput) { in.Seal = data.FileRef{} }, "seal", "error.seal_required"},
		{"no user", func(in *certificate.ApplicationInput) { in.UserID = "" }, "user_id", "error.required"},
		{"PIN address", func(in *certificate.ApplicationInput) { in.PINEmail = "pin@" }, "pin_email", "error.email"},
		{"applicant tel missing", func(in *certificate.ApplicationInput) { in.Applicant.Tel = "" }, "applicant_tel", "error.required"},
		{"applicant mail missing", func(in *certificate.ApplicationInput) { in.Applicant.Email = "" }, "applicant_email", "error.required"},
		{"control character", func(in *certificate.ApplicationInput) { in.DeptJa = "東京\u202E支店" }, "dept_ja", "error.control_chars"},
	}
	for _, tt := range tests {
		in := validInput()
		tt.edit(&in)
		errs := in.Normalize().Validate()
		if tt.field == "" {
			if len(errs) > 0 {
				t.Errorf("%s: refused %v", tt.name, errs)
			}
			continue
		}
		if errs[tt.field] != tt.want {
			t.Errorf("%s: %s = %q, want %q (all %v)", tt.name, tt.field, errs[tt.field], tt.want, errs)
		}
	}
}

// mailsTo lists the outbox's mails as "subject → recipients", oldest first.
func mailsTo(t *testing.T, f *fixture) []string {
	t.Helper()
	var out []string
	f.store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(100)
		for i := len(m) - 1; i >= 0; i-- {
			out = append(out, strings.TrimPrefix(m[i].Subject, "【Inkan】")+" → "+strings.Join(m[i].To, ","))
		}
		return nil
	})
	return out
}

func TestApplyIssueReject(t *testing.T) {
	f := newFixture(t)
	var a data.CertApplication
	err := f.store.Update(func(tx *data.Tx) (err error) { a, err = f.svc.Apply(tx, "C000001", "U000001", validInput()); return })
	if err != nil || a.State != data.ApplicationReceived {
		t.Fatalf("apply: %+v %v", a, err)
	}
	// Another company's user cannot be chosen.
	other := validInput()
	other.UserID = "U000002"
	err = f.store.Update(func(tx *data.Tx) error { _, err := f.svc.Apply(tx, "C000001", "U000001", other); return err })
	var errs form.Errors
	if !errors.As(err, &errs) || errs["user_id"] != "error.user_not_found" {
		t.Errorf("another company's user: %v", err)
	}
	var c data.Certificate
	err = f.store.Update(func(tx *data.Tx) (err error) { c, err = f.svc.IssueApplication(tx, a.ID, "", "operator:ops"); return })
	if err != nil {
		t.Fatal(err)
	}
	if c.DisplayName != "東京支店 支店長" || c.Links[0].UserID != "U000001" || c.Application != a.ID {
		t.Errorf("issued %+v", c)
	}
	err = f.store.Update(func(tx *data.Tx) error { _, err := f.svc.IssueApplication(tx, a.ID, "", "operator:ops"); return err })
	if !errors.Is(err, certificate.ErrDecided) {
		t.Errorf("second 発行: %v", err)
	}
	var b data.CertApplication
	f.store.Update(func(tx *data.Tx) (err error) { b, err = f.svc.Apply(tx, "C000001", "U000001", validInput()); return })
	if err := f.store.Update(func(tx *data.Tx) error {
		return f.svc.Reject(tx, b.ID, "印鑑証明書が不鮮明です", "operator:ops")
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"電子証明書追加発行申請受付のお知らせ → applicant@example.jp",
		"PINのお知らせ → pin@example.jp",
		"電子証明書発行のお知らせ → applicant@example.jp",
		"電子証明書追加発行申請受付のお知らせ → applicant@example.jp",
		"電子証明書追加発行申請却下のお知らせ → applicant@example.jp",
	}
	if got := mailsTo(t, f); !slices.Equal(got, want) {
		t.Errorf("mails\n%v\nwant\n%v", got, want)
	}
}

func TestMaySign(t *testing.T) {
	now := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	checked := now.Add(-time.Hour)
	base := data.Certificate{CompanyID: "C1", Status: data.CertificateValid, NotAfter: now.AddDate(1, 0, 0),
		Links: []data.CertificateLink{{UserID: "U1", CheckedAt: &checked}, {UserID: "U2"}, {UserID: "U3", LockedAt: &checked}}}
	user := data.User{ID: "U1", CompanyID: "C1", Status: account.StatusActive}
	tests := []struct {
		name string
		edit func(*data.Certificate, *data.User)
		want error
	}{
		{"linked and checked", func(*data.Certificate, *data.User) {}, nil},
		{"not checked", func(_ *data.Certificate, u *data.User) { u.ID = "U2" }, certificate.ErrPINNotChecked},
		{"locked", func(_ *data.Certificate, u *data.User) { u.ID = "U3" }, certificate.ErrCheckLocked},
		{"not linked", func(_ *data.Certificate, u *data.User) { u.ID = "U9" }, certificate.ErrNotLinked},
		{"another company", func(_ *data.Certificate, u *data.User) { u.CompanyID = "C2" }, certificate.ErrNotLinked},
		{"suspended", func(_ *data.Certificate, u *data.User) { u.Status = account.StatusSuspended }, certificate.ErrUserSuspended},
		{"deleted", func(_ *data.Certificate, u *data.User) { u.Status = account.StatusDeleted }, certificate.ErrNotLinked},
		{"expired", func(c *data.Certificate, _ *data.User) { c.NotAfter = now }, certificate.ErrExpired},
		{"revoked", func(c *data.Certificate, _ *data.User) { c.Status = data.CertificateRevoked }, certificate.ErrRevoked},
	}
	for _, tt := range tests {
		c, u := base, user
		c.Links = slices.Clone(base.Links)
		tt.edit(&c, &u)
		if err := certificate.MaySign(c, u, now); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if tt.want != nil && certificate.ReasonKey(tt.want) == "" {
			t.Errorf("%s: no words for the reason", tt.name)
		}
	}
}

func TestFiveWrongChecksLockUntilANewPIN(t *testing.T) {
	f := newFixture(t)
	rec, pin := f.issue(t, "C000001", "U000001")
	check := func(p, pw string) error {
		var refusal error
		err := f.store.Update(func(tx *data.Tx) (err error) {
			refusal, err = f.svc.CheckValidity(tx, "C000001", rec.Number, "U000001", p, pw)
			return err
		})
		return errors.Join(err, refusal)
	}
	// The right PIN with a wrong password counts as well.
	if err := check(pin, "wrong-password"); !errors.Is(err, certificate.ErrWrongPIN) {
		t.Fatalf("wrong password: %v", err)
	}
	for i := 2; i <= certificate.MaxCheckFailures; i++ {
		err := check("1111-2222-3333", userPassword)
		want := certificate.ErrWrongPIN
		if i == certificate.MaxCheckFailures {
			want = certificate.ErrCheckLocked
		}
		if !errors.Is(err, want) {
			t.Fatalf("attempt %d: %v, want %v", i, err, want)
		}
	}
	if err := check(pin, userPassword); !errors.Is(err, certificate.ErrCheckLocked) {
		t.Fatalf("the right PIN while locked: %v", err)
	}
	if err := f.store.Update(func(tx *data.Tx) error { return f.svc.NewPIN(tx, rec.Number, "operator:ops") }); err != nil {
		t.Fatal(err)
	}
	var newPIN string
	f.store.View(func(tx *data.Tx) error {
		m, _ := tx.RecentMails(1)
		text, _ := f.composer.Open(m[0])
		if m[0].To[0] != "pin@example.jp" || !strings.Contains(text, "新しく発行") {
			t.Errorf("new PIN mail %v:\n%s", m[0].To, text)
		}
		_, after, _ := strings.Cut(text, "証明書PIN　　　　 ：")
		newPIN, _, _ = strings.Cut(after, "\n")
		return nil
	})
	if err := check(pin, userPassword); !errors.Is(err, certificate.ErrWrongPIN) {
		t.Errorf("the old PIN after a new one: %v", err)
	}
	if err := check(newPIN, userPassword); err != nil {
		t.Errorf("the new PIN: %v", err)
	}
}

func TestUpdateLinksMailsTheAdminAndTheAddedUser(t *testing.T) {
	f := newFixture(t)
	rec, _ := f.issue(t, "C000001", "U000001")
	second := data.User{Name: "二人目", Email: "second@example.jp", Status: account.StatusActive, PasswordHash: userPasswordHash}
	if err := f.store.Update(func(tx *data.Tx) error { return tx.Tenant("C000001").CreateUser(&second) }); err != nil {
		t.Fatal(err)
	}
	update := func(ch certificate.LinkChange) (data.Certificate, error) {
		var c data.Certificate
		err := f.store.Update(func(tx *data.Tx) (err error) {
			c, err = f.svc.UpdateLinks(tx, "C000001", rec.Number, "U000001", ch)
			return err
		})
		return c, err
	}
	for name, ch := range map[string]certificate.LinkChange{
		"nothing":                {},
		"another company's user": {Add: "U000002"},
		"already linked":         {Add: "U000001"},
		"unlink a stranger":      {Remove: []string{second.ID}},
	} {
		var errs form.Errors
		if _, err := update(ch); !errors.As(err, &errs) {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, err := update(certificate.LinkChange{Add: second.ID})
	if err != nil || len(c.Links) != 2 {
		t.Fatalf("add: %+v %v", c.Links, err)
	}
	if got := mailsTo(t, f); got[len(got)-1] != "電子証明書紐付情報更新（署名者変更）のお知らせ → staff@example.jp,second@example.jp" {
		t.Errorf("mail %v", got[len(got)-1])
	}
	// The added user must check before signing.
	err = f.store.View(func(tx *data.Tx) error { return f.svc.MaySignNow(tx, "C000001", second.ID, rec.Number) })
	if !errors.Is(err, certificate.ErrPINNotChecked) {
		t.Errorf("added user: %v", err)
	}
	c, err = update(certificate.LinkChange{Remove: []string{second.ID}})
	if err != nil || len(c.Links) != 1 {
		t.Fatalf("remove: %+v %v", c.Links, err)
	}
	if got := mailsTo(t, f); got[len(got)-1] != "電子証明書紐付情報更新（署名者変更）のお知らせ → staff@example.jp" {
		t.Errorf("unlinked user got the mail: %v", got[len(got)-1])
	}
	err = f.store.View(func(tx *data.Tx) error { return f.svc.MaySignNow(tx, "C000001", second.ID, rec.Number) })
	if !errors.Is(err, certificate.ErrNotLinked) {
		t.Errorf("unlinked user: %v", err)
	}
}

func TestExpiryNoticesOnceEachAndTheReuseWindow(t *testing.T) {
	f := newFixture(t)
	rec, _ := f.issue(t, "C000001", "U000001")
	candidates := func() []data.Certificate {
		var out []data.Certificate
		f.store.View(func(tx *data.Tx) (err error) {
			out, err = certificate.ReuseCandidates(tx.Tenant("C000001"), f.now)
			return
		})
		return out
	}
	if len(candidates()) != 0 {
		t.Error("a new certificate can be reused")
	}
	days := func(d int) time.Time { return rec.NotAfter.AddDate(0, 0, -d) }
	steps := []struct {
		at   time.Time
		sent int
	}{
		{days(91), 0}, {days(90), 1}, {days(90).Add(time.Hour), 0}, {days(31), 0},
		{days(30), 1}, {days(30), 0}, {days(7), 1}, {days(1), 0}, {days(-1), 0},
	}
	for i, s := range steps {
		f.now = s.at
		n, err := f.svc.SendExpiryNotices(f.now)
		if err != nil || n != s.sent {
			t.Errorf("step %d (%s): sent %d %v, want %d", i, s.at, n, err, s.sent)
		}
		if i == 1 && len(candidates()) != 1 {
			t.Error("a certificate whose notice went out cannot be reused")
		}
	}
	if got := mailsTo(t, f); got[len(got)-1] != "電子証明書有効期間満了のお知らせ → staff@example.jp" {
		t.Errorf("expiry mail: %v", got)
	}
	f.now = rec.NotAfter.AddDate(1, 0, -1)
	if len(candidates()) != 1 {
		t.Error("expired less than a year ago: not reusable")
	}
	f.now = rec.NotAfter.AddDate(1, 0, 1)
	if len(candidates()) != 0 {
		t.Error("expired more than a year ago: reusable")
	}
}
