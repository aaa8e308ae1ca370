package contract_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"math/big"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"inkan/app/domain/contract"
	"inkan/app/testkit/pdftest"
	"inkan/app/trust/pki"
	"inkan/app/trust/tsa"
	"inkan/data"
)

// BenchmarkDocumentLife1MB is the whole life of a 1 MB document through the flow:
// register and 申請, 承認, the sender's 署名, 受領, 受領前承認, the receiver's 署名 and
// 完了 (B-LTA), each step in its transactions with its file written and fsynced, on
// the disk of the test's temporary directory. The life commits eight transactions and
// writes four files, about sixteen fsyncs: on a disk that takes a millisecond or more
// for one, most of this figure is the disk's.
func BenchmarkDocumentLife1MB(b *testing.B) {
	benchmarkLife(b, b.TempDir(), 1<<20)
}

// BenchmarkDocumentLife1MBInMemory is the same life with the store in memory (tmpfs,
// where an fsync costs nothing): the work of the service itself, to compare with
// BenchmarkDocumentCryptoFloor1MB.
func BenchmarkDocumentLife1MBInMemory(b *testing.B) {
	benchmarkLife(b, memoryDir(b), 1<<20)
}

// BenchmarkDocumentLife20MB is the life of a 20 MB document, reporting how far the
// process's peak resident memory rose above what it held before (peak-RSS-growth-MB):
// the document and its revisions are read and signed without extra copies of it.
func BenchmarkDocumentLife20MB(b *testing.B) {
	benchmarkLife(b, b.TempDir(), 20<<20)
}

func benchmarkLife(b *testing.B, dir string, size int) {
	w := newWorldIn(b, dir, pdftest.Big(size))
	b.SetBytes(int64(size))
	base := settledRSS(b)
	var peak int64
	for b.Loop() {
		resetPeakRSS(b)
		d := w.register(b)
		w.live(b, d)
		peak = max(peak, procStatus(b, "VmHWM"))
	}
	b.ReportMetric(float64(peak-base)/(1<<20), "peak-RSS-growth-MB")
}

// BenchmarkDraftSaveDuringSignature20MB is another user's 下書き保存 while a 20 MB
// document is being signed: the save starts when the signature's read transaction has
// ended and must finish before the signature does (no transaction is open during the
// cryptography). It reports the save's time (save-ms) and the signature's (sign-ms).
func BenchmarkDraftSaveDuringSignature20MB(b *testing.B) {
	w := newWorld(b, pdftest.Big(20<<20))
	draft := w.draft(b) // another document, a 下書き the sender's registrant edits
	var saveTime, signTime time.Duration
	for b.Loop() {
		d := w.register(b)
		d = w.update(b, func(tx *data.Tx) (data.Document, error) {
			return w.svc.Approve(tx, w.as(sApprover), d.ID, d.Version, "")
		})
		password := w.password(b, sSigner)
		saved := make(chan time.Time, 1)
		contract.OnSigning(w.svc, func() {
			go func() {
				err := w.store.Update(func(tx *data.Tx) error {
					cur, err := tx.Tenant(w.as(sRegistrant).CompanyID).Document(draft.ID)
					if err != nil {
						return err
					}
					in := w.input()
					in.Title = "工事請負契約書（改）"
					_, err = w.svc.SaveDraft(tx, w.as(sRegistrant), draft.ID, cur.Version, in, nil)
					return err
				})
				if err != nil {
					b.Error(err)
				}
				saved <- time.Now()
			}()
		})
		start := time.Now()
		if _, err := w.svc.Sign(context.Background(), w.as(sSigner), d.ID, d.Version, password); err != nil {
			b.Fatal(err)
		}
		signed := time.Now()
		contract.OnSigning(w.svc, nil)
		at := <-saved
		if at.After(signed) {
			b.Fatalf("the 下書き保存 finished %v after the signature: it waited for it", at.Sub(signed))
		}
		saveTime += at.Sub(start)
		signTime += signed.Sub(start)
	}
	b.ReportMetric(float64(saveTime.Milliseconds())/float64(b.N), "save-ms")
	b.ReportMetric(float64(signTime.Milliseconds())/float64(b.N), "sign-ms")
}

// BenchmarkDocumentCryptoFloor1MB is the cryptography of that life alone, with the
// same key types: for each of the two signatures SHA-256 over the file, one ECDSA
// P-256 signature and one timestamp; for B-LTA the two fresh CRLs (P-384), SHA-256
// over the file and the document timestamp.
func BenchmarkDocumentCryptoFloor1MB(b *testing.B) {
	master, err := pki.NewMasterKey()
	if err != nil {
		b.Fatal(err)
	}
	ca, err := pki.NewAuthority(master, pki.Config{Organization: "Inkan Bench", BaseURL: "https://keiyaku.example.jp"})
	if err != nil {
		b.Fatal(err)
	}
	ta, err := tsa.New(tsa.Config{Certificate: ca.TSACertificate(), Signer: ca.TSASigner(), Chain: []*x509.Certificate{ca.Root()}})
	if err != nil {
		b.Fatal(err)
	}
	ic, _, err := ca.Issue(pki.IssueRequest{Number: "DJC-00001", Subject: pki.Subject{DisplayName: "Bench", Company: "Bench KK", CompanyJa: "ベンチ"}})
	if err != nil {
		b.Fatal(err)
	}
	key, _, err := ca.OpenKey(ic)
	if err != nil {
		b.Fatal(err)
	}
	doc := pdftest.Big(1 << 20)
	b.SetBytes(1 << 20)
	n := int64(0)
	for b.Loop() {
		for range 2 {
			digest := sha256.Sum256(doc)
			sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
			if err != nil {
				b.Fatal(err)
			}
			sigDigest := sha256.Sum256(sig)
			if _, err := ta.StampDigest(crypto.SHA256, sigDigest[:]); err != nil {
				b.Fatal(err)
			}
		}
		now := time.Now()
		n++
		if _, err := ca.CRL(nil, big.NewInt(n), now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		if _, err := ca.RootCRL(nil, big.NewInt(n), now, now.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
		digest := sha256.Sum256(doc)
		if _, err := ta.StampDigest(crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// memoryDir is a directory on tmpfs for a store, or a skip where there is none.
func memoryDir(b *testing.B) string {
	dir, err := os.MkdirTemp("/dev/shm", "inkan-bench-")
	if err != nil {
		b.Skipf("no tmpfs at /dev/shm: %v", err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// settledRSS is the process's resident memory after a garbage collection has
// returned what it can to the system, in bytes.
func settledRSS(b *testing.B) int64 {
	runtime.GC()
	debug.FreeOSMemory()
	return procStatus(b, "VmRSS")
}

// resetPeakRSS starts a new peak (VmHWM) from the current resident memory.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Skipf("cannot reset the peak resident memory: %v", err)
	}
}

// procStatus reads one of the memory lines of /proc/self/status, in bytes.
func procStatus(b *testing.B, key string) int64 {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.Lines(string(s)) {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				b.Fatalf("%s: %v", key, err)
			}
			return kb << 10
		}
	}
	b.Fatalf("no %s in /proc/self/status", key)
	return 0
}

// draft registers a document and leaves it 下書き.
func (w *world) draft(b *testing.B) data.Document {
	ref, err := w.svc.PutPDF("見積書.pdf", pdftest.Big(64<<10))
	if err != nil {
		b.Fatal(err)
	}
	return w.update(b, func(tx *data.Tx) (data.Document, error) { return w.svc.Register(tx, w.as(sRegistrant), w.input(), ref) })
}
