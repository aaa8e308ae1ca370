package invitation

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"inkan/app/domain/account"
	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/domain/form"
	"inkan/app/domain/mail"
	"inkan/app/locale/jst"
	"inkan/app/trust/pki"
	"inkan/data"
)

// Service sends invitations and carries them through their lifecycle. Every method
// works inside the caller's transaction, mails included.
type Service struct {
	Mail      *mail.Composer
	Onboarder company.Onboarder
	// Certs issues the first certificate when an approval asks for one.
	Certs *certificate.Service
	// BaseURL is the installation's public address, the start of every invitation URL.
	BaseURL string
	// Validity is how long a URL can be used; zero is DefaultValidity.
	Validity time.Duration
	Now      func() time.Time
}

func (s *Service) validity() time.Duration {
	if s.Validity <= 0 {
		return DefaultValidity
	}
	return s.Validity
}

// PathPrefix is where the public page of an invitation lives: PathPrefix + token.
const PathPrefix = "/apply/"

// tokenBytes is the randomness of a URL: 256 bits, far beyond guessing.
const tokenBytes = 32

func newToken() (token, hash string, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("invitation: read random: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is how a token is kept and looked up: its SHA-256. The token has 256 bits
// of entropy, so a plain hash is enough; no salt or stretching is needed.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// wellFormed tells a token as newToken makes it from anything else, before any lookup.
func wellFormed(token string) bool {
	if len(token) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// Send invites each entry on behalf of the company's admin senderID: one invitation
// and one 利用申請サイトのお知らせ per entry, and one 利用申請サイト案内メール送信のお知らせ
// to the admin listing them, all in tx. Entries are validated again here, pending
// addresses included; any refusal sends nothing.
func (s *Service) Send(tx *data.Tx, companyID, senderID string, entries []Entry) ([]data.Invitation, error) {
	t := tx.Tenant(companyID)
	co, err := t.Company()
	if err != nil {
		return nil, fmt.Errorf("invitation: send for %s: %w", companyID, err)
	}
	if !company.Plan(co.Plan).CanInvitePartners() {
		return nil, ErrNotAllowed
	}
	sender, err := account.LiveUser(t, senderID)
	if err != nil {
		return nil, fmt.Errorf("invitation: send for %s by %s: %w", companyID, senderID, err)
	}
	if errs := ValidateEntries(entries); len(errs) > 0 {
		return nil, errs
	}
	now := s.Now()
	pending, err := pendingEmails(t, now)
	if err != nil {
		return nil, err
	}
	out := make([]data.Invitation, 0, len(entries))
	for _, e := range entries {
		if pending[emailKey(e.Email)] {
			return nil, form.Errors{"email": "error.invite_pending"}
		}
		inv := data.Invitation{
			SenderID: sender.ID, SenderName: sender.Name,
			PartnerCompany: e.Company, PartnerContact: e.Contact, Email: e.Email,
			Status: StatusWaiting, SentAt: now, UpdatedAt: now,
		}
		token, err := s.issueToken(&inv, now)
		if err != nil {
			return nil, err
		}
		if err := t.CreateInvitation(&inv); err != nil {
			return nil, fmt.Errorf("invitation: send to %s: %w", e.Email, err)
		}
		if err := s.mailPartner(tx, co, inv, token); err != nil {
			return nil, err
		}
		if err := tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "user:" + sender.ID, Action: "invitation.send", Target: inv.ID}); err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	vars := map[string]any{"AdminName": sender.Name, "CompanyName": co.Name, "Invitations": out, "Count": len(out)}
	msg := mail.Message{Template: "invitation_sent", To: []string{sender.Email}, CompanyID: companyID, Data: vars}
	if err := s.Mail.Queue(tx, msg, now); err != nil {
		return nil, fmt.Errorf("invitation: mail the admin %s: %w", sender.ID, err)
	}
	return out, nil
}

// issueToken gives inv a new URL valid from now, and returns its token.
func (s *Service) issueToken(inv *data.Invitation, now time.Time) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	inv.TokenHash, inv.ExpiresAt = hash, now.Add(s.validity())
	return token, nil
}

// mailPartner queues 利用申請サイトのお知らせ with the URL sealed as the mail's secret:
// the outbox holds it only until the mail is delivered, and the store never in clear.
func (s *Service) mailPartner(tx *data.Tx, inviter data.Company, inv data.Invitation, token string) error {
	vars := map[string]any{
		"PartnerCompany": inv.PartnerCompany, "PartnerContact": inv.PartnerContact,
		"InviterName": inviter.Name, "SenderName": inv.SenderName,
		"URL": mail.Secret(s.BaseURL + PathPrefix + token), "Expires": jst.Date(inv.ExpiresAt),
	}
	msg := mail.Message{Template: "invitation", To: []string{inv.Email}, CompanyID: inv.CompanyID, Data: vars}
	if err := s.Mail.Queue(tx, msg, inv.SentAt); err != nil {
		return fmt.Errorf("invitation: mail %s: %w", inv.ID, err)
	}
	return nil
}

// Public is what the public page knows of an invitation: who invites whom, until when.
type Public struct {
	Invitation  data.Invitation
	InviterName string
}

// Lookup finds the invitation of a URL's token and checks the partner may still apply
// through it; it changes nothing (the page's 確認 step). ErrNotFound for a token that is
// malformed, unknown or replaced by a resend; ErrExpired, ErrUsed as Transition says.
func (s *Service) Lookup(tx *data.Tx, token string) (Public, error) {
	if !wellFormed(token) {
		return Public{}, data.ErrNotFound
	}
	inv, err := tx.InvitationByToken(hashToken(token))
	if err != nil {
		return Public{}, err
	}
	co, err := tx.Company(inv.CompanyID)
	if err != nil {
		return Public{}, fmt.Errorf("invitation: inviter of %s: %w", inv.ID, err)
	}
	p := Public{Invitation: inv, InviterName: co.Name}
	if _, err := Transition(inv, ActOpen, ActorPartner, s.Now()); err != nil {
		return p, err
	}
	return p, nil
}

// Open is the partner opening its URL: the invitation becomes 申請入力中.
func (s *Service) Open(tx *data.Tx, token string) (Public, error) {
	p, err := s.Lookup(tx, token)
	if err != nil {
		return p, err
	}
	inv, now := p.Invitation, s.Now()
	if inv.Status == StatusInputting {
		return p, nil
	}
	inv.Status, inv.OpenedAt, inv.UpdatedAt = StatusInputting, &now, now
	if err := tx.PutInvitationAny(inv); err != nil {
		return p, fmt.Errorf("invitation: open %s: %w", inv.ID, err)
	}
	p.Invitation = inv
	return p, nil
}

// Submit is the partner sending its application: validated again, kept with the
// invitation, which becomes 申請処理中 and reaches the operator's queue.
func (s *Service) Submit(tx *data.Tx, token string, a Application) (data.Invitation, error) {
	p, err := s.Lookup(tx, token)
	if err != nil {
		return data.Invitation{}, err
	}
	a = a.Normalize()
	if err := a.Validate().Err(); err != nil {
		return data.Invitation{}, err
	}
	inv, now := p.Invitation, s.Now()
	to, err := Transition(inv, ActSubmit, ActorPartner, now)
	if err != nil {
		return data.Invitation{}, err
	}
	inv.Status, inv.SubmittedAt, inv.UpdatedAt, inv.Application = to, &now, now, a.record()
	if err := tx.PutInvitationAny(inv); err != nil {
		return data.Invitation{}, fmt.Errorf("invitation: submit %s: %w", inv.ID, err)
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: inv.CompanyID, Actor: "partner:" + inv.ID, Action: "invitation.submit", Target: inv.ID})
	return inv, err
}

