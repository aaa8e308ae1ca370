package contract_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"inkan/app/domain/contract"
	"inkan/data"
)

// mailWant is a mail a step must queue: its subject after the service name, its one
// recipient, and a line of its text.
type mailWant struct {
	subject string
	to      contract.Actor
	has     string
}

// TestEveryStepMailsItsPeople: each step of the flow queues, in its own transaction,
// the mails it causes and no other: the subject in the manual's style after the
// service name, to the person it concerns, with the link that opens the document
// after the login. A refused step queues nothing.
func TestEveryStepMailsItsPeople(t *testing.T) {
	w := newWorld(t, testPDF(t))
	ctx := context.Background()
	var d data.Document
	update := func(fn func(tx *data.Tx) (data.Document, error)) func() {
		return func() { d = w.update(t, fn) }
	}
	approve := update(func(tx *data.Tx) (data.Document, error) {
		return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
	})
	submit := update(func(tx *data.Tx) (data.Document, error) { return w.svc.Submit(tx, w.as(sRegistrant), d.ID, d.Version) })
	sign := func(who contract.Actor) func() {
		return func() {
			var err error
			if d, err = w.svc.Sign(ctx, w.as(who), d.ID, d.Version, w.password(t, who)); err != nil {
				t.Fatal(err)
			}
		}
	}
	receive := update(func(tx *data.Tx) (data.Document, error) {
		return w.svc.Receive(tx, w.as(rRecipient), d.ID, d.Version, contract.Receipt{Approvers: []string{w.as(rApprover).UserID}, Signer: w.as(rSigner).UserID})
	})
	password := mailWant{"署名用パスワード発行のお知らせ", sSigner, "署名用パスワード："}
	steps := []struct {
		name string
		run  func()
		want []mailWant
	}{
		{"申請", func() { d = w.register(t) }, []mailWant{{"契約文書承認依頼のお知らせ", sApprover, "承認をお願いする契約文書があります。"}}},
		{"承認", approve, []mailWant{password}},
		{"a wrong signing password", func() {
			if _, err := w.svc.Sign(ctx, w.as(sSigner), d.ID, d.Version, "wrong"); err == nil {
				t.Fatal("signed with a wrong password")
			}
		}, nil},
		{"差戻し by the sender's signer", update(func(tx *data.Tx) (data.Document, error) {
			return w.svc.Return(tx, w.as(sSigner), d.ID, d.Version, "日付の誤り")
		}), []mailWant{{"契約文書差戻しのお知らせ", sRegistrant, "差戻し元　　：企業1 S3"}}},
		{"申請 again", submit, []mailWant{{"契約文書承認依頼のお知らせ", sApprover, ""}}},
		{"承認 again", approve, []mailWant{password}},
		{"署名: sent", sign(sSigner), []mailWant{{"契約文書受信のお知らせ", rRecipient, "企業1から契約文書が届きました。"}}},
		{"受領", receive, []mailWant{{"契約文書承認依頼のお知らせ", rApprover, "発信者　　　：企業1"}}},
		{"差戻し by the receiver's approver", update(func(tx *data.Tx) (data.Document, error) {
			return w.svc.Return(tx, w.as(rApprover), d.ID, d.Version, "金額の誤り")
		}), []mailWant{{"契約文書差戻しのお知らせ", sRegistrant, "差戻し元　　：企業2 R2"}}},
		{"申請 after the receiver's 差戻し", submit, []mailWant{{"契約文書承認依頼のお知らせ", sApprover, ""}}},
		{"承認 once more", approve, []mailWant{password}},
		{"署名: sent again", sign(sSigner), []mailWant{{"契約文書受信のお知らせ", rRecipient, ""}}},
		{"受領 again", receive, []mailWant{{"契約文書承認依頼のお知らせ", rApprover, ""}}},
		{"受領前承認", update(func(tx *data.Tx) (data.Document, error) {
			return w.svc.ApproveReceipt(tx, w.as(rApprover), d.ID, d.Version, "")
		}), []mailWant{{"署名用パスワード発行のお知らせ", rSigner, "署名用パスワード："}}},
		{"the receiver's 署名", sign(rSigner), []mailWant{{"契約文書完了待ちのお知らせ", sRegistrant, "企業2が契約文書に署名しました。"}}},
		{"完了", func() {
			var err error
			if d, err = w.svc.Complete(ctx, w.as(sRegistrant), d.ID, d.Version); err != nil {
				t.Fatal(err)
			}
		}, []mailWant{{"契約文書締結完了のお知らせ", sRegistrant, "保管期限　　：2036/"}, {"契約文書締結完了のお知らせ", rRecipient, "保管開始日　：2026/"}}},
		// A second document, withdrawn once the partner had it: the 受取担当者 is told.
		{"申請 of another", func() { d = w.register(t) }, []mailWant{{"契約文書承認依頼のお知らせ", sApprover, ""}}},
		{"its 承認", approve, []mailWant{password}},
		{"its 署名: sent", sign(sSigner), []mailWant{{"契約文書受信のお知らせ", rRecipient, ""}}},
		{"a 差戻し without a reason", func() {
			if err := w.store.Update(func(tx *data.Tx) error {
				_, err := w.svc.Return(tx, w.as(rRecipient), d.ID, d.Version, " ")
				return err
			}); err == nil {
				t.Fatal("returned without a reason")
			}
		}, nil},
		{"取消", update(func(tx *data.Tx) (data.Document, error) {
			return w.svc.Cancel(tx, w.as(sRegistrant), d.ID, d.Version, "契約の見直し")
		}), []mailWant{{"契約文書取消のお知らせ", rRecipient, "取消理由　　：契約の見直し"}}},
		// 取消 before it was sent tells nobody.
		{"申請 of a third", func() { d = w.register(t) }, []mailWant{{"契約文書承認依頼のお知らせ", sApprover, ""}}},
		{"its 取消", update(func(tx *data.Tx) (data.Document, error) {
			return w.svc.Cancel(tx, w.as(sRegistrant), d.ID, d.Version, "")
		}), nil},
	}
	for _, step := range steps {
		last := w.lastMailID(t)
		step.run()
		got := w.mailsAfter(t, last)
		if len(got) != len(step.want) {
			var subjects []string
			for _, m := range got {
				subjects = append(subjects, m.Subject)
			}
			t.Errorf("%s: %d mails %q, want %d", step.name, len(got), subjects, len(step.want))
			continue
		}
		link := "https://keiyaku.example.jp/login?next=/documents/" + d.ID + "\n"
		for i, want := range step.want {
			m := got[i]
			text, err := w.mail.Open(m)
			if err != nil {
				t.Fatal(err)
			}
			to := w.as(want.to).UserID
			switch {
			case m.Subject != "【Inkan】"+want.subject:
				t.Errorf("%s: subject %q, want 【Inkan】%s", step.name, m.Subject, want.subject)
			case !slices.Equal(m.To, []string{want.to.UserID + "@example.jp"}) || m.CompanyID != w.as(want.to).CompanyID:
				t.Errorf("%s: %s to %v of %s, want %s (%s)", step.name, want.subject, m.To, m.CompanyID, want.to.UserID, to)
			case !strings.Contains(text, link):
				t.Errorf("%s: %s without the link %q:\n%s", step.name, want.subject, link, text)
			case !strings.Contains(text, d.ID) || !strings.Contains(text, "工事請負契約書") || !strings.Contains(text, want.has):
				t.Errorf("%s: %s lacks the document or %q:\n%s", step.name, want.subject, want.has, text)
			}
		}
	}
}

func (w *world) lastMailID(t *testing.T) uint64 {
	t.Helper()
	var id uint64
	w.store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(1)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) > 0 {
			id = mails[0].ID
		}
		return nil
	})
	return id
}

// mailsAfter lists the mails queued after the one numbered last, oldest first.
func (w *world) mailsAfter(t *testing.T, last uint64) []data.Mail {
	t.Helper()
	var out []data.Mail
	w.store.View(func(tx *data.Tx) error {
		mails, err := tx.RecentMails(50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mails {
			if m.ID > last {
				out = append(out, m)
			}
		}
		return nil
	})
	slices.Reverse(out)
	return out
}
