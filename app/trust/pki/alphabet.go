package pki

// ValidAlphabet reports whether s can be the alphabet form of a subject attribute
// (Subject.Company, Department, Title): half-width letters, digits, space, hyphen and
// dot, at most 64 characters. Screens check it before asking for a certificate, so a
// refusal is a message beside the field rather than a failed issue.
func ValidAlphabet(s string) bool {
	return s != "" && len(s) <= maxAttrLen && alphabetPattern.MatchString(s)
}
