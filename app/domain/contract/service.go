package contract

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/form"
	"inkan/app/domain/mail"
	"inkan/app/locale/jst"
	"inkan/app/trust/pdf"
	"inkan/data"
)

// Service runs the contract flow on the store: the actions that only change records
// run in the caller's transaction (so a screen can queue its mail in the same one);
// Sign and Complete run their own, with the cryptography between them.
type Service struct {
	store *data.Store
	files data.Files
	certs *certificate.Service
	mail  *mail.Composer
	now   func() time.Time
	// signing, when set (by tests), runs between the read and the cryptography of
	// Sign and Complete.
	signing func()
}

// NewService builds the flow on the store, the certificate service, which signs and
// timestamps, and the mail composer, which queues each step's mails.
func NewService(store *data.Store, certs *certificate.Service, composer *mail.Composer, now func() time.Time) *Service {
	return &Service{store: store, files: store.Files(), certs: certs, mail: composer, now: now}
}

// Input is what the sender enters at 契約文書登録 (and changes at 下書き保存).
type Input struct {
	Title        string    // 契約文書名称 (required)
	Amount       *int64    // 契約金額
	ContractDate time.Time // 契約締結年月日
	GroupTag     string    // グループタグ
	OrderSide    string    // 自社の受発注区分 (data.OrderSideBuyer or data.OrderSideSeller)
	PartnerID    string    // 取引先企業ID
	PartnerDept  string    // 取引先部署名
	RecipientID  string    // 受取担当者: a 利用者ID of the partner
	Approvers    []string  // 社内承認者, in order
	Signer       string    // 署名者
}

// PutPDF checks that b is a PDF the trust engine reads (ErrNotPDF, or for an encrypted
// or restricted one also a certificate.DocumentError) and keeps it in the store's
// files, written and fsynced, before any transaction refers to it. Call it before the
// transaction of Register or SaveDraft. Bytes before the %PDF- header (a mail
// program's leftovers) are not kept: signatures append to the PDF itself.
func (s *Service) PutPDF(name string, b []byte) (data.FileRef, error) {
	f, err := pdf.Open(b)
	if err != nil {
		// An encrypted or restricted file gets its own message (ReasonKey).
		return data.FileRef{}, fmt.Errorf("%w: %s: %w", ErrNotPDF, name, certificate.ExplainDocument(err))
	}
	b = f.Bytes()
	sum, err := s.files.Put(b)
	if err != nil {
		return data.FileRef{}, err
	}
	return data.FileRef{SHA256: sum, Name: name, Size: int64(len(b))}, nil
}

