package data

import (
	"encoding/json"
	"fmt"
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
