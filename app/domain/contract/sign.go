package contract

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"time"

	"inkan/app/domain/certificate"
	"inkan/app/domain/company"
	"inkan/app/locale/jst"
	"inkan/data"
)

// Sign is 署名 by the signer whose turn it is, with the one-time 署名用パスワード of their
// mail (a wrong entry is counted; MaxSigningPasswordFailures lock it). It reads the document in a read
// transaction, signs its newest revision with the signer's certificate (SignPDF asks
// certificate.MaySign) outside any transaction, writes the new revision's file, and
// then commits in a write transaction only if the document is still the version read:
// of two signs at once, or a double click, one wins and the other is refused with
// ErrChanged (or ErrState, once the first committed). Other users' writes never wait
// for the signature. The sender's signature sends the document to the receiver
// (受領前承認待ち) and records who pays (Usage); the receiver's leaves it 完了待ち.
func (s *Service) Sign(ctx context.Context, by Actor, id string, version uint64, signingPassword string) (data.Document, error) {
	var d data.Document
	var number string
	var pw data.SigningPassword
	err := s.store.View(func(tx *data.Tx) (err error) {
		if d, err = s.load(tx, by, id, version, ActSign); err != nil {
			return err
		}
		if pw, err = s.checkSigningPassword(tx, by, id, signingPassword); err != nil {
			return err
		}
		number, err = s.signingCertificate(tx.Tenant(by.CompanyID), by.UserID)
		return err
	})
	if errors.Is(err, errWrong) {
		return data.Document{}, s.countFailure(by, id, pw.IssuedAt)
	}
	if err != nil {
		return data.Document{}, err
	}
	ref, err := s.extend(d, func(in []byte, checked func() (hash.Hash, error)) ([]byte, error) {
		return s.certs.SignPDF(ctx, certificate.SignRequest{Number: number, CompanyID: by.CompanyID, UserID: by.UserID, Document: id, Prehash: checked}, in)
	})
	if err != nil {
		return data.Document{}, err
	}
	var out data.Document
	err = s.store.Update(func(tx *data.Tx) error {
		cur, err := s.load(tx, by, id, d.Version, ActSign)
		if err != nil {
			return err
		}
		now := s.now()
		// The password is used up with the signature it allowed.
		t := tx.Tenant(by.CompanyID)
		p, err := t.SigningPassword(id, by.UserID)
		if err != nil && !errors.Is(err, data.ErrNotFound) {
			return err
		}
		if err != nil || !p.IssuedAt.Equal(pw.IssuedAt) || p.UsedAt != nil || p.LockedAt != nil {
			// Used, reissued or locked since it was checked: someone acted meanwhile.
			return ErrChanged
		}
		p.UsedAt = &now
		if err := t.PutSigningPassword(p); err != nil {
			return err
		}
		turn, _ := TurnOf(cur)
		cur.Revisions = append(cur.Revisions, data.Revision{File: ref, Increment: true, Kind: data.RevisionSignature, At: now, CompanyID: by.CompanyID, UserID: by.UserID})
		if turn.Side == Sender {
			cur.Sender.Route.Signer.DoneAt = &now
			cur.Status = string(StatusReceipt)
			if cur.SentAt == nil {
				cur.SentAt = &now
			}
			if err := recordUsage(tx, cur, now); err != nil {
				return err
			}
		} else {
			cur.Receiver.Route.Signer.DoneAt = &now
			cur.Status = string(StatusCompletion)
		}
		out, err = s.store1(tx, by, cur, ActSign, "", now)
		return err
	})
	if err != nil {
		return data.Document{}, err
	}
	return out, nil
}

