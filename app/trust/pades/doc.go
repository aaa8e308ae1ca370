// Package pades signs, timestamps and verifies PDF documents as PAdES
// baseline signatures (ETSI EN 319 142-1): the API the contract flow and
// the CLI call.
//
// The three operations follow the life of a contract:
//
//   - Sign appends a B-T signature: a CAdES-detached CMS over the byte range
//     of a new incremental update, with a signature timestamp from the TSA.
//     A second party signs the result the same way; the first signature
//     stays valid because nothing before its revision end is rewritten.
//   - Timestamp appends the validation data (a Document Security Store with
//     certificates and CRLs) and a document timestamp, which makes B-LTA;
//     calling it again on a B-LTA file is the archive extension that keeps
//     the evidence alive after the earlier timestamp's keys age.
//   - Verify lists every signature and document timestamp with what holds
//     and what does not, the PAdES level each signature reaches and until
//     when the newest document timestamp keeps the file provable, for people
//     (the CLI) and for the contract flow.
//
// The PDF mechanics live in app/pdf, CMS in app/cms and RFC 3161 in
// app/tsa; this package decides what goes into each increment and how the
// pieces are judged together.
package pades
