package invitation_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

var t0 = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

// TestTransitionTable covers every state × action × actor: the table's one allowed
// actor and states lead on, everything else is refused with the reason a screen shows.
func TestTransitionTable(t *testing.T) {
	type want struct {
		to  invitation.Status
		err error
	}
	allowed := map[invitation.Action]struct {
		actor invitation.Actor
		from  map[invitation.Status]invitation.Status
	}{
		invitation.ActOpen:    {invitation.ActorPartner, map[string]string{"waiting": "inputting", "inputting": "inputting"}},
		invitation.ActSubmit:  {invitation.ActorPartner, map[string]string{"waiting": "processing", "inputting": "processing"}},
		invitation.ActApprove: {invitation.ActorOperator, map[string]string{"processing": "done"}},
		invitation.ActCancel:  {invitation.ActorOperator, map[string]string{"processing": "done"}},
		invitation.ActResend:  {invitation.ActorAdmin, map[string]string{"expired": "waiting"}},
	}
	actors := []invitation.Actor{invitation.ActorPartner, invitation.ActorOperator, invitation.ActorAdmin, invitation.ActorSystem}
	for act, rule := range allowed {
		for _, st := range invitation.Statuses {
			for _, actor := range actors {
				inv := data.Invitation{Status: st, ExpiresAt: t0.Add(time.Hour)}
				w := want{err: invitation.ErrNotAllowed}
				if to, ok := rule.from[st]; ok && actor == rule.actor {
					w = want{to: to}
				} else if actor == invitation.ActorPartner && rule.actor == actor {
					switch st {
					case invitation.StatusExpired:
						w.err = invitation.ErrExpired
					case invitation.StatusProcessing, invitation.StatusDone:
						w.err = invitation.ErrUsed
					}
				}
				to, err := invitation.Transition(inv, act, actor, t0)
				if to != w.to || !errors.Is(err, w.err) && (err != nil || w.err != nil) {
					t.Errorf("%s by %s in %s: (%q, %v), want (%q, %v)", act, actor, st, to, err, w.to, w.err)
				}
			}
		}
	}
	// Expiry: the system only, open states only, and only once the validity has passed.
	for _, st := range invitation.Statuses {
		for _, actor := range actors {
			for _, past := range []bool{false, true} {
				exp := t0.Add(time.Hour)
				if past {
					exp = t0
				}
				inv := data.Invitation{Status: st, ExpiresAt: exp}
				to, err := invitation.Transition(inv, invitation.ActExpire, actor, t0)
				ok := actor == invitation.ActorSystem && past && (st == "waiting" || st == "inputting")
				if ok != (err == nil) || ok && to != invitation.StatusExpired {
					t.Errorf("expire by %s in %s (past %v): (%q, %v)", actor, st, past, to, err)
				}
			}
		}
	}
	// A URL past its validity is expired to the partner before the job has run, and can
	// be sent again by the admin.
	late := data.Invitation{Status: invitation.StatusInputting, ExpiresAt: t0}
	if _, err := invitation.Transition(late, invitation.ActSubmit, invitation.ActorPartner, t0); !errors.Is(err, invitation.ErrExpired) {
		t.Errorf("submit on an expired URL: %v", err)
	}
	if to, err := invitation.Transition(late, invitation.ActResend, invitation.ActorAdmin, t0); err != nil || to != invitation.StatusWaiting {
		t.Errorf("resend of an expired URL: %q %v", to, err)
	}
}

