#!/bin/sh
# Checks document.pdf of this evidence kit with pdfsig (poppler-utils) and openssl
# alone, trusting nothing but certs/root.pem: no Inkan, no network. Linux (GNU date).
# Usage: sh check.sh        Exit status 0 when every check passes, 1 otherwise.
set -eu
cd "$(dirname "$0")"
for tool in pdfsig openssl; do
	command -v "$tool" >/dev/null 2>&1 || { echo "$tool is required (Debian: apt install poppler-utils openssl)"; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
pass() { printf 'OK    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failed=1; }

echo "root certificate (compare with the fingerprint the operator published):"
openssl x509 -in certs/root.pem -noout -subject -fingerprint -sha256
# The trust store: the root and every CRL of the kit (openssl picks, for each
# check, the CRL valid at the time checked).
cp certs/root.pem "$work/trust.pem"
for c in crl/*.crl; do
	openssl crl -inform DER -in "$c" -outform PEM >>"$work/trust.pem"
done
cat certs/issuing.pem certs/tsa.pem >"$work/untrusted.pem"
for c in issuing tsa; do
	if openssl verify -CAfile certs/root.pem "certs/$c.pem" >/dev/null 2>&1; then pass "certs/$c.pem is issued by the root"; else fail "certs/$c.pem is not issued by the root"; fi
done

cp document.pdf "$work/doc.pdf"
size=$(wc -c <"$work/doc.pdf")
(cd "$work" && HOME="$work" pdfsig -no-ocsp doc.pdf >pdfsig.txt 2>&1 && HOME="$work" pdfsig -dump doc.pdf >/dev/null 2>&1) || true
# Only pdfsig's own lines count, whole and in their place: a name (of the field, of the
# signer) may hold these words, but pdfsig prints it first in its entry, so the later
# line of the entry itself decides; "Not total" sets the flag back.
awk '/^Signature #[0-9]+:$/ { n++ }
	/^  - Signature Field Name: / { sub(/^  - Signature Field Name: /, ""); f[n] = $0 }
	/^  - Signed Ranges: / { r = $0; gsub(/[^0-9]+/, " ", r); g[n] = r }
	/^  - Total document signed$/ { t[n] = 1 }
	/^  - Not total document signed$/ { t[n] = 0 }
	/^  - Signature Validation: / { sub(/^  - Signature Validation: /, ""); v[n] = $0 }
	END { for (i = 1; i <= n; i++) printf "%d|%s|%s|%d|%s\n", i, f[i], g[i], t[i] + 0, v[i] }' "$work/pdfsig.txt" >"$work/sigs.txt"
if [ ! -s "$work/sigs.txt" ]; then
	fail "pdfsig finds no signature in document.pdf"
	exit 1
fi

# genTime (seconds since 1970) of a DER timestamp token.
gentime() {
	t=$(openssl ts -reply -token_in -in "$1" -token_out -text 2>/dev/null | sed -n 's/^Time stamp: //p')
	[ -n "$t" ] && date -u -d "$t" +%s
}
# The bytes of document.pdf a byte range [a b c d] covers.
signed_bytes() {
	head -c "$2" "$work/doc.pdf" >"$5"
	tail -c +"$(($3 + 1))" "$work/doc.pdf" | head -c "$(($4 - $3))" >>"$5"
}

# First pass: which entries are document timestamps, and their times.
: >"$work/kinds.txt"
while IFS='|' read -r i field ranges total valid; do
	if t=$(gentime "$work/doc.pdf.sig$((i - 1))"); then echo "$i ts $t" >>"$work/kinds.txt"; else echo "$i sig 0" >>"$work/kinds.txt"; fi
done <"$work/sigs.txt"
# The time of the first document timestamp after entry $1, or nothing.
covering() { awk -v i="$1" '$1 > i && $2 == "ts" { print $3; exit }' "$work/kinds.txt"; }
last_ts=$(awk '$2 == "ts" { n = $1 } END { print n + 0 }' "$work/kinds.txt")

while IFS='|' read -r i field ranges total valid; do
	sig="$work/doc.pdf.sig$((i - 1))"
	# shellcheck disable=SC2086
	set -- $ranges
	if [ "$#" -ne 4 ] || [ "$1" -ne 0 ]; then
		fail "$field: byte range [$ranges] does not start at the beginning of the file"
		continue
	fi
	signed_bytes "$@" "$work/signed.bin"
	kind=$(awk -v i="$i" '$1 == i { print $2 }' "$work/kinds.txt")
	at=$(covering "$i")
	if [ "$kind" = ts ]; then
		own=$(gentime "$sig")
		when=$(date -u -d "@$own" '+%Y-%m-%d %H:%M:%S UTC')
		if openssl ts -verify -token_in -in "$sig" -data "$work/signed.bin" -CAfile "$work/trust.pem" -untrusted "$work/untrusted.pem" \
			-attime "$own" -crl_check_all >"$work/out.txt" 2>&1; then
			pass "$field: document timestamp of $when over the file up to it, TSA not revoked then"
		else
			fail "$field: document timestamp: $(tr '\n' ' ' <"$work/out.txt")"
		fi
		if [ "$i" -eq "$last_ts" ]; then
			if openssl ts -verify -token_in -in "$sig" -data "$work/signed.bin" -CAfile "$work/trust.pem" -untrusted "$work/untrusted.pem" >"$work/out.txt" 2>&1; then
				pass "$field: the newest document timestamp still verifies today"
			else
				fail "$field: the newest document timestamp no longer verifies today (an archive timestamp was due): $(tr '\n' ' ' <"$work/out.txt")"
			fi
		fi
		continue
	fi
	case "$valid" in
	"Signature is Valid.") pass "$field: pdfsig: signature is valid" ;;
	*) fail "$field: pdfsig: $valid" ;;
	esac
	# Checked at the time of the document timestamp that covers the signature,
	# with the CRLs the file carried then; without one, today, revocation unchecked.
	opts=""
	if [ -n "$at" ]; then opts="-attime $at -crl_check_all"; fi
	# shellcheck disable=SC2086
	if openssl cms -verify -binary -inform DER -in "$sig" -content "$work/signed.bin" -CAfile "$work/trust.pem" -certfile "$work/untrusted.pem" \
		-purpose any $opts -out /dev/null >"$work/out.txt" 2>&1; then
		if [ -n "$at" ]; then pass "$field: signature and certificate chain to the root, not revoked at $(date -u -d "@$at" '+%Y-%m-%d %H:%M:%S UTC')"; else pass "$field: signature and certificate chain to the root (revocation not checked: no document timestamp)"; fi
	else
		fail "$field: openssl cms: $(tr '\n' ' ' <"$work/out.txt")"
	fi
	# The signature timestamp: the token in the unsigned attributes, over the
	# signature value (the last OCTET STRING of the SignerInfo).
	openssl asn1parse -inform DER -in "$sig" >"$work/asn1.txt" 2>/dev/null || true
	tok=$(awk '/:id-smime-aa-timeStampToken/ { found = NR } found && NR == found + 2 { print; exit }' "$work/asn1.txt")
	val=$(awk '/:id-smime-aa-timeStampToken/ { print last; exit } /:d=5 .*prim: OCTET STRING/ { last = $0 }' "$work/asn1.txt")
	if [ -z "$tok" ] || [ -z "$val" ]; then
		fail "$field: no signature timestamp (PAdES B-B only)"
		continue
	fi
	offset() { echo "$1" | sed 's/^ *\([0-9]*\):.*/\1/'; }
	header() { echo "$1" | sed 's/.*hl= *\([0-9]*\).*/\1/'; }
	length() { echo "$1" | sed 's/.* l= *\([0-9]*\).*/\1/'; }
	tail -c +"$(($(offset "$tok") + 1))" "$sig" | head -c "$(($(header "$tok") + $(length "$tok")))" >"$work/tst.der"
	tail -c +"$(($(offset "$val") + $(header "$val") + 1))" "$sig" | head -c "$(length "$val")" >"$work/value.bin"
	# shellcheck disable=SC2086
	if openssl ts -verify -token_in -in "$work/tst.der" -data "$work/value.bin" -CAfile "$work/trust.pem" -untrusted "$work/untrusted.pem" \
		$opts >"$work/out.txt" 2>&1; then
		pass "$field: signature timestamp of $(date -u -d "@$(gentime "$work/tst.der")" '+%Y-%m-%d %H:%M:%S UTC')"
	else
		fail "$field: signature timestamp: $(tr '\n' ' ' <"$work/out.txt")"
	fi
done <"$work/sigs.txt"

# The newest entry must cover the whole file: nothing was added after it.
# pdfsig says so, and its byte range ends where the file does.
last=$(tail -n 1 "$work/sigs.txt")
# shellcheck disable=SC2046
end=$(set -- $(echo "$last" | cut -d'|' -f3); [ "$#" -eq 4 ] && echo "$4")
if [ "$(echo "$last" | cut -d'|' -f4)" = 1 ] && [ "${end:-0}" -eq "$size" ]; then
	pass "the newest signature or timestamp covers the whole file ($size bytes)"
else
	fail "bytes were added after the newest signature or timestamp"
fi

if [ "$failed" -eq 0 ]; then echo "RESULT: OK"; else echo "RESULT: FAILED"; fi
exit "$failed"
