package company

import (
	"inkan/app/domain/account"
	"inkan/app/trust/pki"
)

// Credentials are what a first start prints so a newcomer can log in at once.
type Credentials struct {
	OperatorLogin, OperatorPassword string
	AdminID, AdminPassword          string
}

// DemoApplication is the company a first start onboards.
var DemoApplication = Application{
	Name: "デモ建設株式会社",
	Plan: PlanOneSide,
	Admin: account.UserInput{
		Role: account.RoleAdmin, Name: "管理 太郎", Kana: "カンリ タロウ", Email: "admin@demo-kensetsu.example",
	},
}

// DemoCertificateSubject is the subject of the demo company's certificate DJC-00001.
var DemoCertificateSubject = pki.Subject{
	DisplayName: "デモ建設株式会社 管理 太郎",
	Company:     "Demo Kensetsu Co. Ltd.", Department: "Administration", Title: "Manager",
	CompanyJa: "デモ建設株式会社", DepartmentJa: "管理部", TitleJa: "部長",
}
