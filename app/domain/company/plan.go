// Package company holds the rules of tenants: plans and their billing matrix (manual
// A2), option contracts (manual A1), and onboarding a company with its first 管理用ID.
package company

// Plan is a company's contract plan.
type Plan string

// The three plans of manual A2.
const (
	PlanOneSide     Plan = "one_side"     // 片方課金プラン
	PlanPartnerOnly Plan = "partner_only" // 取引先専用プラン
	PlanBothSides   Plan = "both_sides"   // 双方課金プラン
)

// Plans lists the plans in the manual's order.
var Plans = []Plan{PlanOneSide, PlanPartnerOnly, PlanBothSides}

// Valid reports whether p is one of the plans.
func (p Plan) Valid() bool {
	for _, q := range Plans {
		if p == q {
			return true
		}
	}
	return false
}

// LabelKey is the i18n key of the plan's name.
func (p Plan) LabelKey() string { return "plan." + string(p) }

// Billing is the outcome of the plan matrix for two parties.
type Billing struct {
	Allowed   bool
	PaysFirst bool // the first party pays
	PaysOther bool // the second party pays
}

// BillingFor applies the matrix of manual A2 to two parties of a document:
// 取引先専用 may exchange documents only with 片方課金; 片方課金 always pays;
// two 片方課金 or two 双方課金 both pay; 双方課金 with 片方課金: only 片方課金 pays.
func BillingFor(a, b Plan) Billing {
	switch {
	case a == PlanPartnerOnly && b == PlanOneSide:
		return Billing{Allowed: true, PaysOther: true}
	case a == PlanOneSide && b == PlanPartnerOnly:
		return Billing{Allowed: true, PaysFirst: true}
	case a == PlanPartnerOnly || b == PlanPartnerOnly:
		return Billing{}
	case a == b:
		return Billing{Allowed: true, PaysFirst: true, PaysOther: true}
	default: // one 片方課金, one 双方課金
		return Billing{Allowed: true, PaysFirst: a == PlanOneSide, PaysOther: b == PlanOneSide}
	}
}

// CanInvitePartners reports whether the plan has the 利用申請URL送信 menu.
func (p Plan) CanInvitePartners() bool { return p == PlanOneSide }
