package search

import (
	"strconv"
	"time"

	"inkan/app/locale/jst"
	"inkan/data"
)

// The party side of a document, as one company sees it.
const (
	Sent     = "sent"     // 発信: the company registered the document
	Received = "received" // 受信: the document was sent to the company
)

// Entry is what the index holds of one document as one company sees it: a document
// has an entry for its sender and, once sent, one for its receiver.
type Entry struct {
	Company      string // the tenant whose view this is
	ID           string // 文書管理番号
	Side         string // Sent or Received
	Title        string // 契約文書名称
	GroupTag     string // the company's own グループタグ
	Dept         string // 取引先部署名: the other party's department
	Counterparty string // 取引先企業ID
	Status       string
	OrderSide    string // the company's 受発注区分
	UserID       string // 自社担当者ID
	// Participants are the company's users who take part in the document (its
	// 担当者, approvers and signer: data.Document.Participants), for the lists of one
	// user's documents.
	Participants []string
	Amount       *int64 // 契約金額 (yen)
	ContractDate time.Time
	StorageStart time.Time // 保管開始日
	StorageEnd   time.Time // 保管期限
	Updated      time.Time // 最終更新日
	// Assigned is when the 自社担当者 took the document: its registration for the
	// sender, its arrival for the receiver. A user ID passed from one person to another
	// is told apart by it (a name's period, see Query.Assigned).
	Assigned time.Time
	// Turn is the company's user whose turn the document is (マイリスト), "" when
	// it is nobody's in this company.
	Turn     string
	LongTerm bool

	// normTitle is Normalize(normFrom), made once by Entries for the parties' entries:
	// normalising is a good part of the cost of indexing one.
	normTitle, normFrom string
}

// TurnFunc says whose turn a document is: the workflow's rule (contract.TurnOf),
// which the index holds but does not own. ok is false when nobody acts.
type TurnFunc func(d data.Document) (companyID, userID string, ok bool)

// Entries projects a document onto the entries of the companies that see it; turn
// (nil: no turns) says whose turn it is.
func Entries(d data.Document, turn TurnFunc) []Entry {
	out := make([]Entry, 0, 2)
	var turnCompany, turnUser string
	if turn != nil {
		if c, u, ok := turn(d); ok {
			turnCompany, turnUser = c, u
		}
	}
	title := Normalize(d.Title)
	for _, c := range d.Parties() {
		self, other, side := d.Sender, d.Receiver, Sent
		if c != d.Sender.CompanyID {
			self, other, side = d.Receiver, d.Sender, Received
		}
		out = append(out, Entry{
			Company: c, ID: d.ID, Side: side,
			Title: d.Title, GroupTag: self.GroupTag, Dept: other.Dept,
			Counterparty: other.CompanyID, Status: d.Status, OrderSide: self.OrderSide, UserID: self.UserID,
			Participants: d.Participants(c), Amount: d.Amount, ContractDate: d.ContractDate,
			StorageStart: d.StorageStart, StorageEnd: d.StorageEnd, Updated: d.UpdatedAt, Assigned: d.TakenAt(c),
			LongTerm: d.LongTerm(), normTitle: title, normFrom: d.Title,
		})
		if c == turnCompany {
			out[len(out)-1].Turn = turnUser
		}
	}
	return out
}

// day is the calendar date of t in Japan time as a day number (days since 1970-01-01),
// the form in which the index holds dates; ok is false for the zero time (no date).
func day(t time.Time) (n int64, ok bool) {
	if t.IsZero() {
		return 0, false
	}
	y, m, d := jst.In(t).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400, true
}

// dayTerm is the calendar date of t in Japan time as the index holds it: one keyword
// term "YYYYMMDD", which sorts and compares as the dates do. One term per date instead
// of a numeric field's sixteen keeps bulk indexing cheap; a date range is a term range
// over the few thousand distinct days. ok is false for the zero time (no date).
func dayTerm(t time.Time) (term string, ok bool) {
	if t.IsZero() {
		return "", false
	}
	y, m, d := jst.In(t).Date()
	if y < 1000 || y > 9999 {
		return jst.Day(t), true
	}
	// The digits of y·10⁴ + m·10² + d, without Format's layout parsing: dates are
	// most of an entry's terms.
	return strconv.Itoa(y*10000 + int(m)*100 + d), true
}
