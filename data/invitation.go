package data

import (
	"fmt"
	"time"
)

var (
	bucketInvitations          = []byte("invitations")
	bucketInvitationsByCompany = []byte("invitations_by_company")
	bucketInvitationsByToken   = []byte("invitations_by_token")
	bucketInvitationsByState   = []byte("invitations_by_state")
)

// Invitation is one 利用申請URL a company sent to a partner (利用申請URL送信), and what
// the partner applied with through it. The URL's token is kept only as its hash.
type Invitation struct {
	V         int    `json:"v"`
	ID        string `json:"id"`
	CompanyID string `json:"company_id"`
	// SenderID and SenderName are the admin who sent it (送信者ID, 送信者名).
	SenderID   string `json:"sender_id"`
	SenderName string `json:"sender_name"`
	// PartnerCompany, PartnerContact and Email are what the admin typed or uploaded.
	PartnerCompany string `json:"partner_company"`
	PartnerContact string `json:"partner_contact"`
	Email          string `json:"email"`
	// TokenHash is the SHA-256 of the URL's token (hex); the token itself is in the mail
	// only.
	TokenHash string `json:"token_hash"`
	Status    string `json:"status"`
	// Outcome tells how 申請処理完了 ended: approved or cancelled, with the reason.
	Outcome     string                 `json:"outcome,omitempty"`
	Reason      string                 `json:"reason,omitempty"`
	SentAt      time.Time              `json:"sent_at"`
	ExpiresAt   time.Time              `json:"expires_at"`
	OpenedAt    *time.Time             `json:"opened_at,omitempty"`
	SubmittedAt *time.Time             `json:"submitted_at,omitempty"`
	CompletedAt *time.Time             `json:"completed_at,omitempty"`
	Application *InvitationApplication `json:"application,omitempty"`
	// NewCompanyID is the company an approval created.
	NewCompanyID string    `json:"new_company_id,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// InvitationApplication is what the partner entered on the public page: its company and
// its first admin.
type InvitationApplication struct {
	CompanyName string `json:"company_name"`
	CompanyKana string `json:"company_kana"`
	PostalCode  string `json:"postal_code"`
	Address     string `json:"address"`
	CompanyTel  string `json:"company_tel"`
	AdminName   string `json:"admin_name"`
	AdminKana   string `json:"admin_kana"`
	AdminDept   string `json:"admin_dept"`
	AdminTitle  string `json:"admin_title"`
	AdminTel    string `json:"admin_tel"`
	AdminEmail  string `json:"admin_email"`
	TermsAgreed bool   `json:"terms_agreed"`
}

const invitationVersion = 1

// CreateInvitation gives inv the next invitation number and stores it in this company.
func (t Tenant) CreateInvitation(inv *Invitation) error {
	if _, err := t.Company(); err != nil {
		return fmt.Errorf("data: create invitation in %s: %w", t.company, err)
	}
	n, err := t.tx.next(seqInvitation)
	if err != nil {
		return err
	}
	inv.ID, inv.CompanyID = fmt.Sprintf("I%09d", n), t.company
	return t.tx.putInvitation(inv, nil)
}

// Invitation reads one of the company's invitations.
func (t Tenant) Invitation(id string) (Invitation, error) {
	inv, err := t.tx.InvitationByID(id)
	if err != nil {
		return Invitation{}, err
	}
	if inv.CompanyID != t.company {
		return Invitation{}, ErrNotFound
	}
	return inv, nil
}

// Invitations lists the company's invitations, the newest first.
func (t Tenant) Invitations() ([]Invitation, error) {
	ids := t.tx.indexIDs(bucketInvitationsByCompany, t.company)
	out := make([]Invitation, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		inv, err := t.Invitation(ids[i])
		if err != nil {
			return nil, fmt.Errorf("data: invitations of %s: %s: %w", t.company, ids[i], err)
		}
		out = append(out, inv)
	}
	return out, nil
}

// PutInvitation stores changes to one of the company's invitations.
func (t Tenant) PutInvitation(inv Invitation) error {
	old, err := t.Invitation(inv.ID)
	if err != nil {
		return err
	}
	if inv.CompanyID != old.CompanyID {
		return fmt.Errorf("data: invitation %s cannot move to company %s", inv.ID, inv.CompanyID)
	}
	return t.tx.putInvitation(&inv, &old)
}

// InvitationByID reads any company's invitation: the operator console and the jobs only.
func (tx *Tx) InvitationByID(id string) (Invitation, error) {
	var inv Invitation
	err := tx.get(bucketInvitations, id, &inv)
	return inv, err
}

// InvitationByToken finds the invitation whose URL token hashes to hash: the public
// page, which knows no company. A token replaced by a resend finds nothing.
func (tx *Tx) InvitationByToken(hash string) (Invitation, error) {
	id := tx.bucket(bucketInvitationsByToken).Get([]byte(hash))
	if id == nil {
		return Invitation{}, ErrNotFound
	}
	return tx.InvitationByID(string(id))
}

// InvitationIDsInState lists the IDs of every invitation in a state, oldest first (the
// operator's queue, the expiry job).
func (tx *Tx) InvitationIDsInState(state string) []string {
	return tx.indexIDs(bucketInvitationsByState, state)
}

// PutInvitationAny stores changes to an invitation of whichever company: the operator
// console, the public page and the jobs, which reached it by ID or token.
func (tx *Tx) PutInvitationAny(inv Invitation) error {
	old, err := tx.InvitationByID(inv.ID)
	if err != nil {
		return err
	}
	if inv.CompanyID != old.CompanyID {
		return fmt.Errorf("data: invitation %s cannot move to company %s", inv.ID, inv.CompanyID)
	}
	return tx.putInvitation(&inv, &old)
}

// putInvitation writes the record and keeps the three indexes in step with it: the
// token index holds only the current token, so a replaced one is dead at once.
func (tx *Tx) putInvitation(inv *Invitation, old *Invitation) error {
	inv.V = invitationVersion
	if old != nil {
		if old.TokenHash != inv.TokenHash {
			if err := tx.bucket(bucketInvitationsByToken).Delete([]byte(old.TokenHash)); err != nil {
				return fmt.Errorf("data: invitation %s: drop token: %w", inv.ID, err)
			}
		}
		if err := tx.bucket(bucketInvitationsByState).Delete(indexKey(old.Status, old.ID)); err != nil {
			return fmt.Errorf("data: invitation %s: drop state: %w", inv.ID, err)
		}
	}
	if inv.TokenHash != "" {
		if other := tx.bucket(bucketInvitationsByToken).Get([]byte(inv.TokenHash)); other != nil && string(other) != inv.ID {
			return fmt.Errorf("data: invitation %s token: %w", inv.ID, ErrConflict)
		}
		if err := tx.bucket(bucketInvitationsByToken).Put([]byte(inv.TokenHash), []byte(inv.ID)); err != nil {
			return fmt.Errorf("data: invitation %s: index token: %w", inv.ID, err)
		}
	}
	if err := tx.put(bucketInvitations, inv.ID, inv); err != nil {
		return fmt.Errorf("data: save invitation %s: %w", inv.ID, err)
	}
	if err := tx.bucket(bucketInvitationsByState).Put(indexKey(inv.Status, inv.ID), nil); err != nil {
		return fmt.Errorf("data: invitation %s: index state: %w", inv.ID, err)
	}
	return tx.bucket(bucketInvitationsByCompany).Put(indexKey(inv.CompanyID, inv.ID), nil)
}
