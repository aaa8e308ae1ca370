package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

var (
	bucketApplications          = []byte("cert_applications")
	bucketApplicationsByCompany = []byte("cert_applications_by_company")
)

// seqApplication numbers the certificate applications; the number is internal (the
// manual shows none), printed as eight digits so that the keys sort.
const seqApplication Sequence = "cert_application"

// Application states (受付, 発行済, 却下).
const (
	ApplicationReceived = "received"
	ApplicationIssued   = "issued"
	ApplicationRejected = "rejected"
)

// FileRef names a file kept beside the store (Files): its SHA-256 in hex, the name it
// was uploaded under and its size.
type FileRef struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	Size   int64  `json:"size"`
}

// Applicant is the 申請担当者 of an application.
type Applicant struct {
	Name  string `json:"name"`
	Kana  string `json:"kana"`
	Dept  string `json:"dept,omitempty"`
	Title string `json:"title,omitempty"`
	Tel   string `json:"tel"`
	Email string `json:"email"`
}

// CertApplication is a 電子証明書追加発行申請: what the company asked for, and the
// operator's decision.
type CertApplication struct {
	V         int    `json:"v"`
	ID        string `json:"id"`
	CompanyID string `json:"company_id"`
	State     string `json:"state"`
	// The 電子証明書情報, each in Japanese and in the alphabet.
	OrgJa   string `json:"org_ja"`
	OrgEn   string `json:"org_en"`
	DeptJa  string `json:"dept_ja"`
	DeptEn  string `json:"dept_en"`
	TitleJa string `json:"title_ja"`
	TitleEn string `json:"title_en"`
	// Seal is the 印鑑証明書 (a PDF kept in Files); empty for an application the operator
	// made (企業登録, the CLI).
	Seal FileRef `json:"seal,omitzero"`
	// UserID is the 利用者ID the certificate is linked to at issue.
	UserID    string    `json:"user_id"`
	PINName   string    `json:"pin_name"`
	PINEmail  string    `json:"pin_email"`
	Applicant Applicant `json:"applicant"`
	// ReuseOf is the certificate whose application pre-filled this one (活用).
	ReuseOf   string    `json:"reuse_of,omitempty"`
	AppliedBy string    `json:"applied_by"`
	CreatedAt time.Time `json:"created_at"`
	// DecidedAt and DecidedBy are the operator's 発行 or 却下; Certificate the number
	// issued, Reason the reason of a 却下.
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	Certificate string     `json:"certificate,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

// CreateApplication gives a the next application number and stores it in this company.
func (t Tenant) CreateApplication(a *CertApplication) error {
	if _, err := t.Company(); err != nil {
		return fmt.Errorf("data: create application in %s: %w", t.company, err)
	}
	n, err := t.tx.next(seqApplication)
	if err != nil {
		return err
	}
	a.ID, a.CompanyID = fmt.Sprintf("%08d", n), t.company
	return t.tx.putApplication(a)
}

func (tx *Tx) putApplication(a *CertApplication) error {
	a.V = 1
	if err := tx.put(bucketApplications, a.ID, a); err != nil {
		return fmt.Errorf("data: save application %s: %w", a.ID, err)
	}
	return tx.bucket(bucketApplicationsByCompany).Put(indexKey(a.CompanyID, a.ID), nil)
}

// Application reads one of the company's applications.
func (t Tenant) Application(id string) (CertApplication, error) {
	a, err := t.tx.ApplicationByID(id)
	if err != nil {
		return CertApplication{}, err
	}
	if a.CompanyID != t.company {
		return CertApplication{}, ErrNotFound
	}
	return a, nil
}

// PutApplication stores changes to one of the company's applications.
func (t Tenant) PutApplication(a CertApplication) error {
	old, err := t.Application(a.ID)
	if err != nil {
		return err
	}
	if a.CompanyID != old.CompanyID {
		return fmt.Errorf("data: application %s cannot move to company %s", a.ID, a.CompanyID)
	}
	return t.tx.putApplication(&a)
}

// ApplicationByID reads any company's application: only the operator console uses it.
func (tx *Tx) ApplicationByID(id string) (CertApplication, error) {
	var a CertApplication
	err := tx.get(bucketApplications, id, &a)
	return a, err
}

// Applications lists every application of the installation, newest first (the
// operator's queue).
func (tx *Tx) Applications() ([]CertApplication, error) {
	var out []CertApplication
	c := tx.bucket(bucketApplications).Cursor()
	for k, raw := c.Last(); k != nil; k, raw = c.Prev() {
		var a CertApplication
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("data: decode %s/%s: %w", bucketApplications, k, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Files keeps large immutable bytes (the 印鑑証明書 PDFs) as files beside the store,
// named by their SHA-256: written and fsynced before the transaction that refers to
// them commits, checked against the name when read.
type Files struct{ dir string }

// Files is the file room of the store's data directory (DATA/files).
func (s *Store) Files() Files { return Files{dir: filepath.Join(s.dir, "files")} }

// Put stores b and returns its SHA-256 in hex. Storing the same bytes twice keeps one
// file.
func (f Files) Put(b []byte) (string, error) {
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:])
	path := f.path(name)
	if _, err := os.Stat(path); err == nil {
		// The same bytes again (a second upload): the file now waits for this commit
		// too, so SweepFiles counts its age from now.
		now := time.Now()
		if err := os.Chtimes(path, now, now); err != nil {
			return "", fmt.Errorf("data: file %s: %w", name, err)
		}
		return name, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".put-*")
	if err != nil {
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		return "", fmt.Errorf("data: file %s: %w", name, err)
	}
	return name, nil
}

// Get reads the file of that SHA-256, refusing one whose bytes no longer match.
func (f Files) Get(sum string) ([]byte, error) {
	if len(sum) != 64 {
		return nil, ErrNotFound
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return nil, ErrNotFound
	}
	b, err := os.ReadFile(f.path(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s: %w", sum, err)
	}
	got := sha256.Sum256(b)
	if hex.EncodeToString(got[:]) != sum {
		return nil, fmt.Errorf("data: file %s: its bytes changed on disk", sum)
	}
	return b, nil
}

// Join reads the files of parts, one after the other, into one slice (a document's
// PDF from its Parts), each checked against its hash and size.
func (f Files) Join(parts []FileRef) ([]byte, error) {
	b, checked, err := f.Read(parts, 0)
	if err != nil {
		return nil, err
	}
	if _, err := checked(); err != nil {
		return nil, err
	}
	return b, nil
}

// Read is Join for a caller with work to do meanwhile: it reads the files, checks
// their sizes, and checks their hashes on another core while the caller goes on;
// checked waits for that check. Nothing made from the bytes may leave the caller
// before checked returns a nil error (a signature of a document whose bytes changed
// on disk would be a signature of the wrong document). room is spare capacity left
// after the bytes, for a caller that appends to them.
//
// checked also gives the SHA-256 state after all of the bytes, a copy of its own at
// every call: the check hashes them anyway, and a signature's byte range starts with
// them, so signing a document goes on from there instead of hashing it again.
func (f Files) Read(parts []FileRef, room int) (b []byte, checked func() (hash.Hash, error), err error) {
	var size int64
	for _, p := range parts {
		size += p.Size
	}
	b = make([]byte, 0, size+int64(room))
	for _, p := range parts {
		if b, err = f.appendFile(b, p); err != nil {
			return nil, nil, err
		}
	}
	var whole hash.Hash
	done := make(chan struct{})
	go func() {
		defer close(done)
		whole, err = checkSums(b, parts)
	}()
	return b, func() (hash.Hash, error) {
		<-done
		if err != nil {
			return nil, err
		}
		return whole.(hash.Cloner).Clone()
	}, nil
}

// checkSums checks that b is the files of parts, one after the other, by their
// hashes, and returns the hash of all of b. The first file, nearly all of a
// document, is hashed once for both.
func checkSums(b []byte, parts []FileRef) (hash.Hash, error) {
	whole := sha256.New()
	for i, p := range parts {
		h := whole
		if i > 0 {
			h = sha256.New()
			whole.Write(b[:p.Size])
		}
		h.Write(b[:p.Size])
		if hex.EncodeToString(h.Sum(nil)) != p.SHA256 {
			return nil, fmt.Errorf("data: file %s: its bytes changed on disk", p.SHA256)
		}
		b = b[p.Size:]
	}
	return whole, nil
}

// appendFile reads the file of p onto the end of out, which has room for it, and
// checks that its size is the one recorded.
func (f Files) appendFile(out []byte, p FileRef) ([]byte, error) {
	if len(p.SHA256) != 64 {
		return nil, ErrNotFound
	}
	if _, err := hex.DecodeString(p.SHA256); err != nil {
		return nil, ErrNotFound
	}
	fh, err := os.Open(f.path(p.SHA256))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s: %w", p.SHA256, err)
	}
	defer fh.Close()
	start := len(out)
	out = slices.Grow(out, int(p.Size))
	n, err := io.ReadFull(fh, out[start:start+int(p.Size)])
	if err == nil {
		// The file must end where its size says.
		var one [1]byte
		if m, _ := fh.Read(one[:]); m > 0 {
			err = errors.New("longer than recorded")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("data: file %s (%d of %d bytes): %w", p.SHA256, n, p.Size, err)
	}
	return out[:start+n], nil
}

func (f Files) path(sum string) string { return filepath.Join(f.dir, sum[:2], sum) }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