// Complete is 完了 by the sender's 担当者 of a document both parties signed: the
// certificate service adds validation data with freshly issued CRLs and a document
// timestamp (PAdES B-LTA), outside any transaction as in Sign; the commit sets
// 保管開始日 (today in Japan time) and 保管期限 (ten years on), after which the data
// layer refuses every change but an archive timestamp.
func (s *Service) Complete(ctx context.Context, by Actor, id string, version uint64) (data.Document, error) {
	var d data.Document
	err := s.store.View(func(tx *data.Tx) (err error) {
		d, err = s.load(tx, by, id, version, ActComplete)
		return err
	})
	if err != nil {
		return data.Document{}, err
	}
	ref, err := s.extend(d, func(in []byte, checked func() (hash.Hash, error)) ([]byte, error) {
		return s.certs.TimestampPDF(ctx, id, in, checked)
	})
	if err != nil {
		return data.Document{}, err
	}
	var out data.Document
	err = s.store.Update(func(tx *data.Tx) error {
		cur, err := s.load(tx, by, id, d.Version, ActComplete)
		if err != nil {
			return err
		}
		now := s.now()
		cur.Revisions = append(cur.Revisions, data.Revision{File: ref, Increment: true, Kind: data.RevisionTimestamp, At: now, CompanyID: by.CompanyID, UserID: by.UserID})
		cur.Status = string(StatusDone)
		cur.StorageStart, cur.StorageEnd = storageDates(now)
		out, err = s.store1(tx, by, cur, ActComplete, "", now)
		return err
	})
	if err != nil {
		return data.Document{}, err
	}
	return out, nil
}

// incrementRoom is the spare capacity left after a document read to be extended: the
// timestamp of 完了 appends its validation data there to read the file again, instead
// of copying the document (pades.TimestampIncrement). Its increments are some tens of
// kilobytes; more room is only unused.
const incrementRoom = 256 << 10

// extend reads the document's newest revision, has fn make the incremental update
// to append (nothing before is rewritten: fn only returns new bytes), and writes it,
// fsynced, as a file of its own before the caller's transaction refers to it. fn gets
// the check of the bytes read (data.Reading.Checked), whose hash the signature goes on
// from; its result is kept only if the check holds, whether fn waited for it or not.
func (s *Service) extend(d data.Document, fn func(in []byte, checked func() (hash.Hash, error)) ([]byte, error)) (data.FileRef, error) {
	if s.signing != nil {
		s.signing()
	}
	r, err := s.files.Read(d.Parts(), incrementRoom)
	if err != nil {
		return data.FileRef{}, fmt.Errorf("document %s: %w", d.ID, err)
	}
	// fn's result is its own (pades copies what it appends), so the memory read
	// into serves the next document once the result is written.
	defer r.Release()
	next, err := fn(r.Bytes, r.Checked)
	if _, cerr := r.Checked(); cerr != nil {
		return data.FileRef{}, fmt.Errorf("document %s: %w", d.ID, cerr)
	}
	if err != nil {
		return data.FileRef{}, fmt.Errorf("document %s: %w", d.ID, err)
	}
	sum, err := s.files.Put(next)
	if err != nil {
		return data.FileRef{}, err
	}
	return data.FileRef{SHA256: sum, Name: d.Latest().File.Name, Size: int64(len(next))}, nil
}

// recordUsage charges the document, sent now, to the companies the plan matrix makes
// pay, in the month (Japan time) it reached the partner; sent again after a 差戻し, it
// is not charged twice.
func recordUsage(tx *data.Tx, d data.Document, now time.Time) error {
	plans, err := plansOf(tx, d)
	if err != nil {
		return err
	}
	b := company.BillingFor(plans.Sender, plans.Receiver)
	month := jst.In(now).Format("2006-01")
	for _, p := range []struct {
		pays      bool
		companyID string
		side      Side
	}{{b.PaysFirst, d.Sender.CompanyID, Sender}, {b.PaysOther, d.Receiver.CompanyID, Receiver}} {
		if !p.pays {
			continue
		}
		if _, err := tx.RecordUsage(data.Usage{CompanyID: p.companyID, Month: month, DocumentID: d.ID, Side: string(p.side), At: now}); err != nil {
			return err
		}
	}
	return nil
}
