package data

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"os"
	"testing"
)

// A document's PDF is its last whole file and the increments after it, joined; a part
// that changed on disk, or whose size is not the one recorded, is refused.
func TestDocumentPartsJoin(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	files := s.Files()
	put := func(b string) FileRef {
		sum, err := files.Put([]byte(b))
		if err != nil {
			t.Fatal(err)
		}
		return FileRef{SHA256: sum, Size: int64(len(b))}
	}
	first, replaced, signed, stamped := put("%PDF first"), put("%PDF replaced"), put(" signed"), put(" stamped")
	legacy := put("%PDF replaced signed stamped") // a revision kept whole, before increments
	cases := []struct {
		name string
		revs []Revision
		want string
	}{
		{"no revision", nil, ""},
		{"the original", []Revision{{File: first}}, "%PDF first"},
		{"signed and stamped", []Revision{{File: first}, {File: signed, Increment: true}, {File: stamped, Increment: true}}, "%PDF first signed stamped"},
		{"a replaced original restarts", []Revision{{File: first}, {File: replaced}, {File: signed, Increment: true}}, "%PDF replaced signed"},
		{"a whole revision restarts", []Revision{{File: replaced}, {File: signed, Increment: true}, {File: legacy}, {File: stamped, Increment: true}}, "%PDF replaced signed stamped stamped"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := files.Join(Document{Revisions: tc.revs}.Parts())
			if err != nil || string(got) != tc.want {
				t.Errorf("Join = %q, %v; want %q", got, err, tc.want)
			}
		})
	}

	if _, err := files.Join([]FileRef{first, {SHA256: signed.SHA256, Size: signed.Size - 1}}); err == nil {
		t.Error("a part longer than recorded was read")
	}
	if _, err := files.Join([]FileRef{{SHA256: signed.SHA256, Size: signed.Size + 1}}); err == nil {
		t.Error("a part shorter than recorded was read")
	}
	if err := os.WriteFile(files.path(stamped.SHA256), []byte(" STAMPED"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := files.Join([]FileRef{first, stamped}); err == nil {
		t.Error("a part whose bytes changed was read")
	}
	if _, err := files.Join([]FileRef{{SHA256: "00" + first.SHA256[2:], Size: first.Size}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing part: %v", err)
	}
}

// Read's check gives the hash of all the bytes read, the state a signature goes on
// from, a copy of its own at every call; bytes that changed on disk fail it. Released
// memory serves the next Read, with nothing of the earlier document left in its spare
// capacity.
func TestReadGivesTheHashOfTheWhole(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	files := s.Files()
	put := func(texts ...string) []FileRef {
		var parts []FileRef
		for _, b := range texts {
			sum, err := files.Put([]byte(b))
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, FileRef{SHA256: sum, Size: int64(len(b))})
		}
		return parts
	}
	parts := put("%PDF original", " signed", " stamped")
	r, err := files.Read(parts, 16)
	if err != nil || string(r.Bytes) != "%PDF original signed stamped" || cap(r.Bytes)-len(r.Bytes) != 16 {
		t.Fatalf("Read = %+v, %v", r, err)
	}
	h, err := r.Checked()
	if err != nil {
		t.Fatal(err)
	}
	h.Write([]byte(" more")) // the caller goes on from it; the next call is untouched
	again, err := r.Checked()
	if err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256([]byte("%PDF original signed stamped")); !bytes.Equal(again.Sum(nil), want[:]) {
		t.Errorf("hash of the whole: %x, want %x", again.Sum(nil), want)
	}
	if want := sha256.Sum256([]byte("%PDF original signed stamped more")); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Errorf("hash gone on with: %x, want %x", h.Sum(nil), want)
	}
	first := &r.Bytes[:1][0]
	r.Bytes = append(r.Bytes, " appended in the spare capacity"[:16]...)
	r.Release()

	short := put("%PDF short")
	r, err = files.Read(short, 8)
	if err != nil {
		t.Fatal(err)
	}
	if &r.Bytes[:1][0] != first {
		t.Error("the released memory was not used again")
	}
	if string(r.Bytes) != "%PDF short" || cap(r.Bytes) != len("%PDF short")+8 || !bytes.Equal(r.Bytes[len(r.Bytes):cap(r.Bytes)], make([]byte, 8)) {
		t.Errorf("read into released memory: %q, spare %q", r.Bytes, r.Bytes[len(r.Bytes):cap(r.Bytes)])
	}
	if _, err := r.Checked(); err != nil {
		t.Fatal(err)
	}
	r.Release()

	if err := os.WriteFile(files.path(parts[0].SHA256), []byte("%PDF ORIGINAL"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err = files.Read(parts, 0); err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	if h, err := r.Checked(); err == nil || h != nil {
		t.Errorf("a changed original passed the check: %v", err)
	}
}
