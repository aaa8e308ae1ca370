package pdf

import "errors"

// ErrMalformed reports a file that is not a readable PDF: no header, a
// broken cross-reference chain, a truncated object. Errors wrap it with the
// place and reason, so test it with errors.Is.
var ErrMalformed = errors.New("pdf: malformed file")

// ErrEncrypted reports an encrypted PDF. Signing one would need the
// password and would have to keep its encryption, which Inkan does not
// support, so such files are refused before anything is written.
var ErrEncrypted = errors.New("pdf: encrypted files are not supported")

// ErrRestricted reports a PDF encrypted with an empty user password: viewers open
// it without asking, and an owner password restricts printing, editing or copying.
// Inkan refuses it like any encrypted file (a *RestrictedError, which also matches
// ErrEncrypted, carries the permissions), so that the caller can tell the user how to
// save an unrestricted copy.
var ErrRestricted = errors.New("pdf: the file is restricted by an owner password (encrypted, opens without a password)")

// ErrUnsupported reports a valid PDF feature this package does not handle,
// such as a stream filter other than FlateDecode where decoding is needed.
var ErrUnsupported = errors.New("pdf: unsupported feature")

// ErrContentsOverflow reports DER larger than the /Contents reservation of
// a prepared increment. The caller must prepare again with a larger
// reservation; the size is fixed because the byte range is already hashed.
var ErrContentsOverflow = errors.New("pdf: signature value larger than its reservation")
