package pdf_test

import (
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"inkan/app/trust/pdf"
)

// The flow the PAdES layer follows: prepare an increment, hash its byte
// range, build the signature value from the digest, embed it.
func ExampleFile_PrepareSignature() {
	in, err := os.ReadFile("../../../testdata/pdf/qpdf-objstm.pdf")
	if err != nil {
		log.Fatal(err)
	}
	f, err := pdf.Open(in)
	if err != nil {
		log.Fatal(err)
	}
	p, err := f.PrepareSignature(pdf.SignatureOptions{
		Time:   time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC),
		Reason: "Contract agreed",
	})
	if err != nil {
		log.Fatal(err)
	}
	h := sha256.New()
	h.Write(f.Bytes())
	if _, err := p.WriteIncrementSignedTo(h); err != nil {
		log.Fatal(err)
	}
	// A real caller builds a CMS SignedData over h.Sum(nil) here.
	der, _ := asn1.Marshal(h.Sum(nil))
	inc, err := p.EmbedIncrement(der)
	if err != nil {
		log.Fatal(err)
	}

	signed, err := pdf.Open(slices.Concat(f.Bytes(), inc))
	if err != nil {
		log.Fatal(err)
	}
	sigs, _ := signed.Signatures()
	for _, s := range sigs {
		fmt.Println(s.Field, s.SubFilter, s.Reason, signed.CheckByteRange(s) == nil, signed.CoversWholeFile(s))
	}
	fmt.Println(len(signed.Revisions()), "revisions")
	// Output:
	// Signature1 ETSI.CAdES.detached Contract agreed true true
	// 2 revisions
}