// FirstCertificate asks 承認 to issue the new company's first certificate in the same
// step, linked to its 管理用ID: CompanyAlphabet is the company's name in half-width
// letters (the certificate's O), the Japanese name coming from the application.
type FirstCertificate struct {
	CompanyAlphabet string
}

// normalize narrows full-width letters and digits and trims.
func (f *FirstCertificate) normalize() {
	f.CompanyAlphabet = strings.TrimSpace(norm.NFKC.String(f.CompanyAlphabet))
}

func (f *FirstCertificate) validate() form.Errors {
	errs := form.Errors{}
	switch {
	case f.CompanyAlphabet == "":
		errs.Add("cert_company", "error.required")
	case !pki.ValidAlphabet(f.CompanyAlphabet):
		errs.Add("cert_company", "error.alphabet")
	case utf8.RuneCountInString(f.CompanyAlphabet) > certificate.MaxOrgAlphabet:
		errs.Add("cert_company", "error.org_alphabet_too_long")
	}
	return errs
}

// Approve is the operator's 承認: the partner becomes a company on the 取引先専用 plan
// with its 管理用ID (the credential mails go out in tx), and the invitation 申請処理完了,
// approved. With cert, the company's first certificate is issued too, linked to the
// admin, its PIN mailed.
func (s *Service) Approve(tx *data.Tx, id, actor string, cert *FirstCertificate) (data.Invitation, data.Company, data.User, error) {
	fail := func(err error) (data.Invitation, data.Company, data.User, error) {
		return data.Invitation{}, data.Company{}, data.User{}, err
	}
	if cert != nil {
		cert.normalize()
		if errs := cert.validate(); len(errs) > 0 {
			return fail(errs)
		}
	}
	inv, err := tx.InvitationByID(id)
	if err != nil {
		return fail(err)
	}
	now := s.Now()
	to, err := Transition(inv, ActApprove, ActorOperator, now)
	if err != nil {
		return fail(err)
	}
	if inv.Application == nil {
		return fail(fmt.Errorf("invitation: %s has no application", id))
	}
	co, admin, _, err := s.Onboarder.Onboard(tx, FromRecord(*inv.Application).onboarding(), actor)
	if err != nil {
		return fail(err)
	}
	if cert != nil {
		_, _, err := s.Certs.Issue(tx, co.ID, certificate.Application{
			Subject:      pki.Subject{DisplayName: co.Name + " " + admin.Name, Company: cert.CompanyAlphabet, CompanyJa: co.Name},
			UserIDs:      []string{admin.ID},
			PINRecipient: admin.Name, PINEmail: admin.Email,
		})
		if err != nil {
			return fail(fmt.Errorf("invitation: approve %s: first certificate: %w", id, err))
		}
	}
	inv.Status, inv.Outcome, inv.NewCompanyID, inv.CompletedAt, inv.UpdatedAt = to, OutcomeApproved, co.ID, &now, now
	if err := tx.PutInvitationAny(inv); err != nil {
		return fail(fmt.Errorf("invitation: approve %s: %w", id, err))
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: inv.CompanyID, Actor: actor, Action: "invitation.approve", Target: inv.ID, Detail: co.ID})
	return inv, co, admin, err
}

