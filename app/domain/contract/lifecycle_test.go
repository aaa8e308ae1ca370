package contract_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"inkan/app/domain/company"
	"inkan/app/domain/contract"
	"inkan/data"
)

// The cast of the table test: the sender C000001 and the receiver C000002, each with
// its 担当者 (registering user / 受取担当者), an approver, a signer and an uninvolved user,
// and a third company.
var (
	sRegistrant = contract.Actor{CompanyID: "C000001", UserID: "S1"}
	sApprover   = contract.Actor{CompanyID: "C000001", UserID: "S2"}
	sSigner     = contract.Actor{CompanyID: "C000001", UserID: "S3"}
	sOther      = contract.Actor{CompanyID: "C000001", UserID: "S4"}
	rRecipient  = contract.Actor{CompanyID: "C000002", UserID: "R1"}
	rApprover   = contract.Actor{CompanyID: "C000002", UserID: "R2"}
	rSigner     = contract.Actor{CompanyID: "C000002", UserID: "R3"}
	rOther      = contract.Actor{CompanyID: "C000002", UserID: "R4"}
	third       = contract.Actor{CompanyID: "C000003", UserID: "X1"}
	actors      = map[string]contract.Actor{
		"sender registrant": sRegistrant, "sender approver": sApprover, "sender signer": sSigner, "sender other": sOther,
		"receiver recipient": rRecipient, "receiver approver": rApprover, "receiver signer": rSigner, "receiver other": rOther,
		"third company": third,
	}
)

// stage builds the document in each state of the flow.
func stage(name string) data.Document {
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	d := data.Document{
		ID:       "0000000001",
		Sender:   data.Party{CompanyID: "C000001", UserID: "S1", Route: &data.Route{Approvers: []data.Step{{UserID: "S2"}}, Signer: data.Step{UserID: "S3"}}},
		Receiver: data.Party{CompanyID: "C000002", UserID: "R1"},
	}
	sent := func() {
		d.Sender.Route.Approvers[0].DoneAt, d.Sender.Route.Signer.DoneAt, d.SentAt = &t0, &t0, &t0
	}
	received := func() {
		sent()
		d.Receiver.Route = &data.Route{Approvers: []data.Step{{UserID: "R2"}}, Signer: data.Step{UserID: "R3"}}
	}
	switch name {
	case "下書き":
		d.Status = "下書き"
	case "承認待ち":
		d.Status = "承認待ち"
	case "署名待ち (sender)":
		d.Status, d.Sender.Route.Approvers[0].DoneAt = "署名待ち", &t0
	case "受領前承認待ち (not received)":
		d.Status = "受領前承認待ち"
		sent()
	case "受領前承認待ち (received)":
		d.Status = "受領前承認待ち"
		received()
	case "署名待ち (receiver)":
		d.Status = "署名待ち"
		received()
		d.Receiver.Route.Approvers[0].DoneAt = &t0
	case "完了待ち":
		d.Status = "完了待ち"
		received()
		d.Receiver.Route.Approvers[0].DoneAt, d.Receiver.Route.Signer.DoneAt = &t0, &t0
	case "完了":
		d.Status, d.StorageStart = "完了", t0
		received()
	case "差戻し (before sending)":
		d.Status = "差戻し"
	case "差戻し (by the receiver)":
		d.Status = "差戻し"
		sent()
	case "取消 (before sending)":
		d.Status = "取消"
	case "取消 (after sending)":
		d.Status = "取消"
		sent()
	default:
		panic(name)
	}
	return d
}

