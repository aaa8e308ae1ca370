// Package passkey lets users and operators log in with a WebAuthn passkey instead of
// their ID and password. It runs the two ceremonies with go-webauthn: registration
// (個人設定) and login. Between a ceremony's two steps its challenge stays server-side,
// kept as a draft under a single-use token, so that a replayed or a second answer finds
// nothing. The relying party is the base URL: its host is the RP ID, its origin the
// only one accepted.
package passkey

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"inkan/app/domain/account"
	"inkan/app/domain/draft"
	"inkan/app/domain/form"
	"inkan/data"
)

// MaxNameLength is the longest passkey name, in characters.
const MaxNameLength = 40

// ceremonyTimeout is how long the browser and the server wait for the authenticator.
const ceremonyTimeout = 5 * time.Minute

// ErrGone refuses the second step of a ceremony whose first step is missing, used or
// expired: the person starts again.
var ErrGone = errors.New("passkey: ceremony expired or already used")

// Owner is the account a passkey belongs to.
type Owner struct {
	Kind      string // data.SessionUser or data.SessionOperator
	Subject   string // the user ID or the operator's login
	CompanyID string // a user's company; empty for an operator
	Name      string // shown by the authenticator beside the ID
}

// key is the owner as stored, and the WebAuthn user handle.
func (o Owner) key() string { return data.PasskeyOwner(o.Kind, o.Subject) }

// registration is what the first step of registering keeps for the second.
type registration struct {
	Session webauthn.SessionData `json:"session"`
	Name    string               `json:"name"`
}

var (
	registering = draft.Kind[registration]{Name: "passkey.register"}
	loggingIn   = draft.Kind[webauthn.SessionData]{Name: "passkey.login"}
)

// loginDraftOwner owns the login ceremonies: nobody is known before the assertion, and
// the single-use token, kept in the browser's cookie, is what ties the two steps.
const loginDraftOwner = "passkey.login"

// Service runs the ceremonies against the store.
type Service struct {
	store    *data.Store
	accounts *account.Service
	wa       *webauthn.WebAuthn
	now      func() time.Time
}

// New builds the service for the installation at baseURL, named rpName in the
// authenticator's prompts.
func New(store *data.Store, accounts *account.Service, baseURL, rpName string, now func() time.Time) (*Service, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("passkey: base URL %q has no host", baseURL)
	}
	timeout := webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout}
	wa, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: rpName,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		// A passkey replaces the password, so the authenticator must verify the person
		// (PIN or biometrics), which makes it two factors in one.
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementRequired,
			UserVerification: protocol.VerificationRequired,
		},
		Timeouts: webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	})
	if err != nil {
		return nil, fmt.Errorf("passkey: relying party: %w", err)
	}
	return &Service{store: store, accounts: accounts, wa: wa, now: now}, nil
}

// holder is an owner with its credentials, as go-webauthn wants a user.
type holder struct {
	owner Owner
	creds []webauthn.Credential
}

func (h holder) WebAuthnID() []byte                         { return []byte(h.owner.key()) }
func (h holder) WebAuthnName() string                       { return h.owner.Subject }
func (h holder) WebAuthnCredentials() []webauthn.Credential { return h.creds }
func (h holder) WebAuthnDisplayName() string {
	if h.owner.Name == "" {
		return h.owner.Subject
	}
	return h.owner.Name
}

func load(tx *data.Tx, o Owner) (holder, []data.Passkey, error) {
	keys, err := tx.PasskeysOf(o.key())
	if err != nil {
		return holder{}, nil, err
	}
	h := holder{owner: o}
	for _, p := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(p.Credential, &c); err != nil {
			return holder{}, nil, fmt.Errorf("passkey: decode %s: %w", p.ID, err)
		}
		h.creds = append(h.creds, c)
	}
	return h, keys, nil
}

// List is the owner's passkeys, for 個人設定.
func (s *Service) List(o Owner) ([]data.Passkey, error) {
	var out []data.Passkey
	err := s.store.View(func(tx *data.Tx) (err error) {
		out, err = tx.PasskeysOf(o.key())
		return err
	})
	return out, err
}

