package pki

import (
	"errors"
	"fmt"
	"testing"
)

func TestSecretBoxOpensOnlyItsOwnSeal(t *testing.T) {
	master, _ := NewMasterKey()
	other, _ := NewMasterKey()
	box, err := NewSecretBox(master, "mail secret")
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal([]byte("1234-5678-9012"), "<id@host>")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := box.Open(sealed, "<id@host>"); err != nil || string(got) != "1234-5678-9012" {
		t.Fatalf("open: %q %v", got, err)
	}
	otherPurpose, _ := NewSecretBox(master, "signing password")
	otherMaster, _ := NewSecretBox(other, "mail secret")
	tampered := append([]byte(nil), sealed...)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name   string
		box    SecretBox
		sealed []byte
		label  string
	}{
		{"another label", box, sealed, "<other@host>"},
		{"another purpose", otherPurpose, sealed, "<id@host>"},
		{"another master key", otherMaster, sealed, "<id@host>"},
		{"tampered", box, tampered, "<id@host>"},
		{"truncated", box, sealed[:5], "<id@host>"},
	}
	for _, tt := range tests {
		if _, err := tt.box.Open(tt.sealed, tt.label); !errors.Is(err, ErrUnseal) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if s := fmt.Sprintf("%v %#v", box, box); s != "pki.SecretBox("+master.ID()+") pki.SecretBox("+master.ID()+")" {
		t.Errorf("printed as %s", s)
	}
	if _, err := NewSecretBox(MasterKey{}, "x"); err == nil {
		t.Error("a box from the zero key")
	}
}
