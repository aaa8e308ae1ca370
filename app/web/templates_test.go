package web

import (
	"io"
	"io/fs"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/app/domain/form"
	"inkan/app/domain/roster"
	"inkan/app/locale/i18n"
	"inkan/data"
	"inkan/static"
	"inkan/views"
)

// templateSamples is sample data for every template under views/, built for one
// language. A template file with no sample here fails TestEveryTemplateRenders, so a
// new screen must come with one.
var templateSamples = map[string]func(p page) any{
	"layouts/page":     func(p page) any { return &p },
	"layouts/main":     func(p page) any { return &p },
	"layouts/operator": func(p page) any { return operatorPage(p) },
	"layouts/bare":     func(p page) any { return &p },
	"partials/head":    func(p page) any { return &p },
	"partials/menu":    func(p page) any { return &p },
	"partials/menu_items": func(p page) any {
		return struct {
			Items  []menuEntry
			Active string
		}{translateSections(p.L, menuFor(true, true)), "menu.admin"}
	},
	"partials/field": func(p page) any {
		f, err := fieldFunc(&p, "name", "user.name", "required", true, "value", "山田", "placeholder", true, "maxlength", 50, "hint", "user.email_hint")
		if err != nil {
			panic(err)
		}
		return f
	},
	"partials/user_fields":       func(p page) any { return sampleRegister(p) },
	"partials/user_confirm_rows": func(p page) any { return sampleRegisterConfirm(p) },
	"partials/user_hidden":       func(p page) any { return sampleRegisterConfirm(p) },
	"partials/pager": func(p page) any {
		return &userListView{page: p, PageLinks: []pageLink{{Number: 1, URL: "/admin/users?page=1", Current: true}, {Number: 2, URL: "/admin/users?page=2"}}}
	},
	"partials/exports": func(p page) any {
		return &userListView{page: p, Exports: exportLinks(p.L, map[string][]string{})}
	},
	"partials/login_form": func(p page) any { return sampleLogin(p, "auth/login") },
	"partials/passkeys": func(p page) any {
		return &settingsView{page: p, Passkeys: samplePasskeys("/settings/passkeys")}
	},

	"auth/login":     func(p page) any { return sampleLogin(p, "auth/login") },
	"operator/login": func(p page) any { return sampleLogin(p, "operator/login") },
	"auth/password": func(p page) any {
		p.Errors = form.Errors{"current": "error.required", "new": "error.required", "confirm": "error.required"}
		return &passwordView{page: p, Action: "/password", Forced: true, Done: "password.done"}
	},
	"errors/error": func(p page) any {
		m := p.asMap()
		m["Heading"], m["Message"], m["Home"] = "error.not_found_title", "error.not_found", "/"
		return m
	},
	"top/index": func(p page) any {
		m := p.asMap()
		m["Notices"] = []data.Notice{sampleNotice()}
		m["Rows"], m["Empty"] = sampleDocumentRows(), "top.mylist_empty"
		return m
	},
	"section/index": func(p page) any {
		m := p.asMap()
		m["Section"] = menu[1]
		return m
	},
	"section/coming": func(p page) any {
		m := p.asMap()
		m["Item"] = menu[2].Items[0]
		return m
	},
	"support/manual":          func(p page) any { return &p },
	"support/manual_admin":    func(p page) any { return &p },
	"support/manual_sender":   func(p page) any { return &p },
	"support/manual_receiver": func(p page) any { return &p },
	"support/manual_nav":      func(p page) any { return &p },
	"support/manual_prepare":  func(p page) any { return &p },
	"support/records_law":     func(p page) any { return &p },
	"settings/index": func(p page) any {
		p.Errors = form.Errors{"email": "error.email"}
		v := &settingsView{page: p, Email: "a@example.com", Tel: "03", Done: "settings.saved", Passkeys: samplePasskeys("/settings/passkeys")}
		v.Languages = choices(p.L, "lang", "lang.", []string{"ja", "en"}, p.L.Lang)
		return v
	},

	"contracts/register":           func(p page) any { return sampleContractRegister(p) },
	"contracts/register_confirm":   func(p page) any { return sampleContractConfirm(p) },
	"contracts/document":           func(p page) any { return sampleDocument(p) },
	"contracts/document_stored":    func(p page) any { return sampleStoredDocument(p) },
	"contracts/document_print":     func(p page) any { return sampleStoredDocument(p) },
	"partials/document_info":       func(p page) any { return sampleDocument(p) },
	"partials/document_pdf":        func(p page) any { return sampleDocument(p) },
	"partials/document_signatures": func(p page) any { return sampleStoredDocument(p) },
	"partials/document_history":    func(p page) any { return sampleDocument(p) },
	"contracts/list": func(p page) any {
		p.Errors, p.Alert = form.Errors{"title": "error.too_long"}, "contract.search_invalid"
		f := contract.Filter{Title: "工事", Status: contract.StatusSigning}
		v := &contractListView{page: p, Lead: "contract.list_lead", Action: "/contracts/list", Empty: "contract.list_empty", Count: "1件中1～1件目を表示", Partial: true,
			Rows:      sampleDocumentRows(),
			Headers:   listHeaders(p.L, myDocuments, f),
			PageLinks: []pageLink{{Number: 1, URL: "/contracts/list?page=1", Current: true}, {Number: 2, URL: "/contracts/list?page=2"}},
			Exports:   exportLinksAt("/archive/list/export", p.L, f.Values()), PartnerPicker: &pickedPartner{ID: "C000002", Name: "受注工務店株式会社", L: p.L},
			OwnerPicker: &pickedUser{Field: "owner", ID: "U000002", Name: "山田 花子", Period: "2023/03/31～現在", From: "2023-03-31", OpenKey: "common.choose", L: p.L}}
		var err error
		if v.Search, err = documentSearchFields(v, myArchive, f); err != nil {
			panic(err)
		}
		return v
	},
	"partials/document_rows": func(p page) any {
		return map[string]any{"L": p.L, "Rows": sampleDocumentRows(), "Empty": "top.mylist_empty"}
	},
	"admin/user_register":         func(p page) any { return sampleRegister(p) },
	"admin/user_register_confirm": func(p page) any { return sampleRegisterConfirm(p) },
	"admin/user_edit": func(p page) any {
		p.Errors = form.Errors{"": "error.draft_used", "status": "error.required"}
		ch := account.UserChange{UserInput: sampleInput(), Status: account.StatusSuspended, ResetPassword: true}
		v := &userEditView{page: p, Target: sampleUser(), Form: ch, Seen: "2024-01-01T00:00:00Z"}
		v.Roles = choices(p.L, "role", "role.", roles, ch.Role)
		v.Statuses = choices(p.L, "status", "status.", []string{account.StatusActive, account.StatusSuspended}, ch.Status)
		v.Reset = []fieldOption{{Name: "reset_password", Value: "1", Label: p.L.T("user.reset_do"), Checked: true}}
		return v
	},
	"admin/user_edit_confirm": func(p page) any {
		ch := account.UserChange{UserInput: sampleInput(), Status: account.StatusActive, ResetPassword: true}
		return &userEditConfirmView{page: p, Target: sampleUser(), Form: ch, RoleLabel: p.L.T("role.admin"), StatusLabel: p.L.T("status.active"), Seen: "s", Draft: "d"}
	},
	"admin/user_done": func(p page) any {
		m := p.asMap()
		m["Target"] = sampleUser()
		return m
	},
	"admin/user_show": func(p page) any {
		u := sampleUser()
		return &userShowView{page: p, Target: u, Certified: true, RoleLabel: p.L.T("role." + u.Role), StatusLabel: p.L.T("status." + u.Status), Done: "user.changed"}
	},
	"admin/user_delete": func(p page) any {
		p.Errors = form.Errors{"": "error.last_admin"}
		return &userDeleteView{page: p, Target: sampleUser(), RoleLabel: p.L.T("role.admin")}
	},
	"admin/user_deleted": func(p page) any { return &userDeleteView{page: p, Target: sampleUser()} },
	"admin/user_api": func(p page) any {
		m := p.asMap()
		m["Target"] = sampleUser()
		return m
	},
	"admin/user_list": func(p page) any {
		sample := sampleUser()
		v := &userListView{
			page: p, Filter: roster.Filter{ID: "U000001", Status: "active"}, Count: "1",
			Rows:      userRows(p.L, []roster.Row{{No: 1, ID: sample.ID, Name: sample.Name, Kana: sample.Kana, Role: sample.Role, Status: sample.Status, UpdatedAt: sample.UpdatedAt, Certificate: true}}),
			PageLinks: []pageLink{},
			Exports:   exportLinks(p.L, map[string][]string{}),
		}
		v.Errors = form.Errors{"name": "error.search_too_long"}
		var err error
		if v.Search, err = searchFields(v, v.Filter); err != nil {
			panic(err)
		}
		return v
	},

	"operator/companies": func(p page) any {
		m := operatorPage(p).asMap()
		m["Companies"] = []data.Company{sampleCompany()}
		return m
	},
	"operator/company_show": func(p page) any {
		op := operatorPage(p)
		op.Errors = form.Errors{"": "error.not_admin"}
		return &companyShowView{page: *op, Target: sampleCompany(), Done: "user.unlocked", Users: []companyUserRow{
			{ID: "U000001", Name: "管理 太郎", RoleLabel: "管理用ID", StatusLabel: "利用中", Admin: true, Locked: true},
			{ID: "U000002", Name: "一般 花子", RoleLabel: "一般ID", StatusLabel: "利用中"},
		}}
	},
	"operator/company_new": func(p page) any {
		a := company.Application{Name: "株式会社", Plan: company.PlanOneSide, Options: data.CompanyOptions{API: true}, Admin: sampleInput()}
		op := operatorPage(p)
		op.Errors = form.Errors{"name": "error.required", "plan": "error.required"}
		v := &onboardView{page: *op, Form: a, Options: optionChoices(p.L, a.Options)}
		for _, pl := range company.Plans {
			v.Plans = append(v.Plans, fieldOption{Name: "plan", Value: string(pl), Label: p.L.T(pl.LabelKey()), Checked: pl == a.Plan})
		}
		return v
	},
	"operator/company_confirm": func(p page) any {
		a := company.Application{Name: "株式会社", Plan: company.PlanBothSides, Options: data.CompanyOptions{BulkSign: true}, Admin: sampleInput()}
		return &onboardConfirmView{page: *operatorPage(p), Form: a, PlanLabel: p.L.T(a.Plan.LabelKey()), Options: optionChoices(p.L, a.Options), OptionLabels: []string{"x"}, Draft: "d"}
	},
	"operator/company_done": func(p page) any {
		m := operatorPage(p).asMap()
		m["Company"], m["Admin"], m["Certificate"] = sampleCompany(), sampleUser(), "DJC-00002"
		return m
	},
	"operator/notices": func(p page) any {
		op := operatorPage(p)
		op.Errors = form.Errors{"title": "error.required", "body": "error.too_long"}
		return &noticeView{page: *op, Form: sampleNotice(), Notices: []data.Notice{sampleNotice()}, Done: "notice.posted"}
	},
	"operator/outbox": func(p page) any {
		m := sampleMail()
		return &outboxView{page: *operatorPage(p), SMTP: true, Mails: []data.Mail{m}, Failed: 1, Mail: &m, Note: "outbox.resent"}
	},
	"operator/passkeys": func(p page) any {
		return &operatorPasskeysView{page: *operatorPage(p), Done: "passkey.added", Passkeys: samplePasskeys("/operator/passkeys")}
	},
	"certificates/list": func(p page) any {
		return &myCertificatesView{page: p, Rows: []myCertificateRow{
			{Number: "DJC-00001", DisplayName: "東京支店 支店長", NotAfter: "2029/04/01", StatusKey: "cert.status.valid", CheckKey: "cert.check.pending", MayKey: "cert.reason.not_checked"},
			{Number: "DJC-00002", DisplayName: "本社", NotAfter: "2029/04/01", StatusKey: "cert.status.expired", CheckKey: "cert.check.done"},
		}}
	},
	"certificates/check": func(p page) any {
		p.Errors = form.Errors{"": "cert.reason.wrong_pin", "pin": "error.required"}
		return &validityCheckView{page: p, Certificates: []fieldOption{{Name: "cert", Value: "DJC-00001", Label: "DJC-00001", Checked: true}}, Done: "cert.check_done"}
	},
	"admin/cert_apply": func(p page) any {
		p.Errors = form.Errors{"": "error.draft_used", "org_en": "error.alphabet", "user_id": "error.user_not_found", "reuse": "error.reuse_not_allowed", "seal": "error.seal_not_pdf"}
		in := certificate.InputOf(sampleApplication())
		return &applyView{page: p, Form: in, SealDraft: "s", Reuse: []fieldOption{{Name: "reuse", Label: "（選択してください）"}, {Name: "reuse", Value: "DJC-00002", Label: "DJC-00002", Checked: true}},
			Chosen: pickedUser{Field: "user_id", ID: "U000002", Name: "山田 花子", L: p.L}}
	},
	"admin/cert_apply_confirm": func(p page) any {
		return &applyConfirmView{page: p, A: sampleApplication(), UserName: "山田 花子", Draft: "d"}
	},
	"admin/cert_apply_done": func(p page) any { return &applyConfirmView{page: p, A: sampleApplication()} },
	"admin/user_pick": func(p page) any {
		return &userPickView{page: p, Field: "owner", Periods: true, Count: "2件中1～2件目を表示", Rows: []pickRow{
			{Key: "U000002-0", Value: "U000002/0", ID: "U000002", Name: "鈴木 一郎", Kana: "スズキ イチロウ", Period: "2019/04/01～2023/03/31"},
			{Key: "U000002-1", Value: "U000002/1", ID: "U000002", Name: "山田 花子", Kana: "ヤマダ ハナコ", Period: "2023/03/31～現在"},
		}}
	},
	"admin/user_picked": func(p page) any {
		m := p.asMap()
		m["Picked"] = pickedUser{Field: "add", ID: "U000002", Name: "山田 花子", L: p.L}
		return m
	},
	"partials/picked_user": func(p page) any {
		return pickedUser{Field: "owner", ID: "U000002", Name: "鈴木 一郎", Period: "2019/04/01～2023/03/31", To: "2023-03-31", OpenKey: "common.choose", L: p.L}
	},
	"partials/user_picker":    func(p page) any { return pickedUser{Field: "user_id", L: p.L} },
	"partials/partner_picker": func(p page) any { return pickedPartner{ID: "C000002", Name: "受注工務店株式会社", L: p.L} },
	"partials/picked_partner": func(p page) any { return pickedPartner{L: p.L} },
	"admin/partner_pick": func(p page) any {
		return &partnerPickView{page: p, Rows: []partnerRow{{ID: "C000002", Name: "受注工務店株式会社"}}, Count: "1件中1～1件目を表示", More: true}
	},
	"admin/partner_picked": func(p page) any {
		return map[string]any{"Picked": pickedPartner{ID: "C000002", Name: "受注工務店株式会社", L: p.L}}
	},
	"admin/cert_list": func(p page) any {
		p.Alert = "error.search_invalid"
		return &companyCertListView{page: p, Filter: certificate.Filter{Number: "DJC-00001", From: "2026-04-01"}, Count: "1件中1～1件目を表示",
			Rows:      []companyCertRow{{No: 1, Number: "DJC-00001", DisplayName: "本社 社長", Linked: 2, NotAfter: "2029/04/01", StatusKey: "cert.status.expired"}},
			PageLinks: []pageLink{{Number: 1, URL: "/admin/certificates?page=1", Current: true}, {Number: 2, URL: "/admin/certificates?page=2"}}}
	},
	"admin/cert_show":          func(p page) any { return sampleCompanyCert(p) },
	"partials/cert_info":       func(p page) any { return sampleCompanyCert(p) },
	"admin/cert_links":         func(p page) any { return sampleLinks(p) },
	"admin/cert_links_confirm": func(p page) any { return sampleLinks(p) },
	"partials/first_cert_fields": func(p page) any {
		return &onboardView{page: p, Form: company.Application{Name: "株式会社", Certificate: &certificate.ApplicationInput{OrgEn: "Kabushiki"}}}
	},
	"partials/first_cert_confirm": func(p page) any {
		return &onboardConfirmView{page: p, Form: company.Application{Name: "株式会社", Certificate: &certificate.ApplicationInput{OrgEn: "Kabushiki"}}}
	},
	"partials/first_cert_hidden": func(p page) any {
		return &onboardConfirmView{page: p, Form: company.Application{Certificate: &certificate.ApplicationInput{OrgEn: "Kabushiki"}}}
	},
	"operator/applications": func(p page) any {
		return &applicationListView{page: *operatorPage(p), State: data.ApplicationReceived,
			Tabs: []pageTab{{Label: "受付", URL: "/operator/applications", Current: true}}, Rows: []applicationRow{{CertApplication: sampleApplication(), CompanyName: "株式会社サンプル"}}}
	},
	"operator/application_show": func(p page) any {
		op := operatorPage(p)
		op.Errors = form.Errors{"": "error.application_decided", "display_name": "error.required"}
		return &applicationShowView{page: *op, A: sampleApplication(), CompanyName: "株式会社サンプル", UserName: "山田 花子", StateLabel: "受付", DisplayName: "東京支店 支店長", Done: "application.issued"}
	},
	"partials/application_rows": func(p page) any {
		return &applicationShowView{page: p, A: sampleApplication(), UserName: "山田 花子"}
	},
	"operator/certificates": func(p page) any {
		m := operatorPage(p).asMap()
		m["Rows"] = []operatorCertificateRow{{Certificate: sampleCertificate(), CompanyName: "株式会社サンプル", StatusKey: "cert.status.valid"}}
		return m
	},
	"operator/certificate_show": func(p page) any {
		op := operatorPage(p)
		op.Errors = form.Errors{"": "cert.reason.revoked", "note": "error.required"}
		return &operatorCertificateView{page: *op, Cert: operatorCertificateRow{Certificate: sampleCertificate(), CompanyName: "株式会社サンプル", StatusKey: "cert.status.valid"},
			Reasons: []fieldOption{{Name: "reason", Value: "0", Label: "x", Checked: true}}, Note: "n", Done: "cert.new_pin_done", LockedUsers: 1}
	},
	"operator/usage": func(p page) any {
		op := operatorPage(p)
		op.Errors = form.Errors{"to": "error.month_range"}
		f, err := fieldFunc(op, "from", "usage.from", "type", "month", "value", "2026-04")
		if err != nil {
			panic(err)
		}
		return &usageView{page: *op, Search: []formField{f}, Months: []string{"2026年3月", "2026年4月"}, Columns: 6,
			Rows:        []usageRow{{ID: "C000001", Name: "株式会社サンプル", Plan: "片方課金", Counts: []int{2, 0}, Total: 2}},
			MonthTotals: []int{2, 0}, GrandTotal: 2, Count: "1件中1～1件目を表示",
			PageLinks: []pageLink{{Number: 1, URL: "/operator/usage?page=1", Current: true}, {Number: 2, URL: "/operator/usage?page=2"}},
			Exports:   exportLinksAt("/operator/usage/export", p.L, map[string][]string{})}
	},
	"operator/mail_show": func(p page) any {
		m := sampleMail()
		return &outboxView{page: *operatorPage(p), Mail: &m, Note: "outbox.resent"}
	},
}

