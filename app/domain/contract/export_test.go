package contract

// OnSigning sets a hook that Sign and Complete call after their read transaction and
// before the cryptography, for the tests that prove no transaction is open then.
func OnSigning(s *Service, fn func()) { s.signing = fn }
