package web

import (
	"github.com/gofiber/fiber/v2"

	"inkan/app/domain/certificate"
	"inkan/data"
)

// parseFirstCertificate reads 企業登録's 初回の電子証明書: nil unless 同時に発行する is
// ticked. The Japanese company name is the company's, the user the first admin.
func parseFirstCertificate(c *fiber.Ctx) *certificate.ApplicationInput {
	if c.FormValue("cert_issue") != "1" {
		return nil
	}
	return &certificate.ApplicationInput{
		OrgEn: c.FormValue("cert_org_en"), DeptJa: c.FormValue("cert_dept_ja"), DeptEn: c.FormValue("cert_dept_en"),
		TitleJa: c.FormValue("cert_title_ja"), TitleEn: c.FormValue("cert_title_en"),
	}
}

// firstCertificateOf is the number of the certificate 企業登録 issued to the company's
// first admin, or "".
func firstCertificateOf(tx *data.Tx, companyID string) (string, error) {
	certs, err := tx.Tenant(companyID).Certificates()
	if err != nil || len(certs) == 0 {
		return "", err
	}
	return certs[0].Number, nil
}
