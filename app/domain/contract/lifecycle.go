package contract

import (
	"errors"
	"slices"

	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/data"
)

// Status is a document's ステータス. Its value is the manual's name, stored as is in
// data.Document.Status and indexed by the search engine.
type Status string

// The statuses of a document, in the order of the flow.
const (
	StatusDraft      Status = "下書き"     // the sender's 担当者 prepares it
	StatusApproval   Status = "承認待ち"    // a sender's approver decides
	StatusSigning    Status = "署名待ち"    // a signer signs: the sender's, or the receiver's once received
	StatusReceipt    Status = "受領前承認待ち" // sent: the receiver's 受取担当者 receives it, then its approvers decide
	StatusCompletion Status = "完了待ち"    // both signed: the sender's 担当者 completes it
	StatusDone       Status = "完了"      // in long-term storage (長期保管文書)
	StatusReturned   Status = "差戻し"     // sent back to the sender's 担当者, who fixes and applies again, or cancels
	StatusCancelled  Status = "取消"      // withdrawn by the sender
)

// Statuses is the one list that feeds every ステータス select, in the flow's order.
var Statuses = []Status{StatusDraft, StatusApproval, StatusSigning, StatusReceipt, StatusCompletion, StatusDone, StatusReturned, StatusCancelled}

var statusSlugs = map[Status]string{
	StatusDraft: "draft", StatusApproval: "approval", StatusSigning: "signing", StatusReceipt: "receipt",
	StatusCompletion: "completion", StatusDone: "done", StatusReturned: "returned", StatusCancelled: "cancelled",
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { _, ok := statusSlugs[s]; return ok }

// LabelKey is the catalog key of the status's name (in Japanese, the name itself).
func (s Status) LabelKey() string { return "doc.status." + statusSlugs[s] }

// TurnKey is the catalog key that says whose turn the status is, or "" for a status
// where nobody acts any more (完了, 取消). TurnOf names the user on a document.
func (s Status) TurnKey() string {
	switch s {
	case StatusDraft, StatusReturned, StatusCompletion:
		return "doc.turn.sender"
	case StatusApproval:
		return "doc.turn.sender_approver"
	case StatusSigning:
		return "doc.turn.signer"
	case StatusReceipt:
		return "doc.turn.receiver"
	}
	return ""
}

// Action is a step of the flow.
type Action string

// The actions on a document.
const (
	ActRegister       Action = "register"        // 登録 (as 下書き)
	ActSaveDraft      Action = "save_draft"      // 下書き保存
	ActSubmit         Action = "submit"          // 申請: start the sender's route
	ActApprove        Action = "approve"         // 承認 by a sender's approver
	ActReturn         Action = "return"          // 差戻し, with a reason
	ActSign           Action = "sign"            // 署名
	ActReceive        Action = "receive"         // 受領: the 受取担当者 sets the receiver's route
	ActApproveReceipt Action = "approve_receipt" // 受領前承認 by a receiver's approver
	ActComplete       Action = "complete"        // 完了: B-LTA and long-term storage
	ActCancel         Action = "cancel"          // 取消 by the sender, until the receiver signs
)

// Actions lists every action on an existing document (登録 makes one).
var Actions = []Action{ActSaveDraft, ActSubmit, ActApprove, ActReturn, ActSign, ActReceive, ActApproveReceipt, ActComplete, ActCancel}

// Transition is one row of the transition table: the action, the status it applies
// to, and the statuses it may lead to (which one depends on the route).
type Transition struct {
	Action Action
	From   Status
	To     []Status
}

// Transitions is the transition table. An action not listed for a status is refused
// with ErrState.
var Transitions = []Transition{
	{ActRegister, "", []Status{StatusDraft}},
	{ActSaveDraft, StatusDraft, []Status{StatusDraft}},
	{ActSaveDraft, StatusReturned, []Status{StatusReturned}},
	{ActSubmit, StatusDraft, []Status{StatusApproval, StatusSigning}},
	{ActSubmit, StatusReturned, []Status{StatusApproval, StatusSigning}},
	{ActApprove, StatusApproval, []Status{StatusApproval, StatusSigning}},
	{ActReturn, StatusApproval, []Status{StatusReturned}},
	{ActReturn, StatusSigning, []Status{StatusReturned}},
	{ActReturn, StatusReceipt, []Status{StatusReturned}},
	{ActSign, StatusSigning, []Status{StatusReceipt, StatusCompletion}},
	{ActReceive, StatusReceipt, []Status{StatusReceipt, StatusSigning}},
	{ActApproveReceipt, StatusReceipt, []Status{StatusReceipt, StatusSigning}},
	{ActComplete, StatusCompletion, []Status{StatusDone}},
	{ActCancel, StatusDraft, []Status{StatusCancelled}},
	{ActCancel, StatusApproval, []Status{StatusCancelled}},
	{ActCancel, StatusSigning, []Status{StatusCancelled}},
	{ActCancel, StatusReceipt, []Status{StatusCancelled}},
	{ActCancel, StatusReturned, []Status{StatusCancelled}},
}

func transition(a Action, from Status) (Transition, bool) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.Action == a && t.From == from })
	if i < 0 {
		return Transition{}, false
	}
	return Transitions[i], true
}

