// Package pdf is the low-level PDF engine behind PAdES signing in Inkan.
//
// It reads a PDF with all its revisions (classic cross-reference tables,
// cross-reference streams, object streams, hybrid and linearized files),
// and appends incremental updates to it: a signature or document timestamp
// field with fixed-size /ByteRange and /Contents placeholders, and a
// Document Security Store. The bytes of the original file are never
// rewritten, because every earlier signature covers them. A signature may
// be visible: a seal on a page, its text drawn as outlines of an embedded
// Japanese font, so that every viewer shows it (Appearance).
//
// It also supports verification: it lists every signature value in the
// file, checks that a /ByteRange covers a whole revision except for its own
// /Contents, and classifies what later revisions changed.
//
// The package knows nothing about CMS or timestamps: the caller hashes the
// byte ranges of a Prepared increment and hands back the DER to embed.
package pdf
