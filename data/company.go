package data

import (
	"fmt"
	"time"
)

// Company is a tenant.
type Company struct {
	V         int            `json:"v"`
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Plan      string         `json:"plan"`
	Options   CompanyOptions `json:"options"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// CompanyOptions are the option contracts of manual A1.
type CompanyOptions struct {
	BulkSign         bool `json:"bulk_sign"`
	Projects         bool `json:"projects"`
	StorageExtension bool `json:"storage_extension"`
	API              bool `json:"api"`
}

const companyVersion = 1

// CreateCompany gives c the next 企業ID and stores it.
func (tx *Tx) CreateCompany(c *Company) error {
	id, err := tx.NextID(SeqCompany)
	if err != nil {
		return err
	}
	c.ID, c.V = id, companyVersion
	if err := tx.put(bucketCompanies, c.ID, c); err != nil {
		return fmt.Errorf("data: create company: %w", err)
	}
	return nil
}

// PutCompany stores changes to an existing company.
func (tx *Tx) PutCompany(c Company) error {
	if tx.bucket(bucketCompanies).Get([]byte(c.ID)) == nil {
		return ErrNotFound
	}
	c.V = companyVersion
	return tx.put(bucketCompanies, c.ID, c)
}

// Company reads one company. Handlers reach their own company through Tenant.Company.
func (tx *Tx) Company(id string) (Company, error) {
	raw := tx.bucket(bucketCompanies).Get([]byte(id))
	if raw == nil {
		return Company{}, ErrNotFound
	}
	return tx.memos.companies.decode(bucketCompanies, []byte(id), raw)
}

// Companies lists every company in ID order (operator console).
func (tx *Tx) Companies() ([]Company, error) {
	var out []Company
	err := tx.bucket(bucketCompanies).ForEach(func(k, _ []byte) error {
		var c Company
		if err := tx.get(bucketCompanies, string(k), &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