// Refusal is why an action is refused: Key is the catalog key that says it.
type Refusal struct{ Key string }

func (r *Refusal) Error() string { return "contract: refused: " + r.Key }

// The refusals. A document the actor's company does not see is data.ErrNotFound (404),
// not a refusal.
var (
	ErrState          = &Refusal{"contract.refused.state"}           // the action does not apply in this status
	ErrNotYourTurn    = &Refusal{"contract.refused.not_your_turn"}   // the actor holds no role for it now
	ErrPlan           = &Refusal{"contract.refused.plan"}            // the plan combination may not exchange documents
	ErrReasonRequired = &Refusal{"contract.refused.reason_required"} // 差戻し without a reason
	ErrIncomplete     = &Refusal{"contract.refused.incomplete"}      // a required field or the route is missing
	ErrBadRoute       = &Refusal{"contract.refused.route"}           // an approver, signer or 受取担当者 is not a usable user
	ErrSignerCannot   = &Refusal{"contract.refused.signer"}          // the signer may not sign now (no usable certificate)
	ErrChanged        = &Refusal{"contract.refused.changed"}         // someone acted on the document meanwhile
	ErrNotPDF         = &Refusal{"contract.refused.pdf"}             // the upload is not a PDF the trust engine can sign
	ErrUser           = &Refusal{"contract.refused.user"}            // the actor is not an active user
)

// ReasonKey is the catalog key of err's refusal, or "" when err is none: a PDF the
// installation cannot sign says why (certificate.DocumentError), before the refusal
// that carries it.
func ReasonKey(err error) string {
	var pdfErr *certificate.DocumentError
	if errors.As(err, &pdfErr) {
		return pdfErr.Key
	}
	var r *Refusal
	if errors.As(err, &r) {
		return r.Key
	}
	if errors.Is(err, data.ErrChanged) {
		return ErrChanged.Key
	}
	return ""
}

// Actor is the user who acts: their company and 利用者ID.
type Actor struct{ CompanyID, UserID string }

// Side is one party of a document.
type Side string

// The sides.
const (
	Sender   Side = "sender"
	Receiver Side = "receiver"
)

// Role is what a user does on a document.
type Role string

// The roles on a document's route.
const (
	RoleRegistrant Role = "registrant" // the sender's 担当者 (registering user)
	RoleApprover   Role = "approver"   // 社内承認者
	RoleSigner     Role = "signer"     // 署名者
	RoleRecipient  Role = "recipient"  // the receiver's 受取担当者
)

// Turn is who acts next on a document: Step is the approver's place (from 0).
type Turn struct {
	Side      Side
	Role      Role
	CompanyID string
	UserID    string
	Step      int
}

