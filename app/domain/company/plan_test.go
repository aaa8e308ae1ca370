package company

import "testing"

func TestBillingFor(t *testing.T) {
	// The table of manual A2, row = partner's plan, column = own plan.
	tests := []struct {
		own, partner Plan
		want         Billing
	}{
		{PlanOneSide, PlanOneSide, Billing{true, true, true}},
		{PlanOneSide, PlanPartnerOnly, Billing{true, true, false}},
		{PlanOneSide, PlanBothSides, Billing{true, true, false}},
		{PlanPartnerOnly, PlanOneSide, Billing{true, false, true}},
		{PlanPartnerOnly, PlanPartnerOnly, Billing{}},
		{PlanPartnerOnly, PlanBothSides, Billing{}},
		{PlanBothSides, PlanOneSide, Billing{true, false, true}},
		{PlanBothSides, PlanPartnerOnly, Billing{}},
		{PlanBothSides, PlanBothSides, Billing{true, true, true}},
	}
	for _, tt := range tests {
		if got := BillingFor(tt.own, tt.partner); got != tt.want {
			t.Errorf("BillingFor(%s, %s) = %+v, want %+v", tt.own, tt.partner, got, tt.want)
		}
	}
}
