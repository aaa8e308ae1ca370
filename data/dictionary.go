package data

// documentDictionaryV1 is the preset dictionary of the deflated document records of
// dictionary version 1 (see record.go). It is part of the stored format: every record
// written with it needs these exact bytes to be read, so it is never edited, only
// followed by a new version. It is what a document record is made of: its field names
// in the order encoding/json writes them and the values they mostly take (statuses,
// actions, revision kinds, 受発注区分, dates at midnight in Japan time, the shapes of
// 企業ID and 利用者ID, common words of titles and 部署名), as four records: a whole life
// (a route with comments, revisions, every step of the history), a draft, and two
// completed documents of the most common shape last, where deflate finds its matches
// at the shortest distances.
const documentDictionaryV1 = `{"v":2,"id":"0000000001","title":"売買契約書 秘密保持契約書 基本契約書 変更契約書 設計業務 改修工事 設備工事","amount":1000000,"contract_date":"2026-04-01T00:00:00+09:00","status":"取消","sender":{"company_id":"C000001","dept":"総務部","user_id":"U000001","order_side":"発注側","group_tag":"PJ-0001","route":{"approvers":[{"user_id":"U000002","done_at":"2026-04-01T10:00:00.123456789+09:00","comment":"金額を修正してください"}],"signer":{"user_id":"U000003","done_at":"2026-04-01T10:00:00Z"}}},"receiver":{"company_id":"C000002","dept":"営業部","user_id":"U000004","order_side":"受注側","group_tag":"2026上期","route":{"approvers":[{"user_id":"U000005","done_at":"2026-04-02T10:00:00.123456+09:00"}],"signer":{"user_id":"U000006","done_at":"2026-04-02T11:00:00+09:00"}}},"sent_at":"2026-04-01T11:00:00+09:00","created_at":"2026-04-01T09:00:00+09:00","updated_at":"2026-04-02T12:00:00+09:00","version":12,"revisions":[{"file":{"sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","name":"契約書.pdf","size":123456},"kind":"original","at":"2026-04-01T09:00:00.123456789+09:00","company_id":"C000001","user_id":"U000001"},{` +
	`"file":{"sha256":"","name":"契約書.pdf","size":23456},"increment":true,"kind":"signature","at":"2026-04-01T10:00:00+09:00","company_id":"C000001","user_id":"U000003"},{` +
	`"file":{"sha256":"","name":"契約書.pdf","size":3456},"increment":true,"kind":"timestamp","at":"2026-04-02T12:00:00+09:00"},{` +
	`"file":{"sha256":"","name":"契約書.pdf","size":456},"increment":true,"kind":"archive","at":"2035-04-02T12:00:00+09:00"}],"history":[{"at":"2026-04-01T09:00:00+09:00","company_id":"C000001","user_id":"U000001","action":"register","status":"下書き"},{` +
	`"at":"2026-04-01T09:00:00+09:00","company_id":"C000001","user_id":"U000001","action":"save_draft","status":"下書き"},{` +
	`"at":"2026-04-01T09:30:00+09:00","company_id":"C000001","user_id":"U000001","action":"submit","status":"承認待ち"},{` +
	`"at":"2026-04-01T10:00:00+09:00","company_id":"C000001","user_id":"U000002","action":"return","status":"差戻し","comment":"金額を修正してください"},{` +
	`"at":"2026-04-01T10:00:00+09:00","company_id":"C000001","user_id":"U000002","action":"approve","status":"署名待ち"},{` +
	`"at":"2026-04-01T10:00:00+09:00","company_id":"C000001","user_id":"U000003","action":"sign","status":"受領前承認待ち"},{` +
	`"at":"2026-04-01T12:00:00+09:00","company_id":"C000002","user_id":"U000004","action":"receive","status":"受領前承認待ち"},{` +
	`"at":"2026-04-02T10:00:00+09:00","company_id":"C000002","user_id":"U000005","action":"approve_receipt","status":"署名待ち"},{` +
	`"at":"2026-04-02T11:00:00+09:00","company_id":"C000002","user_id":"U000006","action":"sign","status":"完了待ち"},{` +
	`"at":"2026-04-02T11:30:00+09:00","company_id":"C000001","user_id":"U000001","action":"cancel","status":"取消"},{` +
	`"at":"2026-04-02T12:00:00+09:00","company_id":"C000001","user_id":"U000001","action":"complete","status":"完了"}]}` +
	`{"v":2,"id":"0000000002","title":"新築工事 注文請書","contract_date":"2026-04-01T00:00:00+09:00","status":"下書き","sender":{"company_id":"C000001","user_id":"U000001","order_side":"受注側"},"receiver":{"company_id":"C000002"},"created_at":"2026-04-01T09:00:00+09:00","updated_at":"2026-04-01T09:00:00+09:00","version":1}` +
	`{"v":2,"id":"0000000003","title":"第1期改修工事 工事請負契約書","amount":12000000,"contract_date":"2026-04-01T00:00:00+09:00","status":"完了","sender":{"company_id":"C000001","dept":"工務部","user_id":"U000001","order_side":"発注側","group_tag":"2026下期","route":{"approvers":[{"user_id":"U000002"}],"signer":{"user_id":"U000003"}}},"receiver":{"company_id":"C000002","dept":"建築部 工事課","user_id":"U000004","order_side":"受注側","group_tag":"支店案件","route":{"approvers":[{"user_id":"U000005"},{` +
	`"user_id":"U000006"}],"signer":{"user_id":"U000007"}}},"sent_at":"2026-04-01T00:00:00+09:00","storage_start":"2026-04-01T00:00:00+09:00","storage_end":"2036-04-01T00:00:00+09:00","created_at":"2026-04-01T00:00:00+09:00","updated_at":"2026-04-01T00:00:00+09:00","version":1}` +
	`{"v":2,"id":"0000000004","title":"〇〇ビル新築工事 電気工事 内装工事 測量業務 業務委託契約書 注文書 覚書","amount":1000000,"contract_date":"2026-04-01T00:00:00+09:00","status":"完了","sender":{"company_id":"C000001","dept":"資材部","user_id":"U000001","order_side":"受注側","group_tag":"2026上期","route":{"approvers":[{"user_id":"U000002"},{` +
	`"user_id":"U000003"}],"signer":{"user_id":"U000004"}}},"receiver":{"company_id":"C000002","dept":"経理部","user_id":"U000005","order_side":"発注側","group_tag":"PJ-0002","route":{"approvers":[{"user_id":"U000006"},{` +
	`"user_id":"U000007"}],"signer":{"user_id":"U000008"}}},"sent_at":"2026-04-01T00:00:00+09:00","storage_start":"2026-04-01T00:00:00+09:00","storage_end":"2036-04-01T00:00:00+09:00","created_at":"2026-04-01T00:00:00+09:00","updated_at":"2026-04-01T00:00:00+09:00","version":1}`
