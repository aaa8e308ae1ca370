package contract_test

import (
	"maps"
	"strings"
	"testing"

	"inkan/app/domain/contract"
	"inkan/data"
)

// TestCheck: each field of 契約文書登録 refused with its message, the plan matrix in the
// manual's wording for the side that must change, and a draft needing only its title.
func TestCheck(t *testing.T) {
	w := newWorld(t, testPDF(t))
	tests := []struct {
		name  string
		by    contract.Actor
		draft bool
		edit  func(in *contract.Input)
		want  map[string]string
	}{
		{"complete", sRegistrant, false, func(*contract.Input) {}, map[string]string{}},
		{"no title", sRegistrant, false, func(in *contract.Input) { in.Title = " " }, map[string]string{contract.FieldTitle: "error.required"}},
		{"a long title", sRegistrant, false, func(in *contract.Input) { in.Title = strings.Repeat("契", contract.MaxTitle+1) }, map[string]string{contract.FieldTitle: "error.too_long"}},
		{"a control character", sRegistrant, false, func(in *contract.Input) { in.GroupTag = "a\x00b" }, map[string]string{contract.FieldGroupTag: "error.control_chars"}},
		{"a wrong order side", sRegistrant, false, func(in *contract.Input) { in.OrderSide = "両方" }, map[string]string{contract.FieldOrderSide: "error.required"}},
		{"no partner", sRegistrant, false, func(in *contract.Input) { in.PartnerID, in.RecipientID = "", "" },
			map[string]string{contract.FieldPartner: "error.required", contract.FieldRecipient: "error.required"}},
		{"unknown partner", sRegistrant, false, func(in *contract.Input) { in.PartnerID = "C999999" }, map[string]string{contract.FieldPartner: "contract.partner_unknown"}},
		{"ourselves as partner", sRegistrant, false, func(in *contract.Input) { in.PartnerID = w.as(sRegistrant).CompanyID }, map[string]string{contract.FieldPartner: "contract.partner_unknown"}},
		{"recipient of another company", sRegistrant, false, func(in *contract.Input) { in.RecipientID = w.as(sOther).UserID + "X" }, map[string]string{contract.FieldRecipient: "contract.recipient_unknown"}},
		{"approver twice", sRegistrant, false, func(in *contract.Input) { in.Approvers = append(in.Approvers, in.Approvers[0]) }, map[string]string{contract.FieldApprovers: "contract.approver_unknown"}},
		{"approver unknown", sRegistrant, false, func(in *contract.Input) { in.Approvers = []string{"U999999"} }, map[string]string{contract.FieldApprovers: "contract.approver_unknown"}},
		{"signer without certificate", sRegistrant, false, func(in *contract.Input) { in.Signer = w.as(sOther).UserID }, map[string]string{contract.FieldSigner: contract.ErrSignerCannot.Key}},
		{"signer unknown", sRegistrant, false, func(in *contract.Input) { in.Signer = "U999999" }, map[string]string{contract.FieldSigner: "contract.signer_unknown"}},
		{"a draft needs only its title", sRegistrant, true, func(in *contract.Input) { *in = contract.Input{Title: "下書き"} }, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := w.input()
			tt.edit(&in)
			var got map[string]string
			w.store.View(func(tx *data.Tx) error { got = w.svc.Check(tx, w.as(tt.by), in, tt.draft); return nil })
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	// The plan matrix, in the manual's wording for the side that must change: a
	// 取引先専用 sender must change its own plan; a 双方課金 sender's 取引先専用 partner
	// must change its; a 片方課金 sender may exchange with anyone.
	var partnerOnly, bothSides string
	err := w.store.Update(func(tx *data.Tx) error {
		a, b := data.Company{Name: "別の取引先", Plan: "partner_only"}, data.Company{Name: "双方", Plan: "both_sides"}
		if err := tx.CreateCompany(&a); err != nil {
			return err
		}
		partnerOnly = a.ID
		err := tx.CreateCompany(&b)
		bothSides = b.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		by   contract.Actor
		want string
	}{
		"our plan must change": {w.as(rRecipient), "contract.plan_own"},
		"the partner's must":   {contract.Actor{CompanyID: bothSides, UserID: "U000001"}, "contract.plan_partner"},
		"ours is fine (片方課金)":  {w.as(sRegistrant), ""},
	} {
		in := contract.Input{Title: "t", PartnerID: partnerOnly}
		var got map[string]string
		w.store.View(func(tx *data.Tx) error { got = w.svc.Check(tx, tc.by, in, true); return nil })
		if got[contract.FieldPartner] != tc.want {
			t.Errorf("%s: %v, want %s: %q", name, got, contract.FieldPartner, tc.want)
		}
	}
}

// TestCheckReceipt: the receiver's own fields at 受領: a tag of one line and at most
// MaxText characters; an order side that is 発注側 or 受注側, and, when the sender gave
// its own, the other one (or none, which Receive takes as the other).
func TestCheckReceipt(t *testing.T) {
	buyer := data.Document{Sender: data.Party{OrderSide: data.OrderSideBuyer}}
	tests := []struct {
		name string
		d    data.Document
		in   contract.Receipt
		want map[string]string
	}{
		{"nothing of its own", buyer, contract.Receipt{}, map[string]string{}},
		{"the other side", buyer, contract.Receipt{OrderSide: data.OrderSideSeller, GroupTag: "工事"}, map[string]string{}},
		{"the sender's side", buyer, contract.Receipt{OrderSide: data.OrderSideBuyer}, map[string]string{contract.FieldOrderSide: "contract.order_side_other"}},
		{"no such side", buyer, contract.Receipt{OrderSide: "両方"}, map[string]string{contract.FieldOrderSide: "error.required"}},
		{"either, when the sender gave none", data.Document{}, contract.Receipt{OrderSide: data.OrderSideBuyer}, map[string]string{}},
		{"a long tag", buyer, contract.Receipt{GroupTag: strings.Repeat("タ", contract.MaxText+1)}, map[string]string{contract.FieldGroupTag: "error.too_long"}},
		{"a control character", buyer, contract.Receipt{GroupTag: "a\u202eb"}, map[string]string{contract.FieldGroupTag: "error.control_chars"}},
	}
	for _, tt := range tests {
		if got := contract.CheckReceipt(tt.d, tt.in); !maps.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
