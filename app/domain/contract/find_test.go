package contract_test

import (
	"maps"
	"testing"
	"time"

	"inkan/app/domain/account"
	"inkan/app/domain/contract"
	"inkan/app/domain/form"
	"inkan/data"
	"inkan/search"
)

func TestOrderSidesAsEachPartySeesThem(t *testing.T) {
	doc := func(sender, receiver string) data.Document {
		return data.Document{Sender: data.Party{CompanyID: "C1", OrderSide: sender}, Receiver: data.Party{CompanyID: "C2", OrderSide: receiver}}
	}
	tests := []struct {
		name         string
		d            data.Document
		company      string
		own, partner string
	}{
		{"the sender orders: the receiver takes the order", doc(data.OrderSideBuyer, ""), "C1", data.OrderSideBuyer, data.OrderSideSeller},
		{"the receiver sees the sender's side as its partner's", doc(data.OrderSideBuyer, ""), "C2", data.OrderSideSeller, data.OrderSideBuyer},
		{"the sender takes the order", doc(data.OrderSideSeller, ""), "C2", data.OrderSideBuyer, data.OrderSideSeller},
		{"none entered", doc("", ""), "C1", "", ""},
	}
	for _, tt := range tests {
		if own, partner := contract.OrderSides(tt.d, tt.company); own != tt.own || partner != tt.partner {
			t.Errorf("%s: %q %q, want %q %q", tt.name, own, partner, tt.own, tt.partner)
		}
	}
}

func TestFilterNormalizesAndRefusesOverLongConditions(t *testing.T) {
	f := contract.Filter{Number: " 12 ", Partner: "ｃ０００００２", Status: "bogus", Title: " 工事 "}.Normalize()
	if f.Number != "12" || f.Partner != "C000002" || f.Status != "" || f.Title != "工事" {
		t.Errorf("normalized %+v", f)
	}
	if v := f.Values().Encode(); v != "number=12&partner=C000002&title=%E5%B7%A5%E4%BA%8B" {
		t.Errorf("values %q", v)
	}
	long := contract.Filter{GroupTag: string(make([]rune, contract.MaxText+1))}
	if errs := long.Validate(); errs[contract.SearchGroupTag] != "error.too_long" || len(errs) != 1 {
		t.Errorf("over-long グループタグ: %v", errs)
	}
	if errs := (contract.Filter{Status: contract.StatusDone}).Validate(); len(errs) != 0 {
		t.Errorf("a status refused: %v", errs)
	}
}

// The records law's conditions: dates as input type=date sends them, amounts as users
// type yen; anything else is refused beside its field, and a sort column that is none
// of the lists' is dropped.
func TestFilterReadsRangesAndSort(t *testing.T) {
	tests := []struct {
		name string
		f    contract.Filter
		errs form.Errors
	}{
		{"dates and amounts", contract.Filter{ContractFrom: "2025-04-01", ContractTo: "2025-12-31", AmountMin: "１，０００", AmountMax: "5,000,000円", StorageFrom: "2025-01-01"}, form.Errors{}},
		{"no date", contract.Filter{ContractFrom: "2025/04/01", StorageTo: "昨日"}, form.Errors{contract.SearchContractFrom: "error.date", contract.SearchStorageTo: "error.date"}},
		{"no amount", contract.Filter{AmountMin: "-1", AmountMax: "12,34"}, form.Errors{contract.SearchAmountMin: "contract.error_amount", contract.SearchAmountMax: "contract.error_amount"}},
		{"the period of a 自社担当者's name", contract.Filter{Owner: "U000001", OwnerFrom: "2019-04-01", OwnerTo: "2023-03-31"}, form.Errors{}},
		{"no date in the period", contract.Filter{Owner: "U000001", OwnerFrom: "2019/04/01", OwnerTo: "x"}, form.Errors{contract.SearchOwnerFrom: "error.date", contract.SearchOwnerTo: "error.date"}},
		{"a period without 自社担当者 is dropped", contract.Filter{OwnerFrom: "x"}, form.Errors{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if errs := tc.f.Normalize().Validate(); !maps.Equal(errs, tc.errs) {
				t.Errorf("Validate = %v, want %v", errs, tc.errs)
			}
		})
	}
	f := contract.Filter{Owner: "ｕ０００００１", Sort: search.Sort{Column: search.ByStorageStart, Ascending: true}}.Normalize()
	if v := f.Values().Encode(); v != "order=asc&owner=U000001&sort=storage_start" {
		t.Errorf("values %q", v)
	}
	// The period round-trips through the URL, and goes with the ID.
	f = contract.Filter{Owner: "U000001", OwnerFrom: " 2019-04-01", OwnerTo: "2023-03-31 "}.Normalize()
	if v := f.Values().Encode(); v != "owner=U000001&owner_from=2019-04-01&owner_to=2023-03-31" {
		t.Errorf("values %q", v)
	}
	if f := (contract.Filter{OwnerFrom: "2019-04-01", OwnerTo: "2023-03-31"}).Normalize(); f.OwnerFrom != "" || f.OwnerTo != "" {
		t.Errorf("a period without 自社担当者 kept: %+v", f)
	}
	if f := (contract.Filter{Sort: search.Sort{Column: "password"}}).Normalize(); f.Sort.Column != search.ByNumber || f.Sort.Ascending {
		t.Errorf("an unknown sort column kept: %+v", f.Sort)
	}
}

// TestOwnerPeriod: a name's period as the search's dates (JST), open before the first
// name and after the current one.
func TestOwnerPeriod(t *testing.T) {
	created := time.Date(2019, 3, 31, 16, 0, 0, 0, time.UTC) // 2019-04-01 in Japan
	change := time.Date(2023, 3, 31, 14, 59, 0, 0, time.UTC) // 2023-03-31 23:59 JST
	renamed := data.User{ID: "U000025", Name: "田中 次郎", CreatedAt: created, FormerNames: []data.FormerName{{Name: "鈴木 一郎", Until: change}}}
	periods := account.NamePeriods(renamed)
	tests := []struct {
		name     string
		p        account.NamePeriod
		from, to string
	}{
		{"the first name: open at the start", periods[0], "", "2023-03-31"},
		{"the current name: open at the end", periods[1], "2023-03-31", ""},
		{"never renamed: no period", account.NamePeriods(data.User{ID: "U1", Name: "山田", CreatedAt: created})[0], "", ""},
	}
	for _, tc := range tests {
		if from, to := contract.OwnerPeriod(tc.p); from != tc.from || to != tc.to {
			t.Errorf("%s: %q～%q, want %q～%q", tc.name, from, to, tc.from, tc.to)
		}
	}
}
