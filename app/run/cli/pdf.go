package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"inkan/app/domain/certificate"
	"inkan/app/run/server"
	"inkan/app/trust/evidence"
	"inkan/app/trust/pades"
	"inkan/app/trust/pdf"
	"inkan/app/trust/pki"
	"inkan/data"
)

const pdfUsage = `usage:
  inkan pdf sign --cert DJC-nnnnn [--user U000001] IN.pdf OUT.pdf
                                                   sign (PAdES B-T) with that certificate's key (as that user: only when they may sign,
                                                   with their seal on the last page; the console's signature is invisible)
  inkan pdf timestamp IN.pdf OUT.pdf               add validation data and a document timestamp (B-LTA, or an archive extension)
  inkan pdf verify FILE.pdf                        list every signature and its PAdES level; exit 1 when any is invalid
  inkan pdf evidence FILE.pdf OUT.zip              write the offline evidence kit (certificates, CRLs, README, check.sh)
each also takes the settings of serve, --data first among them`

// errInvalid makes `inkan pdf verify` exit non-zero after printing its report.
var errInvalid = errors.New("the document has invalid signatures")

func pdfCommand(env Env, args []string) error {
	if len(args) == 0 {
		return errors.New(pdfUsage)
	}
	switch args[0] {
	case "sign":
		return pdfSign(env, args[1:])
	case "timestamp":
		return pdfTimestamp(env, args[1:])
	case "verify":
		return pdfVerify(env, args[1:])
	case "evidence":
		return pdfEvidence(env, args[1:])
	}
	return fmt.Errorf("unknown pdf command %q\n%s", args[0], pdfUsage)
}

// openInstalled builds the installation of an initialised data directory. The tools
// refuse an empty directory rather than making a CA nobody will use.
func openInstalled(env Env, name string, args []string, extra func(*flag.FlagSet)) (*server.Server, []string, error) {
	return buildWith(env, name, args, extra, requireStore)
}

// requireStore refuses a data directory with no store in it: the commands that work on
// an installation do not make an empty one.
func requireStore(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, data.FileName)); err != nil {
		return fmt.Errorf("no store in %s: run `inkan init --data %s` first", dir, dir)
	}
	return nil
}

// openStore opens the store of an initialised data directory.
func openStore(dir string) (*data.Store, error) {
	if err := requireStore(dir); err != nil {
		return nil, err
	}
	return data.Open(dir)
}

