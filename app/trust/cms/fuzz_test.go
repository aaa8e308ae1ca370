package cms_test

import (
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"testing"

	"inkan/app/testkit/certtest"
	"inkan/app/trust/cms"
)

// FuzzParse feeds arbitrary bytes to the parser, which reads /Contents of
// PDFs from anywhere: it must fail cleanly, never panic, and whatever it
// accepts must survive a verification attempt without panicking.
func FuzzParse(f *testing.F) {
	p := newTestPKI(f, certtest.ECKey(f, elliptic.P256()))
	digest := sha256.Sum256([]byte("seed"))
	der, err := cms.Sign(digest[:], p.leafKey, p.leaf, []*x509.Certificate{p.inter})
	if err != nil {
		f.Fatal(err)
	}
	enc, err := cms.SignEncapsulated(cms.TSTInfoContentType(), []byte{0x30, 0}, p.leafKey, p.leaf, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(der)
	f.Add(enc)
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		sd, err := cms.Parse(in)
		if err != nil {
			return
		}
		_, _ = sd.Verify(digest[:], cms.VerifyOptions{Roots: p.roots})
		_, _ = cms.AddTimestamp(in, in)
	})
}
