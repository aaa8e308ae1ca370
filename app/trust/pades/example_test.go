package pades_test

import (
	"crypto/x509"
	"fmt"
	"log"
	"os"
	"time"

	"inkan/app/trust/pades"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
)

// The contract flow: the sender signs, the receiver countersigns, the file
// is made B-LTA, and anyone can verify it against our root.
func Example() {
	master, err := pki.NewMasterKey()
	if err != nil {
		log.Fatal(err)
	}
	ca, err := pki.NewAuthority(master, pki.Config{Organization: "Example", BaseURL: "http://inkan.example.jp"})
	if err != nil {
		log.Fatal(err)
	}
	ta, err := tsa.New(tsa.Config{Certificate: ca.TSACertificate(), Signer: ca.TSASigner(), Chain: []*x509.Certificate{ca.Root()}})
	if err != nil {
		log.Fatal(err)
	}
	signer := func(number, name, company string) pades.Signer {
		ic, _, err := ca.Issue(pki.IssueRequest{Number: number, Subject: pki.Subject{DisplayName: name, Company: company}})
		if err != nil {
			log.Fatal(err)
		}
		key, cert, err := ca.OpenKey(ic)
		if err != nil {
			log.Fatal(err)
		}
		return pades.Signer{Key: key, Certificate: cert, Chain: ca.Chain()}
	}

	doc, err := os.ReadFile("../../../testdata/pdf/qpdf-objstm.pdf")
	if err != nil {
		log.Fatal(err)
	}
	doc, err = pades.Sign(doc, signer("DJC-00001", "Yamada Taro", "Sender KK"), ta, pades.SignOptions{Reason: "契約締結"})
	if err != nil {
		log.Fatal(err)
	}
	doc, err = pades.Sign(doc, signer("DJC-00002", "Suzuki Hanako", "Receiver KK"), ta, pades.SignOptions{Reason: "契約締結"})
	if err != nil {
		log.Fatal(err)
	}
	now := time.Now()
	crl, err := ca.CRL(nil, bigOne(), now, now.Add(24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	rootCRL, err := ca.RootCRL(nil, bigOne(), now, now.Add(24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	doc, err = pades.Timestamp(doc, ta, pades.Validation{Certificates: ca.Chain(), CRLs: [][]byte{crl, rootCRL}}, now)
	if err != nil {
		log.Fatal(err)
	}

	rep, err := pades.Verify(doc, pades.VerifyOptions{Roots: ca.Roots()})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range rep.Signatures {
		fmt.Println(s.Kind, s.Field, s.Signer, s.Valid())
	}
	fmt.Println("valid:", rep.Valid())
	// Output:
	// signature Signature1 Yamada Taro (Sender KK) true
	// signature Signature2 Suzuki Hanako (Receiver KK) true
	// document-timestamp Timestamp1 Example Timestamp Authority (Example) true
	// valid: true
}
