package web_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

// TestFiftyMegabyteUploadIsRefusedCheaply sends a 50 MB file to CSVファイル取り込み over a
// real socket, announced (Content-Length) and streamed (chunked, no length), and checks
// that the server refuses it with the Japanese 413 while the heap grows by less than
// 10 MB: the body is never read into memory. TotalAlloc counts every byte allocated
// meanwhile, client included, so it bounds the peak growth from above.
func TestFiftyMegabyteUploadIsRefusedCheaply(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	admin := adminClient(t, env)
	admin.Get("/admin/invitations/new?method=file")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.Server.Web.Listener(ln)
	t.Cleanup(func() { ln.Close() })
	const size = 50 << 20
	cookies := fmt.Sprintf("inkan_session=%s", admin.Cookie("inkan_session"))
	head := "POST /admin/invitations/upload HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookies +
		"\r\nX-Csrf-Token: " + admin.CSRF + "\r\nContent-Type: multipart/form-data; boundary=x\r\n"
	for _, tt := range []struct {
		name string
		send func(w io.Writer)
	}{
		{"announced", func(w io.Writer) { fmt.Fprintf(w, "%sContent-Length: %d\r\n\r\n", head, size) }},
		{"chunked", func(w io.Writer) {
			fmt.Fprintf(w, "%sTransfer-Encoding: chunked\r\n\r\n", head)
			// One chunk written again and again: the client allocates nothing per chunk.
			const n = 64 << 10
			chunk := []byte(fmt.Sprintf("%x\r\n%s\r\n", n, strings.Repeat("a", n)))
			for sent := 0; sent < size; sent += n {
				if _, err := w.Write(chunk); err != nil {
					return // the server has answered and closed
				}
			}
			fmt.Fprint(w, "0\r\n\r\n")
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			go tt.send(conn)
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			runtime.ReadMemStats(&after)
			grew := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %d, allocated %.1f MB while refusing 50 MB", tt.name, resp.StatusCode, float64(grew)/(1<<20))
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "送信された内容が大きすぎます") {
				t.Errorf("status %d\n%.300s", resp.StatusCode, body)
			}
			if grew >= 10<<20 {
				t.Errorf("allocated %d bytes refusing the upload, want < 10 MB", grew)
			}
		})
	}
}

// TestUploadedRowsAreClippedBeforeShownOrKept: a row of a list may be as long as the file
// (2 MB) in one cell; refused as too long, it is shown and kept for 確定 cut to what the
// field takes, not as sent, so that neither the page nor the stored draft carries it.
func TestUploadedRowsAreClippedBeforeShownOrKept(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/invitations/new?method=file")
	long := strings.Repeat("長", 500<<10) // 1.5 MB in UTF-8
	list := "企業名,担当者名,メールアドレス\n" + long + ",山田,a@example.jp\nB社,佐藤,b@example.jp\n"
	r := c.PostFile("/admin/invitations/upload", nil, "file", "a.csv", []byte(list))
	if r.Status != http.StatusOK || r.Doc.Find("#invite-rows tr.bad").Length() != 1 || !strings.Contains(r.Text("#invite-rows"), "入力できる文字数を超えています") {
		t.Fatalf("upload: %d %.300s", r.Status, r.Text("#invite-rows"))
	}
	if len(r.Body) > 64<<10 {
		t.Errorf("the confirm screen is %d bytes: the over-long cell is shown whole", len(r.Body))
	}
	token, _ := r.Doc.Find(`input[name="draft"]`).Attr("value")
	err := env.Server.Store.View(func(tx *data.Tx) error {
		d, err := tx.Draft(token, "user:"+env.Creds.AdminID, "invite_file")
		if err == nil && len(d.Payload) > 64<<10 {
			t.Errorf("the draft of the list holds %d bytes: the over-long cell is kept whole", len(d.Payload))
		}
		return err
	})
	if err != nil {
		t.Fatalf("the draft of the list: %v", err)
	}
}
