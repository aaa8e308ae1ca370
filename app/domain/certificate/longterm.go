package certificate

import (
	"crypto/x509"
	"fmt"

	"inkan/app/trust/tsa"
)

// UseTSAPolicy makes the installation's TSA write policy (a dotted OID, --tsa-policy)
// into its tokens from now on instead of tsa.DefaultPolicy. Tokens issued before keep
// verifying: verification does not depend on the policy. The composition root calls it
// once, right after Open.
func (s *Service) UseTSAPolicy(policy string) error {
	a, err := tsa.New(tsa.Config{Certificate: s.ca.TSACertificate(), Signer: s.ca.TSASigner(), Chain: []*x509.Certificate{s.ca.Root()}, Clock: s.now, Policy: policy})
	if err != nil {
		return fmt.Errorf("timestamp authority: %w", err)
	}
	s.tsa = a
	return nil
}