// PDF reads the newest revision of d's PDF, each file checked against its hash. The
// caller has read d through the viewer's company and checked that the viewer sees it.
func (s *Service) PDF(d data.Document) ([]byte, error) {
	b, err := s.files.Join(d.Parts())
	if err != nil {
		return nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	return b, nil
}

// Register is 登録: a new document of by's company in 下書き, by as its 担当者, with
// original (from PutPDF) as its first revision.
func (s *Service) Register(tx *data.Tx, by Actor, in Input, original data.FileRef) (data.Document, error) {
	if err := activeUser(tx.Tenant(by.CompanyID), by.UserID); err != nil {
		return data.Document{}, err
	}
	if strings.TrimSpace(in.Title) == "" || original.SHA256 == "" {
		return data.Document{}, ErrIncomplete
	}
	now := s.now()
	d := data.Document{Status: string(StatusDraft), Sender: data.Party{UserID: by.UserID}, CreatedAt: now, UpdatedAt: now}
	if err := apply(tx, &d, in); err != nil {
		return data.Document{}, err
	}
	d.Revisions = []data.Revision{{File: original, Kind: data.RevisionOriginal, At: now, CompanyID: by.CompanyID, UserID: by.UserID}}
	d.History = []data.HistoryEvent{{At: now, CompanyID: by.CompanyID, UserID: by.UserID, Action: string(ActRegister), Status: d.Status}}
	if err := tx.Tenant(by.CompanyID).CreateDocument(&d); err != nil {
		return data.Document{}, err
	}
	return d, nil
}

// apply copies the input into a document not yet sent.
func apply(tx *data.Tx, d *data.Document, in Input) error {
	if in.PartnerID != "" {
		if _, err := tx.Company(in.PartnerID); err != nil || in.PartnerID == d.Sender.CompanyID {
			return ErrBadRoute
		}
	}
	if in.OrderSide != "" && in.OrderSide != data.OrderSideBuyer && in.OrderSide != data.OrderSideSeller {
		return ErrIncomplete
	}
	d.Title, d.Amount, d.ContractDate = strings.TrimSpace(in.Title), in.Amount, in.ContractDate
	d.Sender.GroupTag, d.Sender.OrderSide = in.GroupTag, in.OrderSide
	d.Receiver.CompanyID, d.Receiver.Dept, d.Receiver.UserID = in.PartnerID, in.PartnerDept, in.RecipientID
	approvers := make([]data.Step, len(in.Approvers))
	for i, a := range in.Approvers {
		approvers[i] = data.Step{UserID: a}
	}
	d.Sender.Route = &data.Route{Approvers: approvers, Signer: data.Step{UserID: in.Signer}}
	return nil
}

// SaveDraft is 下書き保存 of a 下書き or 差戻し document: the input replaces what was
// entered; pdf, when not nil, replaces the PDF while nobody has signed it yet.
func (s *Service) SaveDraft(tx *data.Tx, by Actor, id string, version uint64, in Input, replace *data.FileRef) (data.Document, error) {
	return s.act(tx, by, id, version, ActSaveDraft, "", func(d *data.Document, now time.Time) error {
		if strings.TrimSpace(in.Title) == "" {
			return ErrIncomplete
		}
		if d.SentAt != nil && in.PartnerID != d.Receiver.CompanyID {
			return ErrBadRoute // the partner has seen it: it stays the partner
		}
		if replace != nil {
			if slices.ContainsFunc(d.Revisions, func(r data.Revision) bool { return r.Kind != data.RevisionOriginal }) {
				return ErrState
			}
			d.Revisions = append(d.Revisions, data.Revision{File: *replace, Kind: data.RevisionOriginal, At: now, CompanyID: by.CompanyID, UserID: by.UserID})
		}
		return apply(tx, d, in)
	})
}

// Submit is 申請 (確定 of 契約文書登録): the sender's route starts from its first
// approver, or its signer when there is none. The document must be complete, its
// partner allowed by the plan matrix, the route usable users and the signer able to
// sign now.
func (s *Service) Submit(tx *data.Tx, by Actor, id string, version uint64) (data.Document, error) {
	return s.act(tx, by, id, version, ActSubmit, "", func(d *data.Document, now time.Time) error {
		r := d.Sender.Route
		if d.Title == "" || d.Receiver.CompanyID == "" || d.Receiver.UserID == "" || r == nil || r.Signer.UserID == "" {
			return ErrIncomplete
		}
		if err := activeUser(tx.Tenant(d.Receiver.CompanyID), d.Receiver.UserID); err != nil {
			return ErrBadRoute
		}
		if err := s.checkRoute(tx.Tenant(d.Sender.CompanyID), r); err != nil {
			return err
		}
		for i := range r.Approvers {
			r.Approvers[i].DoneAt, r.Approvers[i].Comment = nil, ""
		}
		r.Signer.DoneAt, r.Signer.Comment = nil, ""
		d.Receiver.Route = nil
		d.Status = string(StatusSigning)
		if len(r.Approvers) > 0 {
			d.Status = string(StatusApproval)
		}
		return nil
	})
}

// checkRoute: the approvers are distinct active users of the party, the signer an
// active user who may sign now.
func (s *Service) checkRoute(t data.Tenant, r *data.Route) error {
	seen := map[string]bool{}
	for _, a := range r.Approvers {
		if a.UserID == "" || seen[a.UserID] {
			return ErrBadRoute
		}
		seen[a.UserID] = true
		if err := activeUser(t, a.UserID); err != nil {
			return ErrBadRoute
		}
	}
	if err := activeUser(t, r.Signer.UserID); err != nil {
		return ErrBadRoute
	}
	_, err := s.signingCertificate(t, r.Signer.UserID)
	return err
}

// signingCertificate is the number of the first certificate of the company that user
// may sign with now (certificate.MaySign), or ErrSignerCannot.
func (s *Service) signingCertificate(t data.Tenant, userID string) (string, error) {
	u, err := t.User(userID)
	if err != nil {
		return "", ErrSignerCannot
	}
	certs, err := certificate.LinkedTo(t, userID)
	if err != nil {
		return "", err
	}
	why := errors.New("no certificate linked")
	for _, c := range certs {
		if why = certificate.MaySign(c, u, s.now()); why == nil {
			return c.Number, nil
		}
	}
	return "", fmt.Errorf("%w: %s: %v", ErrSignerCannot, userID, why)
}

func activeUser(t data.Tenant, userID string) error {
	u, err := account.LiveUser(t, userID)
	if err != nil || u.Status != account.StatusActive {
		return ErrUser
	}
	return nil
}

// Approve is 承認 by the sender's approver whose turn it is; after the last, the
// document waits for the sender's signer.
func (s *Service) Approve(tx *data.Tx, by Actor, id string, version uint64, comment string) (data.Document, error) {
	return s.act(tx, by, id, version, ActApprove, comment, func(d *data.Document, now time.Time) error {
		return approveStep(d.Sender.Route, d, comment, now, StatusApproval)
	})
}

// ApproveReceipt is 受領前承認 by the receiver's approver whose turn it is; after the
// last, the document waits for the receiver's signer.
func (s *Service) ApproveReceipt(tx *data.Tx, by Actor, id string, version uint64, comment string) (data.Document, error) {
	return s.act(tx, by, id, version, ActApproveReceipt, comment, func(d *data.Document, now time.Time) error {
		return approveStep(d.Receiver.Route, d, comment, now, StatusReceipt)
	})
}

func approveStep(r *data.Route, d *data.Document, comment string, now time.Time, waiting Status) error {
	i, _ := nextApprover(r)
	r.Approvers[i].DoneAt, r.Approvers[i].Comment = &now, comment
	d.Status = string(StatusSigning)
	if _, more := nextApprover(r); more {
		d.Status = string(waiting)
	}
	return nil
}

// Return is 差戻し: whoever's turn it is on either route (not the sender's 担当者)
// sends the document back to the sender's 担当者 with a reason. The receiver's route
// is dropped; the sender fixes and applies again (申請), or cancels.
func (s *Service) Return(tx *data.Tx, by Actor, id string, version uint64, reason string) (data.Document, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return data.Document{}, ErrReasonRequired
	}
	return s.act(tx, by, id, version, ActReturn, reason, func(d *data.Document, now time.Time) error {
		d.Status, d.Receiver.Route = string(StatusReturned), nil
		return nil
	})
}