func TestEntryRules(t *testing.T) {
	ok := invitation.Entry{Company: "ABC株式会社", Contact: "大石太郎", Email: "oishi@abc.example"}
	tests := []struct {
		name  string
		edit  func(*invitation.Entry)
		field string
		key   string
	}{
		{"all fine", func(*invitation.Entry) {}, "", ""},
		{"no company", func(e *invitation.Entry) { e.Company = "　" }, "company", "error.required"},
		{"no contact", func(e *invitation.Entry) { e.Contact = "" }, "contact", "error.required"},
		{"no address", func(e *invitation.Entry) { e.Email = "" }, "email", "error.required"},
		{"様", func(e *invitation.Entry) { e.Contact = "大石太郎様" }, "contact", "error.honorific"},
		{"様 after a space", func(e *invitation.Entry) { e.Contact = "大石 太郎　様" }, "contact", "error.honorific"},
		{"殿", func(e *invitation.Entry) { e.Contact = "大石太郎殿" }, "contact", "error.honorific"},
		{"さん", func(e *invitation.Entry) { e.Contact = "大石さん" }, "contact", "error.honorific"},
		{"御中", func(e *invitation.Entry) { e.Contact = "総務部御中" }, "contact", "error.honorific"},
		{"a bad address", func(e *invitation.Entry) { e.Email = "oishi@abc" }, "email", "error.email"},
		{"a display name", func(e *invitation.Entry) { e.Email = "大石 <oishi@abc.example>" }, "email", "error.email"},
		{"full-width address is narrowed", func(e *invitation.Entry) { e.Email = "ｏｉｓｈｉ＠ａｂｃ．ｅｘａｍｐｌｅ" }, "", ""},
		{"a tab", func(e *invitation.Entry) { e.Company = "ABC\t株式会社" }, "company", "error.control_chars"},
		{"a long company", func(e *invitation.Entry) { e.Company = strings.Repeat("長", 101) }, "company", "error.too_long"},
		{"a long contact", func(e *invitation.Entry) { e.Contact = strings.Repeat("長", 51) }, "contact", "error.too_long"},
	}
	for _, tt := range tests {
		e := ok
		tt.edit(&e)
		errs := e.Normalize().Validate()
		wantRefusal(t, tt.name, errs, tt.field, tt.key)
	}
	if got := (invitation.Entry{Email: " ｏｉｓｈｉ＠ａｂｃ．ｅｘａｍｐｌｅ "}).Normalize().Email; got != "oishi@abc.example" {
		t.Errorf("normalised address %q", got)
	}
}

func TestReadFileFlagsEachRow(t *testing.T) {
	csv := "企業名,担当者名,メールアドレス\r\n" +
		"ABC株式会社,大石太郎,oishi@abc.example\r\n" +
		"株式会社DFG,山中麗恵様,yamanaka@efg.example\r\n" +
		",,\r\n" +
		"HKK商事,神戸博一,OISHI@abc.example\r\n" +
		"XYZ建設,鈴木一郎,suzuki@xyz.example\r\n" +
		"短い行,佐藤\r\n"
	f, err := invitation.ReadFile(strings.NewReader(csv), map[string]bool{"suzuki@xyz.example": true})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		number int
		errs   form.Errors
	}{
		{2, nil},
		{3, form.Errors{"contact": "error.honorific"}},
		{5, form.Errors{"email": "error.invite_duplicate"}},
		{6, form.Errors{"email": "error.invite_pending"}},
		{7, form.Errors{"email": "error.required"}},
	}
	if len(f.Rows) != len(want) {
		t.Fatalf("rows %+v", f.Rows)
	}
	for i, w := range want {
		r := f.Rows[i]
		if r.Number != w.number || len(r.Errors) != len(w.errs) {
			t.Errorf("row %d: number %d errors %v, want %d %v", i, r.Number, r.Errors, w.number, w.errs)
			continue
		}
		for k, v := range w.errs {
			if r.Errors[k] != v {
				t.Errorf("row %d: %s = %q, want %q", r.Number, k, r.Errors[k], v)
			}
		}
	}
	if good := f.Good(); len(good) != 1 || good[0].Email != "oishi@abc.example" || f.Bad() != 4 {
		t.Errorf("good %v, bad %d", good, f.Bad())
	}

	for _, tt := range []struct {
		name, body, key string
	}{
		{"another header", "会社,氏名,メール\nA社,山田,a@example.jp\n", invitation.FileHeader},
		{"header only", "企業名,担当者名,メールアドレス\n", invitation.FileEmpty},
		{"empty", "", invitation.FileHeader},
		{"101 rows", "企業名,担当者名,メールアドレス\n" + strings.Repeat("A社,山田,a@example.jp\n", 101), invitation.FileTooManyRows},
		{"too large", strings.Repeat("x", invitation.MaxFileSize+1), invitation.FileTooLarge},
		{"a PDF", "%PDF-1.7\n\x00\x01binary", invitation.FileUnsupported},
	} {
		_, err := invitation.ReadFile(strings.NewReader(tt.body), nil)
		var fe *invitation.FileError
		if !errors.As(err, &fe) || fe.Key != tt.key {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.key)
		}
	}
}

