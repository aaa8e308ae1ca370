package contract

// Added by the contract screens (branch contract-screens): the field-by-field check of
// 契約文書登録's 確認, so that the screen says which field is wrong before 確定 (Submit
// asks the same rules again in its transaction).

import (
	"strings"
	"unicode/utf8"

	"inkan/app/domain/company"
	"inkan/app/domain/form"
	"inkan/data"
)

// Field names of 契約文書登録, as Check reports them.
const (
	FieldTitle     = "title"
	FieldGroupTag  = "group_tag"
	FieldOrderSide = "order_side"
	FieldPartner   = "partner_id"
	FieldDept      = "partner_dept"
	FieldRecipient = "recipient_id"
	FieldApprovers = "approvers"
	FieldSigner    = "signer"
)

// MaxTitle is the longest 契約文書名称, MaxText the longest other text field.
const (
	MaxTitle = 100
	MaxText  = 50
)

// Check checks in field by field for by's company: the text (required, length, no
// control characters), the partner (another company whose plan the matrix allows
// with ours: the manual's wording for the side that must change), the 受取担当者 (an
// active user of the partner), the approvers (distinct active users of ours, not the
// signer) and the signer (an active user of ours who may sign now). draft relaxes the
// required fields but the title, for 下書き保存.
func (s *Service) Check(tx *data.Tx, by Actor, in Input, draft bool) form.Errors {
	errs := form.Errors{}
	text := func(field, v string, max int, required bool) {
		errs.Line(field, v)
		switch {
		case required && strings.TrimSpace(v) == "":
			errs.Add(field, "error.required")
		case utf8.RuneCountInString(v) > max:
			errs.Add(field, "error.too_long")
		}
	}
	text(FieldTitle, in.Title, MaxTitle, true)
	text(FieldGroupTag, in.GroupTag, MaxText, false)
	text(FieldDept, in.PartnerDept, MaxText, false)
	text(FieldPartner, in.PartnerID, MaxText, !draft)
	text(FieldRecipient, in.RecipientID, MaxText, !draft)
	text(FieldSigner, in.Signer, MaxText, !draft)
	if in.OrderSide != "" && in.OrderSide != data.OrderSideBuyer && in.OrderSide != data.OrderSideSeller {
		errs.Add(FieldOrderSide, "error.required")
	}
	own, err := tx.Company(by.CompanyID)
	if err != nil {
		errs.Add("", ErrUser.Key)
		return errs
	}
	if in.PartnerID != "" && errs[FieldPartner] == "" {
		if _, key := PartnerOf(tx, own, in.PartnerID); key != "" {
			errs.Add(FieldPartner, key)
		} else if in.RecipientID != "" && activeUser(tx.Tenant(in.PartnerID), in.RecipientID) != nil {
			errs.Add(FieldRecipient, "contract.recipient_unknown")
		}
	}
	t := tx.Tenant(by.CompanyID)
	seen := map[string]bool{}
	for _, a := range in.Approvers {
		errs.Line(FieldApprovers, a)
		if seen[a] || activeUser(t, a) != nil {
			errs.Add(FieldApprovers, "contract.approver_unknown")
		}
		seen[a] = true
	}
	if in.Signer != "" && errs[FieldSigner] == "" {
		if activeUser(t, in.Signer) != nil {
			errs.Add(FieldSigner, "contract.signer_unknown")
		} else if _, err := s.signingCertificate(t, in.Signer); err != nil {
			errs.Add(FieldSigner, ErrSignerCannot.Key)
		}
	}
	return errs
}

// PartnerOf is the company partnerID names as own's 取引先企業ID, when the plan matrix
// of manual A2 lets the two exchange documents; else the catalog key of why not:
// contract.partner_unknown (no such company, or own itself), or the manual's wording
// for the side whose plan must change. 契約文書登録 shows a partner's name only then,
// so that the name of a company no document could go to is never told.
func PartnerOf(tx *data.Tx, own data.Company, partnerID string) (data.Company, string) {
	partner, err := tx.Company(partnerID)
	switch {
	case err != nil || partnerID == own.ID:
		return data.Company{}, "contract.partner_unknown"
	case !company.BillingFor(company.Plan(own.Plan), company.Plan(partner.Plan)).Allowed:
		if company.Plan(own.Plan) == company.PlanPartnerOnly {
			return data.Company{}, "contract.plan_own"
		}
		return data.Company{}, "contract.plan_partner"
	}
	return partner, ""
}
