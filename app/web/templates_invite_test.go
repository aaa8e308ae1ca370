package web

import (
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/form"
	"inkan/app/domain/invitation"
	"inkan/data"
)

// The samples of the invitation screens, added to templateSamples here so that the
// table in templates_test.go stays as other screens left it.
func init() {
	entry := invitation.Entry{Company: "ABC株式会社", Contact: "大石太郎", Email: "oishi@abc.example.com"}
	inviteNew := func(p page, method string) *inviteNewView {
		v := &inviteNewView{page: p, Method: method, Form: entry, Draft: "d", Good: 1, Bad: 1}
		v.Methods = choices(p.L, "method", "invite.method.", []string{inviteByForm, inviteByFile}, method)
		v.Rows = []inviteFileRow{{Number: 2, Entry: entry}, {Number: 3, Entry: entry, Messages: []string{"担当者名：" + p.L.T("error.honorific")}}}
		return v
	}
	sampleInvitation := func() data.Invitation {
		t := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		return data.Invitation{ID: "I000000001", CompanyID: "C000001", SenderName: "管理 太郎", PartnerCompany: entry.Company, PartnerContact: entry.Contact,
			Email: entry.Email, Status: invitation.StatusDone, Outcome: invitation.OutcomeCancelled, Reason: "重複", SentAt: t, ExpiresAt: t, SubmittedAt: &t, NewCompanyID: "C000002",
			Application: &data.InvitationApplication{CompanyName: "受注工務店", AdminName: "受注 花子"}}
	}
	app := invitation.Application{CompanyName: "受注工務店", CompanyKana: "ジュチュウコウムテン", PostalCode: "100-0001", Address: "東京都", CompanyTel: "03-1234-5678",
		Admin: account.UserInput{Name: "受注 花子", Kana: "ジュチュウ ハナコ", Email: "hanako@example.jp"}, TermsAgreed: true}
	partnerApplyView := func(p page) *partnerApplyView {
		return &partnerApplyView{page: p, Inviter: "デモ建設", Sender: "管理 太郎", Partner: "受注工務店", Expires: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Path: "/apply/t", Form: app, Draft: "d"}
	}
	samples := map[string]func(p page) any{
		"admin/invite_new": func(p page) any {
			p.Errors = form.Errors{"": "error.draft_used", "contact": "error.honorific"}
			return inviteNew(p, inviteByForm)
		},
		"admin/invite_confirm": func(p page) any { return inviteNew(p, inviteByForm) },
		"admin/invite_sent":    func(p page) any { return &inviteSentView{page: p, Sent: []data.Invitation{sampleInvitation()}} },
		"admin/invite_list": func(p page) any {
			v := &inviteListView{page: p, Count: "1", Done: "invite.resent", Columns: []string{"申請状況"},
				Rows:      []inviteRow{{ID: "I000000001", Status: "期限切れ", Company: "ABC", Resendable: true}},
				PageLinks: []pageLink{{Number: 1, URL: "/admin/invitations?page=1", Current: true}, {Number: 2, URL: "/admin/invitations?page=2"}},
				Exports:   exportLinks(p.L, map[string][]string{}),
			}
			v.Statuses = []fieldOption{{Name: "status", Value: "waiting", Label: "取引先申請待ち", Checked: true}}
			v.Alert = "error.bad_request"
			return v
		},
		"apply/form": func(p page) any {
			p.Errors = form.Errors{"": "error.draft_used", "terms": "error.terms", "postal_code": "error.postal_code"}
			return partnerApplyView(p)
		},
		"apply/confirm": func(p page) any { return partnerApplyView(p) },
		"apply/done":    func(p page) any { return partnerApplyView(p) },
		"apply/closed": func(p page) any {
			m := p.asMap()
			m["Message"] = "apply.expired"
			return m
		},
		"operator/partner_applications": func(p page) any {
			return &partnerApplicationsView{page: *operatorPage(p), Queue: []data.Invitation{sampleInvitation()}, Inviters: map[string]string{"C000001": "デモ建設"}}
		},
		"operator/partner_application_show": func(p page) any {
			op := operatorPage(p)
			op.Errors = form.Errors{"": "error.application_closed", "reason": "error.required"}
			return &partnerApplicationView{page: *op, Inv: sampleInvitation(), Inviter: "デモ建設", App: app, StatusLabel: "申請処理完了", Open: true, Reason: "x", Done: "operator.partner_application_approved", NewAdminID: "U000009", Cert: true, CertCompany: "Juchu"}
		},
	}
	for name, sample := range samples {
		templateSamples[name] = sample
	}
}
