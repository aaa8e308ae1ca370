package account

import (
	"fmt"

	"inkan/app/domain/form"
	"inkan/app/domain/password"
	"inkan/data"
)

// CreateOperator makes an operator account with a random password and returns the
// password, which is shown once to whoever runs the installation and must be changed
// at the first login.
func (s *Service) CreateOperator(tx *data.Tx, login, name string) (string, error) {
	pw := password.Generate()
	o := data.Operator{Login: login, Name: name, PasswordHash: password.Hash(pw), MustChangePassword: true, CreatedAt: s.now()}
	if err := tx.CreateOperator(o); err != nil {
		return "", fmt.Errorf("create operator %s: %w", login, err)
	}
	return pw, nil
}

// UnlockOperator lifts the lock of an operator account (inkan operator unlock).
func (s *Service) UnlockOperator(tx *data.Tx, login, actor string) error {
	o, err := tx.Operator(login)
	if err != nil {
		return fmt.Errorf("unlock operator %s: %w", login, err)
	}
	unlock(&o.Lockout)
	if err := tx.PutOperator(o); err != nil {
		return err
	}
	return tx.Audit(data.Event{Time: s.now(), Actor: actor, Action: "operator.unlock", Target: login})
}

// ResetOperatorPassword gives an operator a new random password, to be changed at the
// next login, lifts its lock and ends its sessions (inkan operator reset-password). It
// returns the password to print.
func (s *Service) ResetOperatorPassword(tx *data.Tx, login, actor string) (string, error) {
	o, err := tx.Operator(login)
	if err != nil {
		return "", fmt.Errorf("reset password of operator %s: %w", login, err)
	}
	pw := password.Generate()
	o.PasswordHash, o.MustChangePassword = password.Hash(pw), true
	unlock(&o.Lockout)
	if err := tx.PutOperator(o); err != nil {
		return "", err
	}
	if _, err := tx.DeleteSessionsOf(data.SessionOperator, login, ""); err != nil {
		return "", fmt.Errorf("reset password of operator %s: %w", login, err)
	}
	// As for a user's パスワード初期化: no passkey outlives the reset.
	if err := deletePasskeys(tx, data.SessionOperator, login); err != nil {
		return "", fmt.Errorf("reset password of operator %s: %w", login, err)
	}
	return pw, tx.Audit(data.Event{Time: s.now(), Actor: actor, Action: "operator.reset_password", Target: login})
}

// ChangeOperatorPassword is ChangePassword for an operator: the same policy, the same
// count of wrong current passwords toward the lock.
func (s *Service) ChangeOperatorPassword(login, keepSession string, in PasswordChange) error {
	if err := in.validate().Err(); err != nil {
		return err
	}
	now := s.now()
	var refusal error
	err := s.store.Update(func(tx *data.Tx) error {
		o, err := tx.Operator(login)
		if err != nil {
			return err
		}
		refusal = currentPassword(o.PasswordHash, in.Current, &o.Lockout, now)
		if refusal == nil {
			o.PasswordHash, o.MustChangePassword = password.Hash(in.New), false
		}
		if err := tx.PutOperator(o); err != nil {
			return err
		}
		return s.passwordChanged(tx, refusal, data.SessionOperator, login, "", "operator:"+login, keepSession, now)
	})
	if err != nil {
		return err
	}
	return refusal
}

// companyAdmin reads a live 管理用ID of the company: the only users the operator may
// unlock or reset, so that a company whose admins are all locked out gets back in.
func companyAdmin(t data.Tenant, userID string) (data.User, error) {
	u, err := LiveUser(t, userID)
	if err == nil && u.Role != RoleAdmin {
		return data.User{}, form.Errors{"": "error.not_admin"}
	}
	return u, err
}

// UnlockAdmin is the operator's ロック解除 of a company's admin.
func (s *Service) UnlockAdmin(tx *data.Tx, companyID, userID, actor string) error {
	if _, err := companyAdmin(tx.Tenant(companyID), userID); err != nil {
		return err
	}
	return s.Unlock(tx, companyID, userID, actor)
}

// ResetAdminPassword is the operator's パスワード初期化 of a company's admin: a new
// initial password is mailed, as on 自社利用者情報変更, the lock is lifted and the
// admin's sessions end.
func (s *Service) ResetAdminPassword(tx *data.Tx, companyID, userID, actor string) error {
	t := tx.Tenant(companyID)
	u, err := companyAdmin(t, userID)
	if err != nil {
		return err
	}
	ch := ChangeFrom(u)
	ch.ResetPassword = true
	_, err = s.Change(tx, companyID, userID, actor, ch, u.UpdatedAt)
	return err
}
