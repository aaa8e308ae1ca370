package pki

import (
	"crypto/x509"
	"encoding/asn1"
)

// rawAttribute is an attribute of a name with its value's string type kept:
// pkix.Name keeps the values only, and rawName tells the alphabet form
// (PrintableString) from the Japanese one (UTF8String) by that type.
type rawAttribute struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// rawAttributeSET is one relative distinguished name (encoding/asn1 reads a
// type whose name ends in SET as a SET OF).
type rawAttributeSET []rawAttribute

// SubjectOf reads the holder back from a certificate's subject, as rawName
// wrote it: of each of O, OU and title the first value is the alphabet form
// and a later UTF8String one the Japanese form. A certificate made elsewhere
// gives what it has: its first O, OU and title as the alphabet forms.
func SubjectOf(c *x509.Certificate) Subject {
	s := Subject{DisplayName: c.Subject.CommonName}
	var rdns []rawAttributeSET
	if rest, err := asn1.Unmarshal(c.RawSubject, &rdns); err != nil || len(rest) > 0 {
		// x509 parsed the same bytes already: only a subject it read leniently
		// lands here, and the common name is all that is sure of it.
		return s
	}
	for _, set := range rdns {
		for _, a := range set {
			var alphabet, japanese *string
			switch {
			case a.Type.Equal(oidOrg):
				alphabet, japanese = &s.Company, &s.CompanyJa
			case a.Type.Equal(oidOrgUnit):
				alphabet, japanese = &s.Department, &s.DepartmentJa
			case a.Type.Equal(oidTitle):
				alphabet, japanese = &s.Title, &s.TitleJa
			default:
				continue
			}
			v := string(a.Value.Bytes)
			switch {
			case *alphabet == "":
				*alphabet = v
			case *japanese == "" && a.Value.Tag == asn1.TagUTF8String:
				*japanese = v
			}
		}
	}
	return s
}
