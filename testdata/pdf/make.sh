#!/bin/sh
# Regenerates the PDF fixtures of app/pdf from base.ps with Debian tools, so
# that the files come from more than one producer (Ghostscript, qpdf, and a
# hand layout for what no tool writes, MuPDF for a foreign signature).
# Requires: ghostscript, qpdf, mupdf-tools, openssl, go.
# The outputs are committed; rerun only to change them.
set -eu
cd "$(dirname "$0")"

# Ghostscript: classic xref table, PDF 1.4, indirect stream /Length.
gs -q -dNOPAUSE -dBATCH -dSAFER -sDEVICE=pdfwrite -dCompatibilityLevel=1.4 \
	-sOutputFile=gs-classic-1.4.pdf base.ps

# qpdf: xref stream with object streams (PDF 1.5).
qpdf --object-streams=generate gs-classic-1.4.pdf qpdf-objstm.pdf
# qpdf: linearized, classic tables (first-page and main sections).
qpdf --linearize gs-classic-1.4.pdf qpdf-linearized.pdf
# qpdf: linearized with xref streams and object streams.
qpdf --linearize --object-streams=generate gs-classic-1.4.pdf qpdf-linearized-objstm.pdf
# qpdf: plain classic PDF 1.4 from another producer.
qpdf --object-streams=disable --force-version=1.4 gs-classic-1.4.pdf qpdf-classic-1.4.pdf
# qpdf: PDF 2.0 with object streams.
qpdf --force-version=2.0 --object-streams=generate gs-classic-1.4.pdf qpdf-2.0.pdf
# qpdf: AES-256 encrypted; must be refused.
qpdf --encrypt user owner 256 -- gs-classic-1.4.pdf encrypted.pdf
# 657 bytes before the header (a gateway's prefix, as in a real-world file),
# offsets counting from the header: poppler, qpdf and MuPDF read it.
{ yes 'X-Scanned-By: gateway; prefix before the PDF header' | head -c 657; cat qpdf-objstm.pdf; } > header-offset.pdf
# Owner password only (the user password is empty: viewers open them without
# asking), printing and editing withheld: AES-256 (R6), AES-128 (R4), RC4-128 (R3) and
# RC4-40 (R2). Inkan refuses them with a message on saving an unrestricted copy.
qpdf --encrypt "" owner 256 --print=none --modify=none -- gs-classic-1.4.pdf restricted-aes256.pdf
qpdf --encrypt "" owner 128 --use-aes=y --print=none --modify=none -- gs-classic-1.4.pdf restricted-aes128.pdf
qpdf --allow-weak-crypto --encrypt "" owner 40 --print=n --modify=n -- gs-classic-1.4.pdf restricted-rc4-40.pdf
qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=n --print=none --modify=none -- gs-classic-1.4.pdf restricted-rc4-128.pdf
# Truncated in the middle; must be refused as malformed.
head -c 1200 gs-classic-1.4.pdf > broken-truncated.pdf

# Hand layouts: hybrid (/XRefStm), and a form with an existing text field
# named Signature1, inline /AcroForm and indirect /Annots.
go run ./mkfixture hybrid > hybrid.pdf
go run ./mkfixture form > form-classic-1.3.pdf
# The same form with its /Annots array inside an object stream.
qpdf --object-streams=generate form-classic-1.3.pdf form-objstm.pdf
# A two-page form asking viewers to rebuild field appearances
# (/NeedAppearances true), and three pages whose last is turned by an inherited
# /Rotate 90 and cut by a /CropBox: where visible signatures must still show.
go run ./mkfixture needappearances > form-needappearances.pdf
go run ./mkfixture rotated > rotated.pdf

# Signed by another producer: MuPDF signs the empty field (object 6) of a
# hand-laid-out file, with a throwaway self-signed RSA key (mutool cannot
# sign with EC keys) that is deleted afterwards.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./mkfixture sigfield > "$tmp/sigfield.pdf"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-days 3650 -subj "/CN=MuPDF Fixture Signer" 2>/dev/null
openssl pkcs12 -export -inkey "$tmp/key.pem" -in "$tmp/cert.pem" -out "$tmp/signer.p12" \
	-passout pass:fixture -name signer
mutool sign -s "$tmp/signer.p12" -P fixture -o mupdf-signed.pdf "$tmp/sigfield.pdf" 6

# legacy-policy-lta.pdf (with legacy-policy-root.pem, the root it chains to)
# is not made here: an Inkan from before the 31-bit TSA policy signed and
# timestamped qpdf-objstm.pdf (inkan pdf sign, inkan pdf timestamp), so its
# tokens carry the old 2.25.<UUID> policy, which must keep verifying.

for f in gs-classic-1.4.pdf qpdf-objstm.pdf qpdf-linearized.pdf qpdf-linearized-objstm.pdf \
	qpdf-classic-1.4.pdf qpdf-2.0.pdf header-offset.pdf hybrid.pdf form-classic-1.3.pdf form-objstm.pdf \
	form-needappearances.pdf rotated.pdf mupdf-signed.pdf; do
	qpdf --check "$f" >/dev/null
done
ls -l ./*.pdf