// MaxReasonLength is the most characters of a 取消 reason.
const MaxReasonLength = 200

// Cancel is the operator's 取消 with a reason: the invitation is 申請処理完了, cancelled.
func (s *Service) Cancel(tx *data.Tx, id, reason, actor string) (data.Invitation, error) {
	reason = strings.TrimSpace(reason)
	errs := form.Errors{}
	errs.Lines("reason", reason)
	errs.Required("reason", reason, MaxReasonLength)
	if len(errs) > 0 {
		return data.Invitation{}, errs
	}
	inv, err := tx.InvitationByID(id)
	if err != nil {
		return data.Invitation{}, err
	}
	now := s.Now()
	to, err := Transition(inv, ActCancel, ActorOperator, now)
	if err != nil {
		return data.Invitation{}, err
	}
	inv.Status, inv.Outcome, inv.Reason, inv.CompletedAt, inv.UpdatedAt = to, OutcomeCancelled, reason, &now, now
	if err := tx.PutInvitationAny(inv); err != nil {
		return data.Invitation{}, fmt.Errorf("invitation: cancel %s: %w", id, err)
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: inv.CompanyID, Actor: actor, Action: "invitation.cancel", Target: inv.ID, Detail: reason})
	return inv, err
}

// Resend sends an expired invitation of the company again: a new URL with a new
// validity, mailed to the partner; the old URL is dead from this transaction on.
func (s *Service) Resend(tx *data.Tx, companyID, id, actorID string) (data.Invitation, error) {
	t := tx.Tenant(companyID)
	inv, err := t.Invitation(id)
	if err != nil {
		return data.Invitation{}, err
	}
	co, err := t.Company()
	if err != nil {
		return data.Invitation{}, err
	}
	sender, err := account.LiveUser(t, actorID)
	if err != nil {
		return data.Invitation{}, fmt.Errorf("invitation: resend %s by %s: %w", id, actorID, err)
	}
	now := s.Now()
	to, err := Transition(inv, ActResend, ActorAdmin, now)
	if err != nil {
		return data.Invitation{}, err
	}
	pending, err := pendingEmails(t, now)
	if err != nil {
		return data.Invitation{}, err
	}
	if pending[emailKey(inv.Email)] {
		return data.Invitation{}, form.Errors{"": "error.invite_pending"}
	}
	token, err := s.issueToken(&inv, now)
	if err != nil {
		return data.Invitation{}, err
	}
	inv.Status, inv.SentAt, inv.UpdatedAt, inv.OpenedAt = to, now, now, nil
	inv.SenderID, inv.SenderName = sender.ID, sender.Name
	if err := t.PutInvitation(inv); err != nil {
		return data.Invitation{}, fmt.Errorf("invitation: resend %s: %w", id, err)
	}
	if err := s.mailPartner(tx, co, inv, token); err != nil {
		return data.Invitation{}, err
	}
	vars := map[string]any{"AdminName": sender.Name, "CompanyName": co.Name, "Invitations": []data.Invitation{inv}, "Count": 1}
	msg := mail.Message{Template: "invitation_sent", To: []string{sender.Email}, CompanyID: companyID, Data: vars}
	if err := s.Mail.Queue(tx, msg, now); err != nil {
		return data.Invitation{}, fmt.Errorf("invitation: mail the admin %s: %w", sender.ID, err)
	}
	err = tx.Audit(data.Event{Time: now, CompanyID: companyID, Actor: "user:" + sender.ID, Action: "invitation.resend", Target: inv.ID})
	return inv, err
}