// TestMayEveryStateActionActor: every state × action × actor. allowed lists what may
// happen; everything else is refused, and the reason is one of three: the actor's
// company does not see the document (a third company; the receiver before sending),
// the action does not apply in that status, or it is not the actor's turn.
func TestMayEveryStateActionActor(t *testing.T) {
	allowed := map[string]map[contract.Action][]contract.Actor{
		"下書き":                    {contract.ActSaveDraft: {sRegistrant}, contract.ActSubmit: {sRegistrant}, contract.ActCancel: {sRegistrant}},
		"承認待ち":                   {contract.ActApprove: {sApprover}, contract.ActReturn: {sApprover}, contract.ActCancel: {sRegistrant}},
		"署名待ち (sender)":          {contract.ActSign: {sSigner}, contract.ActReturn: {sSigner}, contract.ActCancel: {sRegistrant}},
		"受領前承認待ち (not received)": {contract.ActReceive: {rRecipient}, contract.ActReturn: {rRecipient}, contract.ActCancel: {sRegistrant}},
		"受領前承認待ち (received)":     {contract.ActApproveReceipt: {rApprover}, contract.ActReturn: {rApprover}, contract.ActCancel: {sRegistrant}},
		"署名待ち (receiver)":        {contract.ActSign: {rSigner}, contract.ActReturn: {rSigner}, contract.ActCancel: {sRegistrant}},
		"完了待ち":                   {contract.ActComplete: {sRegistrant}},
		"完了":                     {},
		"差戻し (before sending)":   {contract.ActSaveDraft: {sRegistrant}, contract.ActSubmit: {sRegistrant}, contract.ActCancel: {sRegistrant}},
		"差戻し (by the receiver)":  {contract.ActSaveDraft: {sRegistrant}, contract.ActSubmit: {sRegistrant}, contract.ActCancel: {sRegistrant}},
		"取消 (before sending)":    {},
		"取消 (after sending)":     {},
	}
	// applies is the transition table read back: which actions a status has at all.
	applies := map[contract.Status][]contract.Action{}
	for _, tr := range contract.Transitions {
		applies[tr.From] = append(applies[tr.From], tr.Action)
	}
	plans := contract.Plans{Sender: company.PlanOneSide, Receiver: company.PlanPartnerOnly}
	n := 0
	for state, may := range allowed {
		d := stage(state)
		for _, a := range contract.Actions {
			for who, by := range actors {
				var want error
				switch {
				case slices.Contains(may[a], by):
				case !slices.Contains(d.Parties(), by.CompanyID):
					want = data.ErrNotFound
				case !slices.Contains(applies[contract.Status(d.Status)], a):
					want = contract.ErrState
				default:
					want = contract.ErrNotYourTurn
				}
				got := contract.May(d, by, a, plans)
				if !errors.Is(got, want) || (want == nil) != (got == nil) {
					t.Errorf("%s: %s by %s: %v, want %v", state, a, who, got, want)
				}
				n++
			}
		}
	}
	if n != 12*9*9 {
		t.Errorf("%d cases", n)
	}
}

// TestMayAppliesThePlanMatrix: 申請 and the sender's 署名 (which sends) are refused
// for the plan pairs of manual A2 that may not exchange documents; the receiver's
// steps are not judged again.
func TestMayAppliesThePlanMatrix(t *testing.T) {
	p := company.Plans
	for _, sp := range p {
		for _, rp := range p {
			plans := contract.Plans{Sender: sp, Receiver: rp}
			allowed := company.BillingFor(sp, rp).Allowed
			for _, c := range []struct {
				state string
				by    contract.Actor
				a     contract.Action
				judge bool
			}{
				{"下書き", sRegistrant, contract.ActSubmit, true},
				{"署名待ち (sender)", sSigner, contract.ActSign, true},
				{"署名待ち (receiver)", rSigner, contract.ActSign, false},
				{"承認待ち", sApprover, contract.ActApprove, false},
			} {
				err := contract.May(stage(c.state), c.by, c.a, plans)
				want := error(nil)
				if c.judge && !allowed {
					want = contract.ErrPlan
				}
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Errorf("%s→%s: %s %s: %v, want %v", sp, rp, c.state, c.a, err, want)
				}
			}
		}
	}
	if contract.ReasonKey(contract.ErrPlan) != "contract.refused.plan" || contract.ReasonKey(fmt.Errorf("x: %w", data.ErrChanged)) != "contract.refused.changed" {
		t.Error("reason keys")
	}
}

// TestStatusesHaveLabelsAndTurns: the one list of statuses, each with its catalog key
// and whose turn it is; every status of the transition table is on it.
func TestStatusesHaveLabelsAndTurns(t *testing.T) {
	want := []contract.Status{"下書き", "承認待ち", "署名待ち", "受領前承認待ち", "完了待ち", "完了", "差戻し", "取消"}
	if !slices.Equal(contract.Statuses, want) {
		t.Errorf("statuses %v", contract.Statuses)
	}
	for _, s := range contract.Statuses {
		if s.LabelKey() == "doc.status." || (s.TurnKey() == "") != (s == contract.StatusDone || s == contract.StatusCancelled) {
			t.Errorf("%s: %q %q", s, s.LabelKey(), s.TurnKey())
		}
	}
	for _, tr := range contract.Transitions {
		for _, s := range append([]contract.Status{tr.From}, tr.To...) {
			if s != "" && !s.Valid() {
				t.Errorf("%s: %s", tr.Action, s)
			}
		}
	}
	for state, want := range map[string]contract.Actor{
		"下書き": sRegistrant, "承認待ち": sApprover, "署名待ち (sender)": sSigner, "受領前承認待ち (not received)": rRecipient,
		"受領前承認待ち (received)": rApprover, "署名待ち (receiver)": rSigner, "完了待ち": sRegistrant, "差戻し (by the receiver)": sRegistrant,
	} {
		turn, ok := contract.TurnOf(stage(state))
		if !ok || turn.CompanyID != want.CompanyID || turn.UserID != want.UserID {
			t.Errorf("%s: turn %+v", state, turn)
		}
	}
	if _, ok := contract.TurnOf(stage("完了")); ok {
		t.Error("a stored document has a turn")
	}
}
