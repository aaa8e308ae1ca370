package data

import (
	"encoding/binary"
	"fmt"
)

// Sequence names an installation-wide counter. Numbers are taken inside the transaction
// that writes the record, so a number is used exactly when its record exists, and a
// counter never goes back: a deleted ID is never handed out again.
type Sequence string

// The installation-wide sequences of SPEC section 2.
const (
	SeqCompany     Sequence = "company"
	SeqUser        Sequence = "user"
	SeqDocument    Sequence = "document"
	SeqCertificate Sequence = "certificate"
	seqMail        Sequence = "mail"
	seqAudit       Sequence = "audit"
	seqNotice      Sequence = "notice"
	seqInvitation  Sequence = "invitation"
)

// DocumentIDWidth is the number of digits of a 文書管理番号 (0000000288). Every document ID
// has this width, so the IDs sort as their numbers do; search relies on it to read a
// window of the highest numbers and to pad a number typed short.
const DocumentIDWidth = 10

// idFormats gives the printed form of each business sequence and its largest number.
var idFormats = map[Sequence]struct {
	format string
	max    uint64
}{
	SeqCompany:     {"C%06d", 999999},
	SeqUser:        {"U%06d", 999999},
	SeqDocument:    {fmt.Sprintf("%%0%dd", DocumentIDWidth), 9999999999},
	SeqCertificate: {"DJC-%05d", 99999},
}

func (tx *Tx) next(seq Sequence) (uint64, error) {
	b := tx.bucket(bucketSequences)
	var n uint64
	if raw := b.Get([]byte(seq)); len(raw) == 8 {
		n = binary.BigEndian.Uint64(raw)
	}
	n++
	if err := b.Put([]byte(seq), u64(n)); err != nil {
		return 0, fmt.Errorf("data: advance sequence %s: %w", seq, err)
	}
	return n, nil
}

// NextID takes the next number of a business sequence and returns it in its printed
// form (C000001, U000025, 0000000288, DJC-00033).
func (tx *Tx) NextID(seq Sequence) (string, error) {
	f, ok := idFormats[seq]
	if !ok {
		return "", fmt.Errorf("data: %s is not a business sequence", seq)
	}
	n, err := tx.next(seq)
	if err != nil {
		return "", err
	}
	if n > f.max {
		return "", fmt.Errorf("data: sequence %s exhausted at %d", seq, f.max)
	}
	return fmt.Sprintf(f.format, n), nil
}