// Expire marks every invitation past its validity 期限切れ, each in the same
// transaction, and returns how many it marked: the body of the job. Run twice, the
// second run finds nothing to do.
func (s *Service) Expire(store *data.Store) (int, error) {
	n := 0
	now := s.Now()
	err := store.Update(func(tx *data.Tx) error {
		for _, state := range []Status{StatusWaiting, StatusInputting} {
			for _, id := range tx.InvitationIDsInState(state) {
				inv, err := tx.InvitationByID(id)
				if err != nil {
					return err
				}
				to, err := Transition(inv, ActExpire, ActorSystem, now)
				if errors.Is(err, ErrNotAllowed) {
					continue
				}
				inv.Status, inv.UpdatedAt = to, now
				if err := tx.PutInvitationAny(inv); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("invitation: expire: %w", err)
	}
	return n, nil
}

// Queue lists the applications waiting for the operator (申請処理中), oldest first,
// and with them the names of the inviting companies.
func Queue(tx *data.Tx) ([]data.Invitation, error) {
	ids := tx.InvitationIDsInState(StatusProcessing)
	out := make([]data.Invitation, 0, len(ids))
	for _, id := range ids {
		inv, err := tx.InvitationByID(id)
		if err != nil {
			return nil, fmt.Errorf("invitation: queue: %s: %w", id, err)
		}
		out = append(out, inv)
	}
	return out, nil
}