// TurnOf says whose turn the document is, or false when nobody acts (完了, 取消).
func TurnOf(d data.Document) (Turn, bool) {
	sender := func(r Role, user string, step int) (Turn, bool) {
		return Turn{Sender, r, d.Sender.CompanyID, user, step}, true
	}
	receiver := func(r Role, user string, step int) (Turn, bool) {
		return Turn{Receiver, r, d.Receiver.CompanyID, user, step}, true
	}
	switch Status(d.Status) {
	case StatusDraft, StatusReturned, StatusCompletion:
		return sender(RoleRegistrant, d.Sender.UserID, 0)
	case StatusApproval:
		if i, ok := nextApprover(d.Sender.Route); ok {
			return sender(RoleApprover, d.Sender.Route.Approvers[i].UserID, i)
		}
	case StatusSigning:
		if receiverSide(d) {
			return receiver(RoleSigner, d.Receiver.Route.Signer.UserID, 0)
		}
		if d.Sender.Route != nil {
			return sender(RoleSigner, d.Sender.Route.Signer.UserID, 0)
		}
	case StatusReceipt:
		if d.Receiver.Route == nil {
			return receiver(RoleRecipient, d.Receiver.UserID, 0)
		}
		if i, ok := nextApprover(d.Receiver.Route); ok {
			return receiver(RoleApprover, d.Receiver.Route.Approvers[i].UserID, i)
		}
	}
	return Turn{}, false
}

// receiverSide: the document is with the receiver (received, the sender signed).
func receiverSide(d data.Document) bool {
	return d.Receiver.Route != nil && d.Sender.Route != nil && d.Sender.Route.Signer.DoneAt != nil
}

func nextApprover(r *data.Route) (int, bool) {
	if r == nil {
		return 0, false
	}
	i := slices.IndexFunc(r.Approvers, func(s data.Step) bool { return s.DoneAt == nil })
	return i, i >= 0
}

// Plans are the plans of the two parties.
type Plans struct{ Sender, Receiver company.Plan }

// May answers whether by may take action a on d now: nil, data.ErrNotFound when by's
// company does not see the document (a third company, or the receiver before it was
// sent), or a Refusal. plans matter to 申請 and to the sender's 署名, which sends the
// document: the plan matrix of manual A2 must allow the pair. The screens ask it to
// show the buttons; every action asks it again in its transaction.
func May(d data.Document, by Actor, a Action, plans Plans) error {
	if !slices.Contains(d.Parties(), by.CompanyID) {
		return data.ErrNotFound
	}
	if _, ok := transition(a, Status(d.Status)); !ok {
		return ErrState
	}
	turn, _ := TurnOf(d)
	isTurn := func(side Side, roles ...Role) bool {
		return turn.CompanyID == by.CompanyID && turn.UserID == by.UserID && turn.Side == side && slices.Contains(roles, turn.Role)
	}
	registrant := by.CompanyID == d.Sender.CompanyID && by.UserID == d.Sender.UserID
	var ok bool
	switch a {
	case ActSaveDraft, ActSubmit, ActComplete, ActCancel:
		ok = registrant
	case ActApprove:
		ok = isTurn(Sender, RoleApprover)
	case ActApproveReceipt:
		ok = isTurn(Receiver, RoleApprover)
	case ActReceive:
		ok = isTurn(Receiver, RoleRecipient)
	case ActSign:
		ok = isTurn(Sender, RoleSigner) || isTurn(Receiver, RoleSigner)
	case ActReturn:
		ok = isTurn(Sender, RoleApprover, RoleSigner) || isTurn(Receiver, RoleRecipient, RoleApprover, RoleSigner)
	}
	if !ok {
		return ErrNotYourTurn
	}
	if a == ActSubmit || (a == ActSign && turn.Side == Sender) {
		if !company.BillingFor(plans.Sender, plans.Receiver).Allowed {
			return ErrPlan
		}
	}
	return nil
}
