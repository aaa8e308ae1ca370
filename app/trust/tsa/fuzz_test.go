package tsa_test

import (
	"crypto"
	"crypto/sha256"
	"testing"

	"inkan/app/trust/tsa"
)

// FuzzRespond feeds arbitrary request bodies to the TSA, which takes them
// from the network: every input must yield a well-formed reply that our
// own client parses, and no panic.
func FuzzRespond(f *testing.F) {
	tt := newTestTSA(f, true)
	a, err := tsa.New(tsa.Config{Certificate: tt.cert, Signer: tt.key})
	if err != nil {
		f.Fatal(err)
	}
	digest := sha256.Sum256([]byte("seed"))
	good, _ := (&tsa.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], CertReq: true}).Marshal()
	f.Add(good)
	f.Add(requestWithExtension(f, digest[:]))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	f.Fuzz(func(t *testing.T, in []byte) {
		resp, err := a.Respond(in)
		if resp == nil {
			t.Fatalf("no reply for %x: %v", in, err)
		}
		token, perr := tsa.ParseResponse(resp)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Respond error %v but reply parses as %v", err, perr)
		}
		if err == nil {
			if _, err := tsa.ParseToken(token); err != nil {
				t.Fatalf("granted token does not parse: %v", err)
			}
		}
	})
}