// fixture is a real installation: the demo company (片方課金) and its admin.
type fixture struct {
	env *webtest.Env
	svc *invitation.Service
}

func newFixture(t *testing.T) *fixture {
	env := webtest.New(t, webtest.Config(t))
	return &fixture{env: env, svc: env.Server.Invites}
}

func (f *fixture) send(t *testing.T, companyID, adminID string, entries ...invitation.Entry) ([]data.Invitation, error) {
	t.Helper()
	var out []data.Invitation
	err := f.env.Server.Store.Update(func(tx *data.Tx) (err error) {
		out, err = f.svc.Send(tx, companyID, adminID, entries)
		return err
	})
	return out, err
}

// tokenOf reads the URL of the newest 利用申請サイトのお知らせ to addr out of the outbox,
// as the partner finds it in its mail.
func (f *fixture) tokenOf(t *testing.T, addr string) string {
	t.Helper()
	var token string
	f.env.Server.Store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if m.Template != "invitation" || m.To[0] != addr {
				continue
			}
			if strings.Contains(m.Text, "/apply/") {
				t.Errorf("the URL rests in the outbox in clear: %s", m.Text)
			}
			text, err := f.env.Server.Mail.Open(m)
			if err != nil {
				t.Fatal(err)
			}
			_, rest, ok := strings.Cut(text, invitation.PathPrefix)
			if !ok {
				t.Fatalf("no URL in %s", text)
			}
			token, _, _ = strings.Cut(rest, "\n")
			return nil
		}
		t.Fatalf("no invitation mail to %s", addr)
		return nil
	})
	return token
}

var partnerApp = invitation.Application{
	CompanyName: "受注工務店株式会社", CompanyKana: "ジュチュウコウムテン", PostalCode: "１０００００１", Address: "東京都千代田区1-1", CompanyTel: "03-1234-5678",
	Admin:       account.UserInput{Name: "受注 花子", Kana: "ジュチュウ ハナコ", Tel: "03-1234-5679", Email: "hanako@juchu.example"},
	TermsAgreed: true,
}

