package pades_test

import (
	"crypto/sha256"
	"errors"
	"hash"
	"slices"
	"strings"
	"testing"
	"time"

	"inkan/app/trust/pades"
)

// TestPrehash: a signature and a document timestamp go on from the caller's hash of
// the document instead of hashing it again, and verify; the caller's refusal of the
// bytes refuses them; a file with bytes before its header, which the hash does not
// start with, is hashed by the signature itself.
func TestPrehash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	of := func(doc []byte) pades.Prehash {
		return func() (hash.Hash, error) {
			h := sha256.New()
			h.Write(doc)
			return h, nil
		}
	}
	refused := errors.New("its bytes changed on disk")
	refuse := func() (hash.Hash, error) { return nil, refused }
	fresh := func(time.Time) (pades.Validation, error) { return e.validation, nil }

	for _, name := range []string{"gs-classic-1.4.pdf", "header-offset.pdf"} {
		t.Run(name, func(t *testing.T) {
			doc := readFixture(t, name)
			inc, err := pades.SignIncrement(doc, e.sender, e.tsa, pades.SignOptions{Prehash: of(doc)})
			if err != nil {
				t.Fatal(err)
			}
			signed := slices.Concat(doc, inc)
			inc, err = pades.TimestampIncrement(signed, e.tsa, pades.TimestampOptions{Validation: fresh, Prehash: of(signed)})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := pades.Verify(slices.Concat(signed, inc), e.verifyOptions())
			if err != nil || !rep.Valid() || len(rep.Signatures) != 2 {
				t.Fatalf("signed with the caller's hash: %v, %+v", err, rep)
			}
		})
	}

	doc := readFixture(t, "gs-classic-1.4.pdf")
	if _, err := pades.SignIncrement(doc, e.sender, e.tsa, pades.SignOptions{Prehash: refuse}); !errors.Is(err, refused) || !strings.HasPrefix(err.Error(), "pades: sign: ") {
		t.Errorf("sign with refused bytes: %v", err)
	}
	if _, err := pades.TimestampIncrement(doc, e.tsa, pades.TimestampOptions{Validation: fresh, Prehash: refuse}); !errors.Is(err, refused) || !strings.HasPrefix(err.Error(), "pades: timestamp: ") {
		t.Errorf("timestamp with refused bytes: %v", err)
	}
	noCRLs := errors.New("no fresh CRLs")
	_, err := pades.TimestampIncrement(doc, e.tsa, pades.TimestampOptions{Validation: func(time.Time) (pades.Validation, error) { return pades.Validation{}, noCRLs }})
	if !errors.Is(err, noCRLs) || !strings.HasPrefix(err.Error(), "pades: timestamp: ") {
		t.Errorf("timestamp without validation data: %v", err)
	}
}
