package delivery

import (
	"errors"
	"fmt"
	"net/textproto"
	"testing"
)

func TestOnlyAnswersAboutTheMailAreRefusals(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		refusal bool
	}{
		{"unknown recipient", &textproto.Error{Code: 550, Msg: "5.1.1 no such user"}, true},
		{"content rejected", &textproto.Error{Code: 554, Msg: "5.6.0 message malformed"}, true},
		{"no enhanced code", &textproto.Error{Code: 553, Msg: "mailbox name not allowed"}, true},
		{"relaying denied", &textproto.Error{Code: 550, Msg: "5.7.1 relaying denied"}, false},
		{"authentication required", &textproto.Error{Code: 530, Msg: "authentication required"}, false},
		{"mailbox busy", &textproto.Error{Code: 450, Msg: "4.2.1 try later"}, false},
		{"connection lost", errors.New("EOF"), false},
	}
	for _, tt := range tests {
		err := refused(fmt.Errorf("RCPT TO:<a@example.jp>: %w", tt.err))
		if isRefusal(err) != tt.refusal {
			t.Errorf("%s: refusal %v, want %v", tt.name, isRefusal(err), tt.refusal)
		}
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: the answer is lost: %v", tt.name, err)
		}
	}
}
