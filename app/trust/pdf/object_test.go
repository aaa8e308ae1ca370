package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/asn1"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParseObjects(t *testing.T) {
	cases := []struct {
		in   string
		want Object
	}{
		{"null", Null{}},
		{"true", Bool(true)},
		{"-42", Int(-42)},
		{"+7", Int(7)},
		{"3.25", Real(3.25)},
		{"-.5", Real(-0.5)},
		{"/Name#20With#2FSlash", Name("Name With/Slash")},
		{"(a\\(b\\)c\\\\ \\101\\n)", String{Value: []byte("a(b)c\\ A\n")}},
		{"(nested (parens) ok)", String{Value: []byte("nested (parens) ok")}},
		{"(line\\\ncontinued)", String{Value: []byte("linecontinued")}},
		{"(cr\r\nlf)", String{Value: []byte("cr\nlf")}},
		{"<48 65 6C6C6F>", String{Value: []byte("Hello"), Hex: true}},
		{"<ABC>", String{Value: []byte{0xab, 0xc0}, Hex: true}},
		{"[1 0 R 2 (x)]", Array{Ref{Num: 1}, Int(2), String{Value: []byte("x")}}},
		{"[1 2 R]", Array{Ref{Num: 1, Gen: 2}}},
		{"[1 2]", Array{Int(1), Int(2)}},
		{"<</A 1/B[/C]/N null>>", Dict{"A": Int(1), "B": Array{Name("C")}}},
		{"<< /K % comment\n 5 >>", Dict{"K": Int(5)}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			p := parser{b: []byte(tc.in)}
			got, err := p.object()
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if !bytes.Equal(canonical(got), canonical(tc.want)) {
				t.Fatalf("got %s, want %s", canonical(got), canonical(tc.want))
			}
			// What the writer produces must parse back to the same value.
			q := parser{b: canonical(got)}
			again, err := q.object()
			if err != nil {
				t.Fatalf("reparse %s: %v", canonical(got), err)
			}
			if !bytes.Equal(canonical(again), canonical(got)) {
				t.Fatalf("round trip %s became %s", canonical(got), canonical(again))
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "(unterminated", "<4G>", "[1 2", "<</A>>", "<<1 2>>", "1.2.3", "bogus", ")", "/A#Z", string(bytes.Repeat([]byte("["), maxDepth+1))} {
		t.Run(fmt.Sprintf("%.20q", in), func(t *testing.T) {
			p := parser{b: []byte(in)}
			if o, err := p.object(); !errors.Is(err, ErrMalformed) {
				t.Fatalf("parse %q = %v, %v; want ErrMalformed", in, o, err)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	gs := readFixture(t, "gs-classic-1.4.pdf")
	cases := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"not a pdf", []byte("hello world\n%%EOF\n"), ErrMalformed},
		{"no startxref", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), ErrMalformed},
		{"startxref beyond file", []byte("%PDF-1.4\nstartxref\n99999\n%%EOF\n"), ErrMalformed},
		{"startxref at garbage", []byte("%PDF-1.4\ngarbage\nstartxref\n9\n%%EOF\n"), ErrMalformed},
		{"prev loop", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Prev 9/Root 1 0 R>>\nstartxref\n9\n%%EOF\n"), ErrMalformed},
		{"root missing", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1>>\nstartxref\n9\n%%EOF\n"), ErrMalformed},
		{"root not a dictionary", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Root 0 0 R>>\nstartxref\n9\n%%EOF\n"), ErrMalformed},
		{"encrypt in trailer", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<</Size 1/Root 1 0 R/Encrypt 2 0 R>>\nstartxref\n9\n%%EOF\n"), ErrEncrypted},
		{"xref offset wrong", bytes.Replace(gs, []byte("startxref\n2407"), []byte("startxref\n2000"), 1), ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Open(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("Open = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEmbed(t *testing.T) {
	f, err := Open(readFixture(t, "qpdf-objstm.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.PrepareSignature(SignatureOptions{ContentsSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	fits, _ := asn1.Marshal([]byte("short"))
	big, _ := asn1.Marshal(bytes.Repeat([]byte{1}, 100))
	cases := []struct {
		name    string
		der     []byte
		wantErr error // nil: must succeed
		anyErr  bool
	}{
		{"fits", fits, nil, false},
		{"exactly full", append([]byte{0x04, 62}, bytes.Repeat([]byte{7}, 62)...), nil, false},
		{"overflow", big, ErrContentsOverflow, true},
		{"empty", nil, nil, true},
		{"not DER", []byte("plain text"), nil, true},
		{"trailing bytes", append(append([]byte(nil), fits...), 0), nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := embedWhole(p, tc.der)
			if tc.anyErr {
				if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("Embed = %v, want error %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(p.base)+len(p.tail) {
				t.Fatalf("embedding changed the file length")
			}
			g, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			sigs, _ := g.Signatures()
			if len(sigs) != 1 || !bytes.Equal(sigs[0].Contents, tc.der) {
				t.Fatalf("read back %x, want %x", sigs[0].Contents, tc.der)
			}
		})
	}
	if at := p.byteRange[1] - int64(len(p.base)); !bytes.Equal(p.tail[at:at+3], []byte("<00")) {
		t.Error("Embed modified the prepared bytes")
	}
	if _, err := f.PrepareSignature(SignatureOptions{ContentsSize: -1}); err == nil {
		t.Error("negative reservation accepted")
	}
}

func TestDates(t *testing.T) {
	jst := time.FixedZone("", 9*3600)
	cases := []struct {
		in   string
		want time.Time
	}{
		{"D:20261124153000+09'00'", time.Date(2026, 11, 24, 15, 30, 0, 0, jst)},
		{"D:20261124153000+09'00", time.Date(2026, 11, 24, 15, 30, 0, 0, jst)},
		{"D:20261124063000Z", time.Date(2026, 11, 24, 6, 30, 0, 0, time.UTC)},
		{"D:20261124063000-05'30'", time.Date(2026, 11, 24, 6, 30, 0, 0, time.FixedZone("", -(5*3600+1800)))},
		{"D:2026", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"20261124", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("ParseDate = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "D:", "D:20x6", "D:202611241530+9x"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	now := time.Date(2026, 11, 24, 15, 30, 5, 0, jst)
	if s := FormatDate(now); s != "D:20261124153005+09'00'" {
		t.Errorf("FormatDate = %s", s)
	}
	if back, err := ParseDate(FormatDate(now)); err != nil || !back.Equal(now) {
		t.Errorf("round trip = %v, %v", back, err)
	}
}

func TestDecodePredictor(t *testing.T) {
	// Two rows of three columns, PNG "Up" then "Sub" filtered.
	raw := []byte{2, 1, 2, 3, 1, 1, 1, 1}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	f := &File{}
	got, err := f.DecodeStream(&Stream{
		Dict: Dict{"Filter": Name("FlateDecode"), "DecodeParms": Dict{"Predictor": Int(12), "Columns": Int(3)}},
		Data: z.Bytes(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{1, 2, 3, 1, 2, 3}; !bytes.Equal(got, want) {
		t.Fatalf("decoded %v, want %v", got, want)
	}
	if _, err := f.DecodeStream(&Stream{Dict: Dict{"Filter": Name("LZWDecode")}}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("LZW: %v, want ErrUnsupported", err)
	}
}
