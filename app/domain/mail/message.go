package mail

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	netmail "net/mail"
	"strings"
	"time"

	"inkan/app/locale/jst"
	"inkan/data"
)

// charset is the one character set of every mail. UTF-8 rather than ISO-2022-JP: JIS X
// 0208 lacks characters common in Japanese names and company names (髙, 﨑, 𠮷, ①), which
// ISO-2022-JP would turn into "?" or need the non-standard CP50220 for, and every mail
// client in use in Japan (Outlook, Thunderbird, Gmail, iOS and Android mail) reads UTF-8.
const charset = "UTF-8"

// lineLength is the length of a base64 body line (RFC 2045 allows at most 76).
const lineLength = 76

// Build writes m as an RFC 5322 message from the given sender, ready for SMTP DATA.
// The body is base64 (for Japanese text a third shorter than quoted-printable, and safe
// through any relay that is not 8-bit clean); the subject and the sender's name are
// RFC 2047 encoded words. The Date is when the mail was queued and the Message-ID the one
// fixed then, so every retry sends the very same bytes.
func Build(m data.Mail, from netmail.Address) ([]byte, error) {
	if _, err := netmail.ParseAddress(from.Address); err != nil {
		return nil, fmt.Errorf("mail: sender %q: %w", from.Address, err)
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		addr, err := netmail.ParseAddress(a)
		if err != nil || addr.Name != "" {
			return nil, fmt.Errorf("mail %d: recipient %q is not a plain address", m.ID, a)
		}
		to[i] = addr.String()
	}
	if strings.ContainsAny(m.MessageID, "\r\n") || m.MessageID == "" {
		return nil, fmt.Errorf("mail %d: bad Message-ID %q", m.ID, m.MessageID)
	}
	var b bytes.Buffer
	header := func(name, value string) { writeHeader(&b, name, value) }
	header("From", encodeAddress(from))
	header("To", strings.Join(to, ",\r\n "))
	header("Subject", encodeText(m.Subject))
	// In Japan time: the readers are in Japan, and a client that shows the header raw
	// then shows their own time.
	header("Date", jst.In(m.CreatedAt).Format(time.RFC1123Z))
	header("Message-ID", m.MessageID)
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("text/plain", map[string]string{"charset": charset}))
	header("Content-Transfer-Encoding", "base64")
	// RFC 3834: no vacation or out-of-office replies to notifications.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	writeBase64Lines(&b, []byte(crlf(m.Text)))
	return b.Bytes(), nil
}

// encodeText encodes a header text as B encoded words, one per folded line, so that no
// line passes 78 characters.
func encodeText(s string) string {
	return fold(mime.BEncoding.Encode(charset, s))
}

func fold(words string) string { return strings.ReplaceAll(words, "?= =?", "?=\r\n =?") }

func encodeAddress(a netmail.Address) string {
	enc := mime.BEncoding.Encode(charset, a.Name)
	if enc == a.Name {
		return a.String() // plain ASCII: net/mail quotes it where needed
	}
	return fold(enc) + "\r\n <" + a.Address + ">"
}

// writeHeader writes one header field whose value may already be folded. An encoded
// word is up to 75 characters, so after a long field name the value starts on a
// folded line of its own to keep every line within RFC 5322's 78.
func writeHeader(b *bytes.Buffer, name, value string) {
	first, _, _ := strings.Cut(value, "\r\n")
	sep := " "
	if len(name)+2+len(first) > 78 {
		sep = "\r\n "
	}
	b.WriteString(name + ":" + sep + value + "\r\n")
}

// crlf gives text the line ends of the wire and makes it end with one.
func crlf(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.TrimRight(text, "\n") + "\n"
	return strings.ReplaceAll(text, "\n", "\r\n")
}

func writeBase64Lines(b *bytes.Buffer, raw []byte) {
	enc := base64.StdEncoding.EncodeToString(raw)
	for len(enc) > lineLength {
		b.WriteString(enc[:lineLength] + "\r\n")
		enc = enc[lineLength:]
	}
	b.WriteString(enc + "\r\n")
}