func operatorPage(p page) *page {
	p.User, p.Operator, p.Logout = nil, &data.Operator{Login: "ops"}, "/operator/logout"
	return &p
}

func sampleInput() account.UserInput {
	return account.UserInput{Role: account.RoleAdmin, Name: "山田 太郎", Kana: "ヤマダ タロウ", Dept: "総務", Title: "課長", Tel: "03-0000-0000", Email: "yamada@example.com"}
}

func sampleUser() data.User {
	t := time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	return data.User{ID: "U000002", CompanyID: "C000001", Role: account.RoleGeneral, Name: "山田 花子", Kana: "ヤマダ ハナコ", Email: "hanako@example.com", Status: account.StatusActive, Lockout: data.Lockout{LockedAt: &t, Locks: 1}, PrevLoginAt: &t}
}

func sampleCompany() data.Company {
	return data.Company{ID: "C000001", Name: "株式会社サンプル", Plan: string(company.PlanOneSide), Options: data.CompanyOptions{BulkSign: true, Projects: true, StorageExtension: true, API: true}}
}

func samplePasskeys(base string) passkeyPanel {
	t := time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	return passkeyPanel{Base: base, Passkeys: []data.Passkey{{ID: "cred1", Name: "会社のPC", CreatedAt: t}, {ID: "cred2", Name: "iPhone", CreatedAt: t, LastUsedAt: &t}}}
}