// Receipt is what the receiver's 受取担当者 enters at 受領.
type Receipt struct {
	Approvers []string // the receiver's 社内承認者 (none or more, in order)
	Signer    string   // the receiver's 署名者
	GroupTag  string   // グループタグ: the receiver's own
	// OrderSide is the receiver's 自社の受発注区分. When the sender gave its own, the
	// receiver is the other side (OtherSide), so it may be left empty; only a sender
	// who gave none leaves the choice to the receiver.
	OrderSide string
}

// OtherSide is the 受発注区分 of the other party of a contract where one party is side
// (発注側 ↔ 受注側), or "" when side is not given.
func OtherSide(side string) string {
	switch side {
	case data.OrderSideBuyer:
		return data.OrderSideSeller
	case data.OrderSideSeller:
		return data.OrderSideBuyer
	}
	return ""
}

// CheckReceipt checks the receiver's own fields of in for d, field by field: the
// グループタグ (one line, at most MaxText) and the 自社の受発注区分 (発注側 or 受注側, and
// the other side of the sender's when the sender gave one). The route is Receive's to
// check, in its transaction.
func CheckReceipt(d data.Document, in Receipt) form.Errors {
	errs := form.Errors{}
	errs.Line(FieldGroupTag, in.GroupTag)
	if utf8.RuneCountInString(in.GroupTag) > MaxText {
		errs.Add(FieldGroupTag, "error.too_long")
	}
	switch other := OtherSide(d.Sender.OrderSide); {
	case in.OrderSide != "" && OtherSide(in.OrderSide) == "":
		errs.Add(FieldOrderSide, "error.required")
	case other != "" && in.OrderSide != "" && in.OrderSide != other:
		errs.Add(FieldOrderSide, "contract.order_side_other")
	}
	return errs
}

