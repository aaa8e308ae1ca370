// Package contract holds the rules of contract documents between two companies: the
// flow from registration to ten-year storage, and who still takes part in a document.
//
// The flow (manual pp.4–5, SPEC §5), status by status (Statuses; TurnOf says who acts):
//
//	登録 / 下書き保存 → 下書き ── 申請 ──→ 承認待ち (the sender's approvers, in order, 承認)
//	                                  └─→ 署名待ち (the sender's signer, 署名: sends it)
//	→ 受領前承認待ち (the receiver's 受取担当者, 受領: sets the receiver's approvers and
//	  signer; then its approvers, 受領前承認) → 署名待ち (the receiver's signer, 署名)
//	→ 完了待ち (the sender's 担当者, 完了: B-LTA, 保管開始日, 保管期限) → 完了 (長期保管)
//
// 差戻し (with a reason) by whoever's turn it is sends the document back to the
// sender's 担当者 (差戻し), who fixes it and applies again or withdraws it; 取消 by the
// sender's 担当者 is possible until the receiver signs. Transitions is the table; May
// answers whether an actor may take an action now (their company sees the document,
// the status has the action, they hold the role whose turn it is, and for 申請 and the
// sender's 署名 the plan matrix of manual A2 allows the pair), with a Refusal whose Key
// is the catalog key of the reason.
//
// Service runs the actions on the store. The record-only actions (Register, SaveDraft,
// Submit, Approve, Return, Receive, ApproveReceipt, Cancel) run in the caller's write
// transaction, so that a screen queues its mail in the same one. Sign and Complete
// read the document in a read transaction, sign or timestamp its newest revision
// outside any transaction (through the certificate service, which asks MaySign and
// issues fresh CRLs), write the new revision's file, and commit only if the document
// is still the version read: two people at once, a double click or a replayed form
// leave one result. Every PDF revision is a file named by its SHA-256 (data.Files),
// fsynced before the record naming it commits; each is the previous one with bytes
// appended. The document that reaches the partner is charged (data.Usage) to the
// companies the plan matrix makes pay, in the month it arrived.
package contract