func sampleNotice() data.Notice {
	return data.Notice{Title: "お知らせ", Body: "本文", CreatedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func sampleApplication() data.CertApplication {
	return data.CertApplication{ID: "00000001", CompanyID: "C000001", State: data.ApplicationReceived, OrgJa: "発注建設", OrgEn: "hattyu", DeptJa: "東京支店", DeptEn: "Tokyo branch",
		TitleJa: "支店長", TitleEn: "Branch manager", Seal: data.FileRef{SHA256: "ab", Name: "印鑑証明書.pdf", Size: 10}, UserID: "U000002", PINName: "田中", PINEmail: "pin@example.com",
		Applicant: data.Applicant{Name: "田中 太郎", Kana: "タナカ タロウ", Tel: "03", Email: "a@example.com"}, Certificate: "DJC-00002", Reason: "不鮮明",
		CreatedAt: time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func sampleCertificate() data.Certificate {
	t := time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	return data.Certificate{Number: "DJC-00002", CompanyID: "C000001", DisplayName: "東京支店 支店長", Status: data.CertificateValid, NotBefore: t, NotAfter: t.AddDate(3, 0, 0), CreatedAt: t,
		RevokeNote: "r", PINName: "田中", PINEmail: "pin@example.com",
		Links: []data.CertificateLink{{UserID: "U000002", LinkedAt: t, CheckedAt: &t}, {UserID: "U000003", LinkedAt: t, LockedAt: &t}}}
}

func sampleCompanyCert(p page) *companyCertView {
	return &companyCertView{page: p, Cert: sampleCertificate(), StatusKey: "cert.status.valid", Usable: true, Done: "cert.links_done",
		Users: []linkedUserRow{{No: 1, ID: "U000002", Name: "山田 花子", StatusKey: "status.active", LinkedAt: "2024/04/01", CheckKey: "cert.check.done", Ticked: true}}}
}

func sampleLinks(p page) *linksView {
	p.Errors = form.Errors{"": "cert.reason.expired", "add": "error.already_linked"}
	v := &linksView{companyCertView: sampleCompanyCert(p), Form: certificate.LinkChange{Add: "U000003", Remove: []string{"U000002"}},
		Chosen: pickedUser{Field: "add", ID: "U000003", Name: "中村 五郎", L: p.L}, Draft: "d",
		Added: &linkedUserRow{ID: "U000003", Name: "中村 五郎", StatusKey: "status.active"}}
	v.Removed = v.Users
	return v
}

func sampleMail() data.Mail {
	sent := time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	return data.Mail{ID: 1, To: []string{"a@example.com"}, Subject: "件名", Text: "本文", State: data.MailFailed, Attempts: 3, LastError: "550", SentAt: &sent}
}

func sampleRegister(p page) *userRegisterView {
	p.Errors = form.Errors{"": "error.draft_used", "name": "error.required", "email": "error.email", "role": "error.required"}
	in := sampleInput()
	return &userRegisterView{page: p, Form: in, Roles: choices(p.L, "role", "role.", roles, in.Role)}
}

func sampleRegisterConfirm(p page) *userRegisterConfirmView {
	return &userRegisterConfirmView{page: p, Form: sampleInput(), RoleLabel: p.L.T("role.admin"), Draft: "d"}
}

func sampleLogin(p page, screen string) *loginView {
	p.Alert = "login.error.locked"
	return &loginView{page: p, Action: "/login", IDLabel: "login.user_id", LoginID: "U000001", screen: screen}
}

// TestEveryTemplateRenders renders every template under views/ with its sample, in
// every catalog language, and fails on a template error or on a catalog key looked up
// at render time that the language's catalog lacks.
func TestEveryTemplateRenders(t *testing.T) {
	catalogs, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	catalogs.OnMissing(func(lang, key string) { missing = append(missing, lang+": "+key) })

	h := &handler{Deps: Deps{Catalogs: catalogs}}
	if h.assets, err = loadAssets(static.FS); err != nil {
		t.Fatal(err)
	}
	s, err := loadScreens(views.FS, catalogs, h.templateFuncs(), h.assets.URL)
	if err != nil {
		t.Fatal(err)
	}
	if h.menus, err = drawMenus(s, catalogs); err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("menus: keys missing from the catalogs: %v", missing)
	}

	names := templateFiles(t)
	for _, name := range names {
		if templateSamples[name] == nil {
			t.Errorf("%s has no sample in templateSamples", name)
		}
	}
	for name := range templateSamples {
		if !contains(names, name) {
			t.Errorf("templateSamples has %s, which is not a file under views/", name)
		}
	}

	for _, lang := range catalogs.Languages() {
		for _, name := range names {
			sample := templateSamples[name]
			if sample == nil {
				continue
			}
			t.Run(lang+"/"+name, func(t *testing.T) {
				missing = nil
				l := catalogs.For(lang)
				p := page{
					L: l, Title: l.T("menu.top"), Service: "Inkan", CSRF: "token", Active: "menu.admin",
					User: &data.User{ID: "U000001", Name: "管理者", Role: account.RoleAdmin}, Company: sampleCompany(),
					Logout: "/logout", Errors: form.Errors{},
				}
				p.Menu = h.menus.bar(menuBar{lang: lang, active: "menu.admin", admin: true, canInvite: true})
				v := sample(p)
				if err := s.Render(io.Discard, name, v); err != nil {
					t.Fatal(err)
				}
				if strings.HasPrefix(name, "layouts/") || strings.HasPrefix(name, "partials/") {
					return
				}
				// The screen within its layout and the skeleton, as a full page.
				layout := layoutMain
				switch {
				case strings.HasSuffix(name, "/login"):
					layout = layoutBare
				case strings.HasPrefix(name, "operator/"):
					layout = layoutOperator
				}
				var out strings.Builder
				if err := s.Render(&out, name, v, layout); err != nil {
					t.Fatal(err)
				}
				if len(missing) > 0 {
					t.Errorf("keys missing from the %s catalog at render time: %v", lang, missing)
				}
				if strings.Contains(out.String(), "<no value>") {
					t.Errorf("%s shows <no value>", name)
				}
				// htmx boosts every same-origin link, a download too: it would fetch
				// the file into the page instead of saving it.
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(out.String()))
				if err != nil {
					t.Fatal(err)
				}
				doc.Find("a[download]").Not(`[hx-boost="false"]`).Each(func(_ int, a *goquery.Selection) {
					t.Errorf("%s: the download link %s is boosted (add hx-boost=\"false\")", name, a.AttrOr("href", ""))
				})
			})
		}
	}
}

// templateFiles are the names of the HTML templates under views/, as the engine names
// them.
func templateFiles(t *testing.T) []string {
	var names []string
	err := fs.WalkDir(views.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		names = append(names, strings.TrimSuffix(path, ".html"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	return names
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sampleContractEntry() contractEntry {
	return contractEntry{
		Title: "工事請負契約書", Amount: "1200000", ContractDate: "2026-04-01", GroupTag: "本社", OrderSide: data.OrderSideBuyer,
		PartnerID: "C000002", PartnerDept: "工事部", RecipientID: "U000010", Signer: "U000001", Approvers: []string{"U000002", "U000003"},
		File: data.FileRef{SHA256: "ab", Name: "契約書.pdf", Size: 1000},
	}
}

func sampleContractRegister(p page) *contractRegisterView {
	p.Errors = form.Errors{"": "contract.refused.plan", "pdf": "contract.refused.pdf", "approvers": "contract.approver_unknown", "partner_id": "contract.plan_partner"}
	e := sampleContractEntry()
	v := &contractRegisterView{page: p, Form: e, FileDraft: "token", Approvers: []string{"U000002", "", "", "", ""}}
	v.OrderSides = []fieldOption{{Name: "order_side", Value: data.OrderSideBuyer, Label: "発注側", Checked: true}, {Name: "order_side", Value: data.OrderSideSeller, Label: "受注側"}}
	return v
}

func sampleContractConfirm(p page) *contractConfirmView {
	return &contractConfirmView{page: p, Form: sampleContractEntry(), OrderSideLabel: "発注側", PartnerName: "受注工務店", RecipientName: "受取 太郎",
		ApproverNames: []string{"U000002 承認 一郎"}, SignerName: "署名 花子", Draft: "token", Amount: "1,200,000円"}
}

func sampleDocument(p page) *documentView {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	amount := int64(1200000)
	p.Errors = form.Errors{"": "contract.refused.changed"}
	return &documentView{
		page: p, Sender: true, SenderName: "デモ建設", ReceiverName: "受注工務店", Recipient: "受取 太郎", StatusLabel: "承認待ち", TurnLabel: "発信者の社内承認者", TurnUser: "承認 一郎",
		Doc: data.Document{ID: "D000001", Title: "工事請負契約書", Amount: &amount, ContractDate: at, Status: "承認待ち", Version: 2, StorageStart: at, StorageEnd: at,
			Sender: data.Party{CompanyID: "C000001", UserID: "U000001", GroupTag: "本社", OrderSide: data.OrderSideBuyer}, Receiver: data.Party{CompanyID: "C000002", UserID: "U000010", Dept: "工事部"}},
		SenderRoute:   []routeRow{{Role: "contract.approver", UserID: "U000002", Name: "承認 一郎", DoneAt: &at, Comment: "確認済み"}, {Role: "contract.signer", UserID: "U000001", Name: "署名 花子", Current: true}},
		ReceiverRoute: []routeRow{{Role: "contract.signer", UserID: "U000010", Name: "受取 太郎"}},
		Signatures: []signatureRow{{Company: "デモ建設", Name: "署名 花子", Title: "部長", Time: at, TSTime: at, Level: "B-T", Valid: true},
			{Timestamp: true, Name: "TSA", Reasons: []string{"contract.verify.digest", "contract.verify.unknown"}},
			{Timestamp: true, Name: "TSA", TSTime: at, Level: "B-LTA", Valid: true, Trusted: true, ProvableUntil: at.AddDate(5, 0, 0)}},
		DocReasons:  []string{"contract.verify.modified"},
		KindLabel:   "契約文書（自社→取引先）",
		PartnerName: "受注工務店",
		VerifyError: "verify: broken",
		VerifiedAt:  at,
		History:     []historyRow{{At: at, Who: "デモ建設 署名 花子", Action: "doc.action.register", Status: "doc.status.draft", Comment: "差戻し理由"}},
		May:         map[string]bool{"approve": true, "return": true, "receive": true, "sign": true, "submit": true, "cancel": true, "complete": true},
		Receipt:     contract.Receipt{Approvers: make([]string, maxApprovers), Signer: "U000010", GroupTag: "工事"},
		OrderSides:  []fieldOption{{Name: "order_side", Value: data.OrderSideBuyer, Label: "発注側"}, {Name: "order_side", Value: data.OrderSideSeller, Label: "受注側", Checked: true}},
		OwnSide:     "発注側", OwnTag: "本社",
	}
}

// sampleStoredDocument is the detail of a document in long-term storage.
func sampleStoredDocument(p page) *documentView {
	v := sampleDocument(p)
	v.Stored, v.May, v.ProvableUntil = true, map[string]bool{}, v.Signatures[2].ProvableUntil
	return v
}

func sampleDocumentRows() listRows {
	return listRows{{No: 1, ID: "D000001", Cells: []string{"工事請負契約書", "受注工務店", "発注側", "承認待ち", "発信者の社内承認者", "U000001", "2026/04/01 09:00"}}}
}

// The rows made in Go escape what they show as the templates would.
func TestListRowsEscape(t *testing.T) {
	got := string(listRows{{No: 1, ID: `0"1`, Cells: []string{`<script>&`, "工事"}}}.HTML())
	want := "<tr><td>1</td><td><a href=\"/documents/0%221\">0&#34;1</a></td><td>&lt;script&gt;&amp;</td><td>工事</td></tr>\n"
	if got != want {
		t.Errorf("rows\n got %s\nwant %s", got, want)
	}
}
