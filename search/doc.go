// Package search is the index of contract documents that the document inquiry screens
// (契約文書照会, 長期保管文書照会 and the user-side lists) query: exact Japanese substring
// search on 契約文書名称, グループタグ and 取引先部署名, exact conditions, inclusive
// ranges open on either side, a sort by 文書管理番号 descending by default or by a
// column, and pages with the exact total. The index is disposable: it can be rebuilt
// from the store at any time, and is kept in step with it by durable marks (Engine).
//
// # Tenancy
//
// Every search names its company apart from the Query (Engine.Search(ctx, company, q)),
// and an empty company is an error. A company's entries live in indexes of its own or,
// for smaller companies, in a shared group index under a company term that every query
// there carries. A document has an entry per company that sees it: the sender's, and
// the receiver's once sent, each with that company's side (発信/受信), グループタグ,
// 受発注区分 and 担当者, its users who take part (data.Document.Participants: 担当者,
// approvers and signer, so that a user's own list is one term), and the other party's
// 部署名 and 企業ID.
//
// # Normalisation
//
// Normalize folds texts the same way on both sides, documents and queries: NFKC (so
// full-width and half-width letters, digits and katakana are one), lower case, and
// katakana to hiragana; surrounding spaces are dropped. A condition matches exactly when
// strings.Contains(Normalize(field), Normalize(text)), for a text of any length from
// one character — which is also the definition the brute-force oracle of the tests
// uses. Kanji, symbols (〇 △ α θ σ), the long vowel mark and inner spaces stay as they
// are. Normalize does not equate ー with -, nor old and new kanji forms.
//
// How: the title is indexed as the overlapping pairs of its characters plus the last
// character alone, and whole; a one-character text is a prefix of some pair, two
// characters a pair, and more the entries holding all their pairs whose whole title
// contains the text (checked against the segments' title columns, columns.go).
// グループタグ and 取引先部署名 repeat across documents, so they are indexed whole only,
// and a query takes the company's values in the term dictionary that contain the text
// (see substringQuery).
//
// # Dates and numbers
//
// Dates are calendar dates in Japan time (the JST date of the stored time), indexed as
// a keyword term "YYYYMMDD"; amounts are integer yen, one term each. Ranges are not
// searched as terms but checked: each segment's values of a date or the amount are
// read once from its terms into a column by document number, and a range keeps the
// hits of the other conditions whose value lies in it (columns.go). Ranges include
// both bounds. Values that are missing never match a range and sort last in either
// direction; ties sort by 文書管理番号 descending.
//
// # Order and pages
//
// The engine collects a page itself (collect.go): it reads each hit's key where the
// segment holds it and its sorted column from the segment's text columns, and keeps
// only the page's worth. A company with indexes of its own answers its empty form
// from lists of its IDs kept in memory (idlist.go).
package search