// ValidateName checks the name a person gives a passkey ("会社のPC", "iPhone").
func ValidateName(name string) form.Errors {
	errs := form.Errors{}
	switch {
	case strings.TrimSpace(name) == "":
		errs.Add("name", "passkey.error.name_required")
	case utf8.RuneCountInString(name) > MaxNameLength:
		errs.Add("name", "passkey.error.name_long")
	}
	errs.Line("name", name)
	return errs
}

// BeginRegistration starts registering a passkey called name for o. It returns the
// options for navigator.credentials.create and the token of the ceremony.
func (s *Service) BeginRegistration(o Owner, name string) ([]byte, string, error) {
	name = strings.TrimSpace(name)
	if err := ValidateName(name).Err(); err != nil {
		return nil, "", err
	}
	var options []byte
	var token string
	err := s.store.Update(func(tx *data.Tx) error {
		h, _, err := load(tx, o)
		if err != nil {
			return err
		}
		creation, session, err := s.wa.BeginRegistration(h,
			webauthn.WithExclusions(webauthn.Credentials(h.creds).CredentialDescriptors()))
		if err != nil {
			return fmt.Errorf("passkey: begin registration: %w", err)
		}
		if options, err = json.Marshal(creation); err != nil {
			return fmt.Errorf("passkey: encode options: %w", err)
		}
		token, err = registering.Keep(tx, o.key(), registration{Session: *session, Name: name}, s.now())
		return err
	})
	return options, token, err
}

// FinishRegistration verifies the authenticator's answer to the ceremony under token
// and stores the new passkey. A bad answer consumes the ceremony all the same.
func (s *Service) FinishRegistration(o Owner, token string, answer []byte) (data.Passkey, error) {
	var p data.Passkey
	var refusal error
	err := s.store.Update(func(tx *data.Tx) error {
		reg, err := registering.Take(tx, token, o.key(), s.now())
		if errors.Is(err, draft.ErrGone) {
			refusal = ErrGone
			return nil
		}
		if err != nil {
			return err
		}
		h, _, err := load(tx, o)
		if err != nil {
			return err
		}
		parsed, err := protocol.ParseCredentialCreationResponseBytes(answer)
		if err == nil {
			var c *webauthn.Credential
			if c, err = s.wa.CreateCredential(h, reg.Session, parsed); err == nil {
				p, err = s.add(tx, o, reg.Name, c)
				return err
			}
		}
		refusal = fmt.Errorf("%w: %v", ErrRefused, err)
		return nil
	})
	if err != nil {
		return data.Passkey{}, fmt.Errorf("passkey: finish registration for %s: %w", o.key(), err)
	}
	return p, refusal
}

// ErrRefused is an authenticator answer that does not verify.
var ErrRefused = errors.New("passkey: answer refused")

func (s *Service) add(tx *data.Tx, o Owner, name string, c *webauthn.Credential) (data.Passkey, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return data.Passkey{}, fmt.Errorf("encode credential: %w", err)
	}
	now := s.now()
	p := data.Passkey{ID: credentialID(c.ID), Owner: o.key(), CompanyID: o.CompanyID, Name: name, Credential: raw, CreatedAt: now}
	if err := tx.CreatePasskey(p); err != nil {
		return data.Passkey{}, err
	}
	return p, tx.Audit(data.Event{Time: now, CompanyID: o.CompanyID, Actor: actor(o), Action: "passkey.register", Target: p.ID, Detail: name})
}

// Remove deletes o's passkey id; data.ErrNotFound when o has none such.
func (s *Service) Remove(o Owner, id string) error {
	return s.store.Update(func(tx *data.Tx) error {
		if err := tx.DeletePasskey(o.key(), id); err != nil {
			return err
		}
		return tx.Audit(data.Event{Time: s.now(), CompanyID: o.CompanyID, Actor: actor(o), Action: "passkey.remove", Target: id})
	})
}

func actor(o Owner) string {
	if o.Kind == data.SessionOperator {
		return "operator:" + o.Subject
	}
	return o.Subject
}

func credentialID(raw []byte) string { return base64.RawURLEncoding.EncodeToString(raw) }