func pdfSign(env Env, args []string) error {
	var number, user string
	s, rest, err := openInstalled(env, "pdf sign", args, func(fs *flag.FlagSet) {
		fs.StringVar(&number, "cert", "", "電子証明書管理番号 of the signing certificate (DJC-nnnnn)")
		fs.StringVar(&user, "user", "", "sign as this 利用者ID, who must be linked to the certificate and past its validity check (default: the console)")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	if number == "" || len(rest) != 2 {
		return errors.New("usage: inkan pdf sign --cert DJC-nnnnn IN.pdf OUT.pdf")
	}
	in, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	req := certificate.SignRequest{Number: number, Console: true, Document: rest[0]}
	if user != "" {
		var u data.User
		err := s.Store.View(func(tx *data.Tx) (err error) { u, err = tx.UserForLogin(user); return err })
		if err != nil {
			return fmt.Errorf("user %s: %w", user, err)
		}
		req = certificate.SignRequest{Number: number, CompanyID: u.CompanyID, UserID: u.ID, Document: rest[0]}
	}
	inc, err := s.Certs.SignPDF(context.Background(), req, in)
	if err != nil {
		return err
	}
	out, err := appended(in, inc)
	if err != nil {
		return err
	}
	return writeFileAtomic(rest[1], out)
}

func pdfTimestamp(env Env, args []string) error {
	s, rest, err := openInstalled(env, "pdf timestamp", args, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(rest) != 2 {
		return errors.New("usage: inkan pdf timestamp IN.pdf OUT.pdf")
	}
	in, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	inc, err := s.Certs.TimestampPDF(context.Background(), rest[0], in, nil)
	if err != nil {
		return err
	}
	out, err := appended(in, inc)
	if err != nil {
		return err
	}
	return writeFileAtomic(rest[1], out)
}

// appended is the PDF in followed by an increment the certificate service made for
// it: increments extend the PDF from its %PDF- header, so bytes before it are left
// out.
func appended(in, inc []byte) ([]byte, error) {
	f, err := pdf.Open(in)
	if err != nil {
		return nil, fmt.Errorf("read the signed PDF again: %w", err)
	}
	return slices.Concat(f.Bytes(), inc), nil
}

func pdfVerify(env Env, args []string) error {
	s, rest, err := openInstalled(env, "pdf verify", args, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(rest) != 1 {
		return errors.New("usage: inkan pdf verify FILE.pdf")
	}
	doc, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	rep, err := s.Certs.VerifyPDF(rest[0], doc)
	if err != nil {
		return err
	}
	printReport(env, rep)
	if !rep.Valid() {
		return errInvalid
	}
	return nil
}

func pdfEvidence(env Env, args []string) error {
	s, rest, err := openInstalled(env, "pdf evidence", args, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if len(rest) != 2 {
		return errors.New("usage: inkan pdf evidence FILE.pdf OUT.zip")
	}
	doc, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	var kit bytes.Buffer
	if err := s.Certs.WriteEvidence(filepath.Base(rest[0]), doc, &kit); err != nil {
		return err
	}
	if err := writeFileAtomic(rest[1], kit.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: unzip it anywhere and run sh %s/check.sh (needs only pdfsig and openssl)\n", rest[1], evidence.Dir)
	return nil
}

// printReport writes one line per signature or document timestamp with each check it
// passed or failed and the PAdES level a signature reaches (what the next level lacks
// and its warnings indented below it), then until when the newest document timestamp
// keeps the file provable and the document's own findings.
func printReport(env Env, rep *pades.Report) {
	for i, sig := range rep.Signatures {
		verdict := "valid"
		switch {
		case !sig.Valid():
			verdict = "INVALID: " + strings.Join(sig.Problems, "; ")
		case !sig.Trusted:
			verdict = fmt.Sprintf("valid, but signed by a CA this installation does not trust (signer %q)", sig.Signer)
		}
		chain := ok(sig.ChainOK)
		if sig.Valid() && !sig.Trusted {
			chain = "untrusted"
		}
		coverage := ok(sig.ByteRangeOK)
		if sig.ByteRangeOK && sig.WholeFile {
			coverage += "(whole file)"
		}
		stamp := "none"
		if !sig.TimestampTime.IsZero() {
			stamp = sig.TimestampTime.UTC().Format(time.RFC3339) + "(" + ok(sig.TimestampOK) + ")"
		}
		later := "none"
		if len(sig.LaterChanges) > 0 {
			later = "allowed"
			if sig.ModifiedAfter {
				later = "MODIFIED"
			}
		}
		level := ""
		switch {
		case sig.Kind == pades.KindDocTimestamp && !sig.ProvableUntil.IsZero():
			level = " provable-until=" + sig.ProvableUntil.UTC().Format(time.RFC3339)
		case sig.Kind == pades.KindSignature:
			level = " level=" + cmp.Or(sig.Level, "none")
		}
		fmt.Fprintf(env.Stdout, "%d %s %s signer=%q chain=%s byterange=%s digest=%s signature=%s timestamp=%s later-changes=%s%s %s\n",
			i+1, sig.Kind, sig.Field, sig.Signer, chain, coverage, ok(sig.DigestOK), ok(sig.SignatureOK), stamp, later, level, verdict)
		for _, g := range sig.LevelGaps {
			fmt.Fprintln(env.Stdout, "  level:", g)
		}
		for _, w := range sig.Warnings {
			fmt.Fprintln(env.Stdout, "  warning:", w)
		}
	}
	if len(rep.Signatures) == 0 {
		fmt.Fprintln(env.Stdout, "no signatures")
	}
	if rep.Valid() && !rep.Trusted() {
		fmt.Fprintln(env.Stdout, "document valid, but not every signature or timestamp is under a CA this installation trusts")
	}
	if !rep.ProvableUntil.IsZero() {
		fmt.Fprintf(env.Stdout, "document provable until %s: the newest document timestamp's TSA chain ends then; add an archive timestamp (inkan pdf timestamp) before\n",
			rep.ProvableUntil.UTC().Format(time.RFC3339))
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(env.Stdout, "document INVALID:", p)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(env.Stdout, "document warning:", w)
	}
}

func ok(b bool) string {
	if b {
		return "ok"
	}
	return "FAILED"
}

const caUsage = `usage:
  inkan ca export-root > root.pem          print the root CA certificate (PEM)
  inkan ca issue --company C000001 --user U000001 [--org-ja … --org-en … --dept-ja … --dept-en … --title-ja … --title-en … --display-name …]
                                           issue a certificate linked to the user, print its number, queue the PIN mail
  inkan ca revoke [--reason R] DJC-nnnnn   revoke a certificate and publish the CRL
                                           (R: unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation)`

func caCommand(env Env, args []string) error {
	if len(args) == 0 {
		return errors.New(caUsage)
	}
	switch args[0] {
	case "export-root":
		s, _, err := openInstalled(env, "ca export-root", args[1:], nil)
		if err != nil {
			return err
		}
		defer s.Close()
		_, err = env.Stdout.Write(s.Certs.RootPEM())
		return err
	case "revoke":
		return caRevoke(env, args[1:])
	case "issue":
		return caIssue(env, args[1:])
	}
	return fmt.Errorf("unknown ca command %q\n%s", args[0], caUsage)
}

// revocationReasons are the CRL reason codes an operator can name (RFC 5280).
var revocationReasons = map[string]int{
	"unspecified":          pki.ReasonUnspecified,
	"keyCompromise":        pki.ReasonKeyCompromise,
	"affiliationChanged":   pki.ReasonAffiliationChanged,
	"superseded":           pki.ReasonSuperseded,
	"cessationOfOperation": pki.ReasonCessationOfOperation,
}

func caRevoke(env Env, args []string) error {
	var reason string
	s, rest, err := openInstalled(env, "ca revoke", args, func(fs *flag.FlagSet) {
		fs.StringVar(&reason, "reason", "unspecified", "CRL reason")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	code, ok := revocationReasons[reason]
	if len(rest) != 1 || !ok {
		return errors.New(caUsage)
	}
	err = s.Store.Update(func(tx *data.Tx) error { return s.Certs.Revoke(tx, rest[0], code, "operator:cli") })
	if err != nil {
		return fmt.Errorf("revoke %s: %w", rest[0], err)
	}
	fmt.Fprintln(env.Stdout, "revoked", rest[0])
	return nil
}

// caIssue is the console's 発行 for on-prem operators and scripts: the certificate is
// issued, linked to the user, and the PIN mail queued to them, exactly as the operator
// console issues an application. The Japanese company name defaults to the company's,
// the alphabet one to its 企業ID; 部署名 and 役職名 may be left out.
func caIssue(env Env, args []string) error {
	var companyID, display string
	var in certificate.ApplicationInput
	s, rest, err := openInstalled(env, "ca issue", args, func(fs *flag.FlagSet) {
		fs.StringVar(&companyID, "company", "", "企業ID of the company (C000001)")
		fs.StringVar(&in.UserID, "user", "", "利用者ID to link the certificate to (U000001)")
		fs.StringVar(&in.OrgJa, "org-ja", "", "企業名 in Japanese (default: the company's name)")
		fs.StringVar(&in.OrgEn, "org-en", "", "企業名 in the alphabet (default: the 企業ID)")
		fs.StringVar(&in.DeptJa, "dept-ja", "", "部署名 in Japanese")
		fs.StringVar(&in.DeptEn, "dept-en", "", "部署名 in the alphabet")
		fs.StringVar(&in.TitleJa, "title-ja", "", "役職名 in Japanese")
		fs.StringVar(&in.TitleEn, "title-en", "", "役職名 in the alphabet")
		fs.StringVar(&display, "display-name", "", "表示名 (default: 部署名 役職名, or the company's name)")
	})
	if err != nil {
		return err
	}
	defer s.Close()
	if companyID == "" || in.UserID == "" || len(rest) != 0 {
		return errors.New(caUsage)
	}
	var rec data.Certificate
	err = s.Store.Update(func(tx *data.Tx) error {
		c, err := tx.Company(companyID)
		if err != nil {
			return fmt.Errorf("company %s: %w", companyID, err)
		}
		if in.OrgJa == "" {
			in.OrgJa = c.Name
		}
		if in.OrgEn == "" {
			in.OrgEn = c.ID
		}
		rec, err = s.Certs.IssueNow(tx, companyID, in, display, "operator:cli")
		return err
	})
	if err != nil {
		return fmt.Errorf("issue a certificate: %w", err)
	}
	fmt.Fprintln(env.Stdout, rec.Number)
	return nil
}

// writeFileAtomic writes b beside path and renames it into place, so a failed run never
// leaves half a PDF under the name asked for.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".inkan-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
