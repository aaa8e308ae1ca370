// Package invitation is 利用申請URL送信 and what follows it: a 片方課金 company's admin
// invites partners by mail, one by one or from a list of up to 100; each partner opens
// its unguessable, expiring URL and applies; the operator approves (the partner becomes
// a company on the 取引先専用 plan with its 管理用ID) or cancels; the expiry job marks
// URLs past their validity; the admin follows it all on 利用申請状況確認.
//
// The lifecycle is a typed status and a table of transitions (Transition), each checked
// for actor and state; the URL's token is 256 random bits, kept only as its SHA-256 and
// sent sealed in the partner's mail.
package invitation

import (
	"errors"
	"time"

	"inkan/data"
)

// Status is an invitation's 申請状況.
type Status = string

// The statuses of manual p.30, in its order.
const (
	StatusWaiting    Status = "waiting"    // 取引先申請待ち: sent, not opened
	StatusInputting  Status = "inputting"  // 申請入力中: the partner opened the URL
	StatusExpired    Status = "expired"    // 期限切れ: the URL expired; send again
	StatusProcessing Status = "processing" // 申請処理中: submitted, with the operator
	StatusDone       Status = "done"       // 申請処理完了: approved or cancelled
)

// Statuses lists the statuses in the manual's order (the search's checkboxes).
var Statuses = []Status{StatusWaiting, StatusInputting, StatusExpired, StatusProcessing, StatusDone}

// StatusKey is the catalog key of a status.
func StatusKey(s Status) string { return "invite.status." + s }

// The outcomes of 申請処理完了.
const (
	OutcomeApproved  = "approved"
	OutcomeCancelled = "cancelled"
)

// OutcomeKey is the catalog key of an outcome.
func OutcomeKey(o string) string { return "invite.outcome." + o }

// DefaultValidity is how long an invitation URL can be used when the installation sets
// nothing else.
const DefaultValidity = 30 * 24 * time.Hour

// Action is what someone does to an invitation.
type Action string

// The actions of the lifecycle.
const (
	ActOpen    Action = "open"    // the partner opens the URL
	ActSubmit  Action = "submit"  // the partner sends the application
	ActApprove Action = "approve" // the operator approves it
	ActCancel  Action = "cancel"  // the operator cancels it
	ActExpire  Action = "expire"  // the job marks a URL past its validity
	ActResend  Action = "resend"  // the admin sends an expired invitation again
)

// Actor is who acts.
type Actor string

// The actors.
const (
	ActorPartner  Actor = "partner"
	ActorOperator Actor = "operator"
	ActorAdmin    Actor = "admin"
	ActorSystem   Actor = "system"
)

// The refusals of the lifecycle.
var (
	// ErrExpired: the URL is past its validity (whether or not the job has run).
	ErrExpired = errors.New("invitation: expired")
	// ErrUsed: the application was sent already (or completed).
	ErrUsed = errors.New("invitation: application already sent")
	// ErrNotAllowed: the action does not apply to the invitation's state or actor.
	ErrNotAllowed = errors.New("invitation: not allowed in this state")
)

type transition struct {
	actor Actor
	from  []Status
	to    Status
}

// transitions is the lifecycle: for each action, who may take it, from which states,
// and the state it leads to. Opening an invitation being filled in again keeps it so.
var transitions = map[Action]transition{
	ActOpen:    {ActorPartner, []Status{StatusWaiting, StatusInputting}, StatusInputting},
	ActSubmit:  {ActorPartner, []Status{StatusWaiting, StatusInputting}, StatusProcessing},
	ActApprove: {ActorOperator, []Status{StatusProcessing}, StatusDone},
	ActCancel:  {ActorOperator, []Status{StatusProcessing}, StatusDone},
	ActExpire:  {ActorSystem, []Status{StatusWaiting, StatusInputting}, StatusExpired},
	ActResend:  {ActorAdmin, []Status{StatusExpired}, StatusWaiting},
}

// Current is the status of inv at now: one still open to the partner but past its
// validity counts as expired, before the job has marked it.
func Current(inv data.Invitation, now time.Time) Status {
	if (inv.Status == StatusWaiting || inv.Status == StatusInputting) && !now.Before(inv.ExpiresAt) {
		return StatusExpired
	}
	return inv.Status
}

// Transition returns the state act by actor leads inv to at now, or why it may not: a
// partner acting on an expired URL gets ErrExpired, on a sent application ErrUsed;
// everything else that does not fit the table, ErrNotAllowed.
func Transition(inv data.Invitation, act Action, actor Actor, now time.Time) (Status, error) {
	tr, ok := transitions[act]
	if !ok || tr.actor != actor {
		return "", ErrNotAllowed
	}
	from := Current(inv, now)
	if act == ActExpire {
		from = inv.Status // the job marks what Current already counts as expired
		if !now.Before(inv.ExpiresAt) && (from == StatusWaiting || from == StatusInputting) {
			return tr.to, nil
		}
		return "", ErrNotAllowed
	}
	for _, s := range tr.from {
		if s == from {
			return tr.to, nil
		}
	}
	if actor == ActorPartner {
		switch from {
		case StatusExpired:
			return "", ErrExpired
		case StatusProcessing, StatusDone:
			return "", ErrUsed
		}
	}
	return "", ErrNotAllowed
}