func TestLifecycleThroughTheService(t *testing.T) {
	f := newFixture(t)
	store := f.env.Server.Store
	admin := f.env.Creds.AdminID
	invs, err := f.send(t, webtest.DemoCompanyID, admin,
		invitation.Entry{Company: "受注工務店株式会社", Contact: "受注 花子", Email: "hanako@juchu.example"},
		invitation.Entry{Company: "別の工務店", Contact: "別 次郎", Email: "jiro@betsu.example"})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 2 || invs[0].Status != invitation.StatusWaiting || !invs[0].ExpiresAt.Equal(f.env.Clock.Now().Add(invitation.DefaultValidity)) {
		t.Fatalf("sent %+v", invs)
	}
	// Three mails: one per partner, one to the admin listing both.
	store.View(func(tx *data.Tx) error {
		mails, _ := tx.RecentMails(10)
		var summary int
		for _, m := range mails {
			if m.Template == "invitation_sent" {
				summary++
				if !strings.Contains(m.Text, "受注工務店株式会社") || !strings.Contains(m.Text, "jiro@betsu.example") || m.To[0] != "admin@demo-kensetsu.example" {
					t.Errorf("summary mail %v: %s", m.To, m.Text)
				}
			}
		}
		if summary != 1 {
			t.Errorf("%d summary mails", summary)
		}
		return nil
	})
	// The same address again while pending: refused, nothing sent.
	if _, err := f.send(t, webtest.DemoCompanyID, admin, invitation.Entry{Company: "再", Contact: "再", Email: "HANAKO@juchu.example"}); err == nil {
		t.Error("a pending address was invited again")
	}

	token := f.tokenOf(t, "hanako@juchu.example")
	other := f.tokenOf(t, "jiro@betsu.example")
	// A token is bound to its one invitation.
	store.Update(func(tx *data.Tx) error {
		p, err := f.svc.Open(tx, token)
		if err != nil || p.Invitation.ID != invs[0].ID || p.Invitation.Status != invitation.StatusInputting || p.InviterName != "デモ建設株式会社" {
			t.Errorf("open: %+v %v", p, err)
		}
		if p, _ := f.svc.Lookup(tx, other); p.Invitation.ID != invs[1].ID {
			t.Errorf("the other token found %s", p.Invitation.ID)
		}
		for _, bad := range []string{"", "x", token[:len(token)-1] + "A", strings.Repeat("A", len(token))} {
			if _, err := f.svc.Lookup(tx, bad); bad != token && !errors.Is(err, data.ErrNotFound) {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		return nil
	})
	// Submitting: validated, then 申請処理中; the same URL again says it is in.
	err = store.Update(func(tx *data.Tx) error {
		bad := partnerApp
		bad.TermsAgreed = false
		if _, err := f.svc.Submit(tx, token, bad); err == nil || err.(form.Errors)["terms"] != "error.terms" {
			t.Errorf("no consent: %v", err)
		}
		inv, err := f.svc.Submit(tx, token, partnerApp)
		if err != nil {
			return err
		}
		if inv.Status != invitation.StatusProcessing || inv.Application.PostalCode != "100-0001" {
			t.Errorf("submitted %+v", inv)
		}
		if _, err := f.svc.Submit(tx, token, partnerApp); !errors.Is(err, invitation.ErrUsed) {
			t.Errorf("second submit: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The operator approves: a 取引先専用 company with its 管理用ID.
	var created data.Company
	err = store.Update(func(tx *data.Tx) error {
		q, err := invitation.Queue(tx)
		if err != nil || len(q) != 1 || q[0].ID != invs[0].ID {
			t.Errorf("queue %v %v", q, err)
		}
		inv, co, adm, err := f.svc.Approve(tx, invs[0].ID, "operator:operator", nil)
		if err != nil {
			return err
		}
		created = co
		if co.Plan != string(company.PlanPartnerOnly) || co.Name != "受注工務店株式会社" || adm.Role != account.RoleAdmin || adm.Email != "hanako@juchu.example" {
			t.Errorf("created %+v %+v", co, adm)
		}
		if inv.Status != invitation.StatusDone || inv.Outcome != invitation.OutcomeApproved || inv.NewCompanyID != co.ID || inv.CompletedAt == nil {
			t.Errorf("approved %+v", inv)
		}
		if _, _, _, err := f.svc.Approve(tx, invs[0].ID, "operator:operator", nil); !errors.Is(err, invitation.ErrNotAllowed) {
			t.Errorf("approved twice: %v", err)
		}
		if _, err := f.svc.Cancel(tx, invs[1].ID, "重複", "operator:operator"); !errors.Is(err, invitation.ErrNotAllowed) {
			t.Errorf("cancelled one not submitted: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" {
		t.Fatal("no company")
	}

	// The other URL expires; the admin sends it again: a new URL, the old one dead.
	f.env.Clock.Advance(invitation.DefaultValidity)
	if n, err := f.svc.Expire(store); err != nil || n != 1 {
		t.Errorf("expire: %d %v", n, err)
	}
	if n, _ := f.svc.Expire(store); n != 0 {
		t.Errorf("expire twice: %d", n)
	}
	store.View(func(tx *data.Tx) error {
		if _, err := f.svc.Lookup(tx, other); !errors.Is(err, invitation.ErrExpired) {
			t.Errorf("expired URL: %v", err)
		}
		return nil
	})
	// Another company cannot resend it: not found.
	cid, otherAdmin, _ := f.env.AddCompany(t, "他社建設", company.PlanOneSide)
	store.Update(func(tx *data.Tx) error {
		if _, err := f.svc.Resend(tx, cid, invs[1].ID, otherAdmin); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("another company's resend: %v", err)
		}
		if _, err := tx.Tenant(cid).Invitation(invs[1].ID); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("another company reads it: %v", err)
		}
		return nil
	})
	err = store.Update(func(tx *data.Tx) error {
		inv, err := f.svc.Resend(tx, webtest.DemoCompanyID, invs[1].ID, admin)
		if err == nil && (inv.Status != invitation.StatusWaiting || !inv.ExpiresAt.After(f.env.Clock.Now())) {
			t.Errorf("resent %+v", inv)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fresh := f.tokenOf(t, "jiro@betsu.example")
	store.View(func(tx *data.Tx) error {
		if _, err := f.svc.Lookup(tx, other); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("the old URL after the resend: %v", err)
		}
		if p, err := f.svc.Lookup(tx, fresh); err != nil || p.Invitation.ID != invs[1].ID {
			t.Errorf("the new URL: %v", err)
		}
		return nil
	})
	// Cancel with a reason, after a submit on the new URL.
	store.Update(func(tx *data.Tx) error {
		a := partnerApp
		a.Admin.Email = "jiro@betsu.example"
		if _, err := f.svc.Submit(tx, fresh, a); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cancel(tx, invs[1].ID, " ", "operator:operator"); err == nil {
			t.Error("cancelled without a reason")
		}
		inv, err := f.svc.Cancel(tx, invs[1].ID, "申込みの重複", "operator:operator")
		if err != nil || inv.Status != invitation.StatusDone || inv.Outcome != invitation.OutcomeCancelled || inv.Reason != "申込みの重複" {
			t.Errorf("cancelled %+v %v", inv, err)
		}
		return nil
	})
}

func TestSendOnlyForOneSidePlan(t *testing.T) {
	f := newFixture(t)
	for _, plan := range []company.Plan{company.PlanPartnerOnly, company.PlanBothSides} {
		cid, admin, _ := f.env.AddCompany(t, string(plan)+"社", plan)
		_, err := f.send(t, cid, admin, invitation.Entry{Company: "A社", Contact: "山田", Email: "a@example.jp"})
		if !errors.Is(err, invitation.ErrNotAllowed) {
			t.Errorf("%s: %v", plan, err)
		}
	}
}

func TestApplicationRules(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*invitation.Application)
		field string
		key   string
	}{
		{"all fine", func(*invitation.Application) {}, "", ""},
		{"postal code of seven digits gets its hyphen", func(a *invitation.Application) { a.PostalCode = "1000001" }, "", ""},
		{"full-width postal code", func(a *invitation.Application) { a.PostalCode = "１００－０００１" }, "", ""},
		{"short postal code", func(a *invitation.Application) { a.PostalCode = "100-001" }, "postal_code", "error.postal_code"},
		{"no company", func(a *invitation.Application) { a.CompanyName = "" }, "company_name", "error.required"},
		{"company kana in kanji", func(a *invitation.Application) { a.CompanyKana = "受注" }, "company_kana", "error.kana"},
		{"half-width company kana is widened", func(a *invitation.Application) { a.CompanyKana = "ｼﾞｭﾁｭｳ" }, "", ""},
		{"no address", func(a *invitation.Application) { a.Address = " " }, "address", "error.required"},
		{"bad telephone", func(a *invitation.Application) { a.CompanyTel = "03(1234)5678" }, "company_tel", "error.tel"},
		{"full-width telephone", func(a *invitation.Application) { a.CompanyTel = "０３－１２３４－５６７８" }, "", ""},
		{"admin without kana", func(a *invitation.Application) { a.Admin.Kana = "" }, "admin_kana", "error.required"},
		{"admin bad mail", func(a *invitation.Application) { a.Admin.Email = "x@" }, "admin_email", "error.email"},
		{"no consent", func(a *invitation.Application) { a.TermsAgreed = false }, "terms", "error.terms"},
		{"override in the address", func(a *invitation.Application) { a.Address = "東京都\u202E" }, "address", "error.control_chars"},
	}
	for _, tt := range tests {
		a := partnerApp
		tt.edit(&a)
		errs := a.Normalize().Validate()
		wantRefusal(t, tt.name, errs, tt.field, tt.key)
	}
	if got := (invitation.Application{PostalCode: "１０００００１"}).Normalize().PostalCode; got != "100-0001" {
		t.Errorf("postal code %q", got)
	}
}

// wantRefusal checks a table case of a validation: no message when field is "", else
// the message key on field.
func wantRefusal(t *testing.T, name string, errs form.Errors, field, key string) {
	t.Helper()
	if field == "" {
		if len(errs) > 0 {
			t.Errorf("%s: refused %v", name, errs)
		}
		return
	}
	if errs[field] != key {
		t.Errorf("%s: %s = %q, want %q (%v)", name, field, errs[field], key, errs)
	}
}
