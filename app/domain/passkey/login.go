package passkey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"inkan/app/domain/account"
	"inkan/app/domain/draft"
	"inkan/data"
)

// BeginLogin starts a login with a discoverable passkey: the browser offers the
// passkeys it holds for this site. It returns the options for
// navigator.credentials.get and the token of the ceremony.
func (s *Service) BeginLogin() ([]byte, string, error) {
	assertion, session, err := s.wa.BeginDiscoverableLogin()
	if err != nil {
		return nil, "", fmt.Errorf("passkey: begin login: %w", err)
	}
	options, err := json.Marshal(assertion)
	if err != nil {
		return nil, "", fmt.Errorf("passkey: encode options: %w", err)
	}
	var token string
	err = s.store.Update(func(tx *data.Tx) (err error) {
		token, err = loggingIn.Keep(tx, loginDraftOwner, *session, s.now())
		return err
	})
	return options, token, err
}

// FinishLogin verifies the answer to the login ceremony under token and opens a session
// of kind (the user's login screen takes only users' passkeys, the operator's only
// operators') through account.PasskeyLogin, with its throttle and lock rules. Every
// refusal of the passkey itself is account.ErrBadCredentials.
func (s *Service) FinishLogin(kind, token string, answer []byte, ip string) (string, data.Session, error) {
	return s.accounts.PasskeyLogin(ip, func(tx *data.Tx, now time.Time) (string, string, error) {
		session, err := loggingIn.Take(tx, token, loginDraftOwner, now)
		if errors.Is(err, draft.ErrGone) {
			return "", "", account.ErrBadCredentials
		}
		if err != nil {
			return "", "", err
		}
		p, err := s.verify(tx, kind, session, answer)
		if err != nil {
			return "", "", err
		}
		_, subject, _ := cut(p.Owner)
		return kind, subject, nil
	})
}

// verify checks the assertion against the stored passkey it names and records its use.
func (s *Service) verify(tx *data.Tx, kind string, session webauthn.SessionData, answer []byte) (data.Passkey, error) {
	parsed, err := protocol.ParseCredentialRequestResponseBytes(answer)
	if err != nil {
		return data.Passkey{}, account.ErrBadCredentials
	}
	var found data.Passkey
	lookup := func(rawID, userHandle []byte) (webauthn.User, error) {
		p, err := tx.Passkey(credentialID(rawID))
		if err != nil {
			return nil, err
		}
		ownerKind, subject, ok := cut(p.Owner)
		if !ok || ownerKind != kind || !bytes.Equal(userHandle, []byte(p.Owner)) {
			return nil, data.ErrNotFound
		}
		h, _, err := load(tx, Owner{Kind: ownerKind, Subject: subject, CompanyID: p.CompanyID})
		found = p
		return h, err
	}
	c, err := s.wa.ValidateDiscoverableLogin(lookup, session, parsed)
	if err != nil {
		return data.Passkey{}, account.ErrBadCredentials
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return data.Passkey{}, fmt.Errorf("passkey: encode credential: %w", err)
	}
	now := s.now()
	found.Credential, found.LastUsedAt = raw, &now
	return found, tx.PutPasskey(found)
}

// cut splits an owner key into its kind and subject.
func cut(owner string) (kind, subject string, ok bool) {
	kind, subject, ok = strings.Cut(owner, ":")
	if !ok || subject == "" || (kind != data.SessionUser && kind != data.SessionOperator) {
		return "", "", false
	}
	return kind, subject, true
}
