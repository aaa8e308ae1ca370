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
// (read from doc values) contains the text. グループタグ and 取引先部署名 repeat across
// documents, so they are indexed whole only, and a query takes the values in the term
// dictionary that contain the text (see substringQuery).
//
// # Dates and numbers
//
// Dates are calendar dates in Japan time (the JST date of the stored time), indexed as
// a keyword term "YYYYMMDD" and a companion term of its month "YYYYMM"; a range is
// searched as its whole months plus the days at its ends, so that a range of years reads
// a few dozen terms. Amounts are integer yen, indexed exactly as a keyword term and the
// term of a bucket of amounts sharing their first two digits, and searched the same way:
// whole buckets plus the exact amounts at the range's ends (see amount.go).
// Ranges include both bounds. Values that are missing never match a range and sort
// last in either direction; ties sort by 文書管理番号 descending.
package search