// Receive is 受領: the receiver's 受取担当者 sets the receiver's approvers (none or
// more, in order) and signer, who must be able to sign now, and the receiver's own
// グループタグ and 自社の受発注区分 (CheckReceipt; its messages come back as form.Errors).
func (s *Service) Receive(tx *data.Tx, by Actor, id string, version uint64, in Receipt) (data.Document, error) {
	return s.act(tx, by, id, version, ActReceive, "", func(d *data.Document, now time.Time) error {
		r := &data.Route{Signer: data.Step{UserID: in.Signer}}
		for _, a := range in.Approvers {
			r.Approvers = append(r.Approvers, data.Step{UserID: a})
		}
		if in.Signer == "" {
			return ErrIncomplete
		}
		if errs := CheckReceipt(*d, in); len(errs) > 0 {
			return errs
		}
		if err := s.checkRoute(tx.Tenant(d.Receiver.CompanyID), r); err != nil {
			return err
		}
		d.Receiver.Route, d.Status = r, string(StatusSigning)
		if len(r.Approvers) > 0 {
			d.Status = string(StatusReceipt)
		}
		d.Receiver.GroupTag, d.Receiver.OrderSide = strings.TrimSpace(in.GroupTag), in.OrderSide
		if other := OtherSide(d.Sender.OrderSide); other != "" {
			d.Receiver.OrderSide = other
		}
		return nil
	})
}

// Cancel is 取消 by the sender's 担当者, possible until the receiver signs.
func (s *Service) Cancel(tx *data.Tx, by Actor, id string, version uint64, reason string) (data.Document, error) {
	return s.act(tx, by, id, version, ActCancel, strings.TrimSpace(reason), func(d *data.Document, now time.Time) error {
		d.Status = string(StatusCancelled)
		return nil
	})
}

// load reads the document for an action by by and checks it: the version read on the
// screen (0: any), then May with the parties' plans.
func (s *Service) load(tx *data.Tx, by Actor, id string, version uint64, a Action) (data.Document, error) {
	d, err := tx.Tenant(by.CompanyID).Document(id)
	if err != nil {
		return data.Document{}, err
	}
	if version != 0 && version != d.Version {
		return data.Document{}, ErrChanged
	}
	plans, err := plansOf(tx, d)
	if err != nil {
		return data.Document{}, err
	}
	if err := May(d, by, a, plans); err != nil {
		return data.Document{}, err
	}
	return d, nil
}

func plansOf(tx *data.Tx, d data.Document) (Plans, error) {
	var p Plans
	c, err := tx.Company(d.Sender.CompanyID)
	if err != nil {
		return p, fmt.Errorf("document %s: sender: %w", d.ID, err)
	}
	p.Sender = company.Plan(c.Plan)
	if d.Receiver.CompanyID != "" {
		r, err := tx.Company(d.Receiver.CompanyID)
		if err != nil {
			return p, fmt.Errorf("document %s: receiver: %w", d.ID, err)
		}
		p.Receiver = company.Plan(r.Plan)
	}
	return p, nil
}

// act is one action in the caller's transaction: load and check, change, record the
// history event and store.
func (s *Service) act(tx *data.Tx, by Actor, id string, version uint64, a Action, comment string, change func(d *data.Document, now time.Time) error) (data.Document, error) {
	d, err := s.load(tx, by, id, version, a)
	if err != nil {
		return data.Document{}, err
	}
	now := s.now()
	if err := change(&d, now); err != nil {
		return data.Document{}, err
	}
	return s.store1(tx, by, d, a, comment, now)
}

func (s *Service) store1(tx *data.Tx, by Actor, d data.Document, a Action, comment string, now time.Time) (data.Document, error) {
	d.UpdatedAt = now
	d.History = append(d.History, data.HistoryEvent{At: now, CompanyID: by.CompanyID, UserID: by.UserID, Action: string(a), Status: d.Status, Comment: comment})
	out, err := tx.Tenant(by.CompanyID).PutDocument(d)
	if err != nil {
		return data.Document{}, fmt.Errorf("document %s: %s: %w", d.ID, a, err)
	}
	if err := s.notify(tx, out, by, a, comment, now); err != nil {
		return data.Document{}, fmt.Errorf("document %s: %s: %w", d.ID, a, err)
	}
	return out, tx.Audit(data.Event{Time: now, CompanyID: by.CompanyID, Actor: "user:" + by.UserID, Action: "document." + string(a), Target: d.ID, Detail: d.Status})
}

// storageDates are 保管開始日 (the date of at in Japan time, as midnight JST) and
// 保管期限 (ten years on).
func storageDates(at time.Time) (start, end time.Time) {
	j := jst.In(at)
	start = time.Date(j.Year(), j.Month(), j.Day(), 0, 0, 0, 0, jst.Zone)
	return start, start.AddDate(10, 0, 0)
}
