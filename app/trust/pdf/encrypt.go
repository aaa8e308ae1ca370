package pdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rc4"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"
)

// Permissions are the /P bits of a standard security handler (ISO 32000-2 table 22)
// that a restricted file may withhold.
type Permissions uint32

// Permission bits, numbered from 1 as in ISO 32000-2 table 22.
const (
	PermPrint    Permissions = 1 << 2  // bit 3
	PermModify   Permissions = 1 << 3  // bit 4
	PermCopy     Permissions = 1 << 4  // bit 5
	PermAnnotate Permissions = 1 << 5  // bit 6: annotations, and forms with bit 4
	PermFillForm Permissions = 1 << 8  // bit 9: fill in forms and sign
	PermAssemble Permissions = 1 << 10 // bit 11
)

// RestrictedError reports a file encrypted with an empty user password: every viewer
// opens it without asking, and only the owner password's permissions restrict what
// may be done with it. It wraps ErrRestricted and ErrEncrypted.
type RestrictedError struct {
	// Permissions are the /P bits granted.
	Permissions Permissions
}

func (e *RestrictedError) Error() string {
	return fmt.Sprintf("%v (permissions %#x)", ErrRestricted, uint32(e.Permissions))
}

// Unwrap makes errors.Is match both ErrRestricted and ErrEncrypted.
func (e *RestrictedError) Unwrap() []error { return []error{ErrRestricted, ErrEncrypted} }

// encryption classifies an encrypted file: a *RestrictedError when the standard
// security handler opens it with the empty user password, ErrEncrypted otherwise (a
// password is needed, another handler, or an encryption dictionary we cannot read).
// Inkan signs neither: an increment would have to be encrypted with the file's key to
// keep the restrictions, and the offline checks (openssl on the extracted values) would
// have to decrypt it.
func (f *File) encryption() error {
	enc, err := f.Resolve(f.trailer["Encrypt"])
	if err != nil {
		return ErrEncrypted
	}
	d, ok := enc.(Dict)
	if !ok || d.Name("Filter") != "Standard" {
		return ErrEncrypted
	}
	r, _ := d["R"].(Int)
	p, _ := d["P"].(Int)
	o, _ := d["O"].(String)
	u, _ := d["U"].(String)
	var id0 []byte
	if ids, ok := f.trailer["ID"].(Array); ok && len(ids) > 0 {
		if s, ok := ids[0].(String); ok {
			id0 = s.Value
		}
	}
	encryptMetadata := true
	if b, ok := d["EncryptMetadata"].(Bool); ok {
		encryptMetadata = bool(b)
	}
	length := 40
	if l, ok := d["Length"].(Int); ok && l >= 40 && l <= 128 && l%8 == 0 {
		length = int(l)
	}
	var open bool
	switch {
	case r >= 2 && r <= 4:
		open = emptyUserPasswordRC4(int(r), length/8, o.Value, u.Value, uint32(p), id0, encryptMetadata)
	case r == 5 || r == 6:
		open = emptyUserPasswordAES256(int(r), u.Value)
	}
	if !open {
		return ErrEncrypted
	}
	return &RestrictedError{Permissions: Permissions(uint32(p))}
}

// padding is the password padding of ISO 32000-2 7.6.4.3.2.
var padding = []byte{
	0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08,
	0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
}

// emptyUserPasswordRC4 runs algorithms 2, 4 and 5 of ISO 32000-2 7.6.4.3 (revisions
// 2 to 4) with the empty user password and reports whether it authenticates.
func emptyUserPasswordRC4(r, n int, o, u []byte, p uint32, id0 []byte, encryptMetadata bool) bool {
	if len(o) < 32 || len(u) < 32 {
		return false
	}
	if r == 2 {
		n = 5
	}
	h := md5.New()
	h.Write(padding)
	h.Write(o[:32])
	binary.Write(h, binary.LittleEndian, p)
	h.Write(id0)
	if r >= 4 && !encryptMetadata {
		h.Write([]byte{0xff, 0xff, 0xff, 0xff})
	}
	key := h.Sum(nil)
	if r >= 3 {
		for range 50 {
			sum := md5.Sum(key[:n])
			key = sum[:]
		}
	}
	key = key[:n]
	if r == 2 {
		c, err := rc4.NewCipher(key)
		if err != nil {
			return false
		}
		got := make([]byte, 32)
		c.XORKeyStream(got, padding)
		return bytes.Equal(got, u[:32])
	}
	h = md5.New()
	h.Write(padding)
	h.Write(id0)
	x := h.Sum(nil)
	k := make([]byte, n)
	for i := range 20 {
		for j := range key {
			k[j] = key[j] ^ byte(i)
		}
		c, err := rc4.NewCipher(k)
		if err != nil {
			return false
		}
		c.XORKeyStream(x, x)
	}
	return bytes.Equal(x[:16], u[:16])
}

// emptyUserPasswordAES256 runs algorithm 11 of ISO 32000-2 7.6.4.4.10 (revision 6;
// revision 5, Adobe's extension level 3, hashes once with SHA-256) with the empty user
// password and reports whether it authenticates.
func emptyUserPasswordAES256(r int, u []byte) bool {
	if len(u) < 48 {
		return false
	}
	salt := u[32:40]
	var got []byte
	if r == 5 {
		sum := sha256.Sum256(salt)
		got = sum[:]
	} else {
		got = hash2B(nil, salt, nil)
	}
	return bytes.Equal(got, u[:32])
}

// hash2B is algorithm 2.B of ISO 32000-2 7.6.4.3.4.
func hash2B(password, salt, udata []byte) []byte {
	h := sha256.New()
	h.Write(password)
	h.Write(salt)
	h.Write(udata)
	k := h.Sum(nil)
	for i := 0; ; i++ {
		seq := make([]byte, 0, len(password)+len(k)+len(udata))
		seq = append(append(append(seq, password...), k...), udata...)
		k1 := bytes.Repeat(seq, 64)
		block, err := aes.NewCipher(k[:16])
		if err != nil {
			return nil
		}
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(block, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		var next hash.Hash
		switch sum % 3 {
		case 0:
			next = sha256.New()
		case 1:
			next = sha512.New384()
		default:
			next = sha512.New()
		}
		next.Write(e)
		k = next.Sum(nil)
		if i >= 63 && int(e[len(e)-1]) <= i+1-32 {
			break
		}
	}
	return k[:32]
}
