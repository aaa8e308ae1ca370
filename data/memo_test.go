package data

import (
	"encoding/json"
	"testing"
	"time"
)

func TestMemoDecodesOnlyWhatItWasGiven(t *testing.T) {
	m := newMemo(1000, User.clone)
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	enc := func(u User) []byte {
		raw, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	first := enc(User{ID: "U000001", Name: "山田", LastLoginAt: &at, FormerNames: []FormerName{{Name: "鈴木", Until: at}}})
	changed := enc(User{ID: "U000001", Name: "山田", Status: "suspended", LastLoginAt: &at})

	u, err := m.decode(bucketUsers, []byte("U000001"), first)
	if err != nil || u.Name != "山田" || u.Status != "" {
		t.Fatalf("first decode: %+v %v", u, err)
	}
	// A caller's change to its copy never reaches the memo.
	*u.LastLoginAt = at.Add(time.Hour)
	u.Name, u.FormerNames[0].Name = "書き換え", "書き換え"
	again, _ := m.decode(bucketUsers, []byte("U000001"), first)
	if again.Name != "山田" || !again.LastLoginAt.Equal(at) || again.FormerNames[0].Name != "鈴木" {
		t.Errorf("the memo kept a caller's change: %+v", again)
	}
	// Other bytes under the same key are decoded anew: a status changed in the store
	// shows at once.
	if u, _ := m.decode(bucketUsers, []byte("U000001"), changed); u.Status != "suspended" {
		t.Errorf("changed record answered from the memo: %+v", u)
	}
	// Bad bytes are an error, whatever the memo holds.
	if _, err := m.decode(bucketUsers, []byte("U000001"), []byte("{")); err == nil {
		t.Error("broken JSON decoded")
	}
	// Past the limit the memo starts empty instead of growing.
	for _, id := range []string{"U000002", "U000003", "U000004"} {
		if _, err := m.decode(bucketUsers, []byte(id), enc(User{ID: id})); err != nil {
			t.Fatal(err)
		}
	}
	if m.size > m.limit || len(m.entries) > 3 {
		t.Errorf("memo holds %d entries, %d bytes, over its limit %d", len(m.entries), m.size, m.limit)
	}
}

func TestMemoCertificatesShareNoBytes(t *testing.T) {
	m := newMemo(1<<20, Certificate.clone)
	raw, err := json.Marshal(Certificate{Number: "DJC-00001", DER: []byte{1, 2}, Subject: json.RawMessage(`{"cn":"a"}`),
		Key: json.RawMessage(`"k"`), Links: []CertificateLink{{UserID: "U000001"}}})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := m.decode(bucketCertificates, []byte("DJC-00001"), raw)
	c.DER[0], c.Subject[2], c.Key[1], c.Links[0].UserID = 9, 'X', 'X', "U999999"
	again, _ := m.decode(bucketCertificates, []byte("DJC-00001"), raw)
	if again.DER[0] != 1 || string(again.Subject) != `{"cn":"a"}` || string(again.Key) != `"k"` || again.Links[0].UserID != "U000001" {
		t.Errorf("a caller's change reached the memo: %+v", again)
	}
}

// Documents come from the memo as copies of their own: a caller changing its route,
// amount or history changes nothing another reader gets.
func TestMemoDocumentsShareNothing(t *testing.T) {
	m := newDocumentMemo()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	amount := int64(1000)
	d := Document{V: documentVersion, ID: "0000000001", Title: "工事請負契約書", Amount: &amount, SentAt: &at,
		Sender:  Party{CompanyID: "C000001", Route: &Route{Approvers: []Step{{UserID: "U000001", DoneAt: &at}}, Signer: Step{UserID: "U000002"}}},
		History: []HistoryEvent{{At: at, Action: "登録"}}}
	raw, err := encodeDocument(&d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.decode(bucketDocuments, []byte(d.ID), raw)
	if err != nil {
		t.Fatal(err)
	}
	*got.Amount, *got.SentAt = 1, at.Add(time.Hour)
	got.Sender.Route.Approvers[0].UserID, *got.Sender.Route.Approvers[0].DoneAt = "U999999", at.Add(time.Hour)
	got.History[0].Action = "書き換え"
	again, _ := m.decode(bucketDocuments, []byte(d.ID), raw)
	if *again.Amount != 1000 || !again.SentAt.Equal(at) || again.Sender.Route.Approvers[0].UserID != "U000001" ||
		!again.Sender.Route.Approvers[0].DoneAt.Equal(at) || again.History[0].Action != "登録" {
		t.Errorf("the memo kept a caller's change: %+v", again)
	}
}
