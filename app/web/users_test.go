package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"inkan/app/domain/account"
	"inkan/app/domain/company"
	"inkan/app/testkit/webtest"
	"inkan/data"
)

func registrationForm() url.Values {
	return url.Values{
		"role": {"general"}, "name": {"佐藤 次郎"}, "kana": {"ｻﾄｳ ｼﾞﾛｳ"}, "dept": {"工務部"},
		"title": {"主任"}, "tel": {"０３－１２３４－５６７８"}, "email": {"sato@example.jp"},
	}
}

func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, s := range v {
		out[k] = s
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func adminClient(t *testing.T, env *webtest.Env) *webtest.Client {
	t.Helper()
	c, _ := loggedIn(t, env, env.Creds.AdminID, env.Creds.AdminPassword)
	return c
}

func TestRegistrationValidation(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/users/new")
	tests := []struct {
		name, field, value, want string
	}{
		{"role missing", "role", "", "必須項目です"},
		{"role unknown", "role", "root", "必須項目です"},
		{"name missing", "name", " ", "必須項目です"},
		{"name too long", "name", strings.Repeat("長", 51), "文字数を超えています"},
		{"kana missing", "kana", "", "必須項目です"},
		{"kana in latin letters", "kana", "Sato Jiro", "全角カタカナ"},
		{"kana with kanji", "kana", "佐藤", "全角カタカナ"},
		{"email missing", "email", "", "必須項目です"},
		{"email without domain dot", "email", "sato@example", "メールアドレスの形式"},
		{"email with a name", "email", "Sato <sato@example.jp>", "メールアドレスの形式"},
		{"email with two at", "email", "sato@@example.jp", "メールアドレスの形式"},
		{"tel with parentheses", "tel", "03(1234)5678", "半角数字とハイフン"},
		{"tel with letters", "tel", "03-1234-abcd", "半角数字とハイフン"},
		{"tel ending in hyphen", "tel", "03-1234-", "半角数字とハイフン"},
		{"dept too long", "dept", strings.Repeat("部", 51), "文字数を超えています"},
		{"name with a right-to-left override", "name", "佐藤\u202E郎次", "制御文字"},
		{"name with a tab", "name", "佐藤\t次郎", "制御文字"},
		{"name with a line break", "name", "佐藤\n次郎", "制御文字"},
		{"kana with NUL", "kana", "サトウ\x00", "制御文字"},
		{"dept with an isolate", "dept", "工務部\u2066", "制御文字"},
		{"title with DEL", "title", "主任\x7f", "制御文字"},
		{"email with an override", "email", "sato\u202E@example.jp", "制御文字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Post("/admin/users/confirm", with(registrationForm(), tt.field, tt.value))
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", r.Status)
			}
			input := r.Doc.Find(fmt.Sprintf(`[name=%q]`, tt.field))
			if tt.field == "role" {
				input = input.First()
			}
			msg := strings.TrimSpace(input.Closest(".field").Find(".error").Text())
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message beside %s = %q, want %q", tt.field, msg, tt.want)
			}
			if r.Has(`input[name="draft"]`) {
				t.Error("an invalid input reached the confirm screen")
			}
		})
	}
}

func TestRegistrationConfirmBackAndCommitOnce(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	c.Get("/admin/users/new")
	confirm := c.Post("/admin/users/confirm", registrationForm())
	if confirm.Status != http.StatusOK {
		t.Fatalf("confirm: %d\n%s", confirm.Status, confirm.Body)
	}
	shown := confirm.Doc.Find("#confirm").Text()
	// Half-width kana and full-width digits are converted, not refused.
	for _, want := range []string{"一般", "佐藤 次郎", "サトウ　ジロウ", "工務部", "主任", "03-1234-5678", "sato@example.jp"} {
		if !strings.Contains(shown, want) {
			t.Errorf("confirm screen lacks %q:\n%s", want, shown)
		}
	}
	hidden := url.Values{}
	confirm.Doc.Find(`form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		hidden.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})

	back := c.Post("/admin/users/back", hidden)
	if got := back.Doc.Find(`input[name="kana"]`).AttrOr("value", ""); got != "サトウ　ジロウ" {
		t.Errorf("戻る lost the kana: %q", got)
	}
	if !back.Has(`input[name="role"][value="general"][checked]`) {
		t.Error("戻る lost the role")
	}

	before := countUsers(t, env)
	done := c.Post("/admin/users/commit", hidden)
	if done.Status != http.StatusOK {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	id := regexp.MustCompile(`U\d{6}`).FindString(done.Text("#done"))
	if id == "" {
		t.Fatalf("no ID on the done screen: %s", done.Text("#done"))
	}
	replay := c.Post("/admin/users/commit", hidden)
	if replay.Status != http.StatusConflict || !strings.Contains(replay.Text(".alert"), "確定済み") {
		t.Errorf("replayed 確定: %d %q", replay.Status, replay.Text(".alert"))
	}
	if n := countUsers(t, env) - before; n != 1 {
		t.Errorf("%d users created, want 1", n)
	}
	subjects := mailSubjectsTo(t, env, "sato@example.jp")
	if len(subjects) != 2 || !strings.Contains(subjects[0], "利用者ID発行のお知らせ") || !strings.Contains(subjects[1], "初回ログインパスワードのお知らせ") {
		t.Errorf("mails to the new user: %q", subjects)
	}

	// The new user logs in with the mailed password and must change it first.
	pw := mailedPassword(t, env, "sato@example.jp")
	u := env.Client(t)
	if r := u.Login(id, pw); !strings.Contains(r.Body, "初回ログインパスワードを新しいパスワードに変更") {
		t.Errorf("new user's first login did not force the change:\n%s", r.Body)
	}
}

func countUsers(t *testing.T, env *webtest.Env) int {
	t.Helper()
	var n int
	env.Server.Store.View(func(tx *data.Tx) error {
		users, err := tx.Tenant(webtest.DemoCompanyID).Users()
		n = len(users)
		return err
	})
	return n
}

// mails lists the outbox messages to one address, oldest first.
func mails(t *testing.T, env *webtest.Env, to string) []data.Mail {
	t.Helper()
	var out []data.Mail
	env.Server.Store.View(func(tx *data.Tx) error {
		all, err := tx.RecentMails(1000)
		for i := len(all) - 1; i >= 0; i-- {
			if strings.Join(all[i].To, ",") == to {
				out = append(out, all[i])
			}
		}
		return err
	})
	return out
}

func mailSubjectsTo(t *testing.T, env *webtest.Env, to string) []string {
	var out []string
	for _, m := range mails(t, env, to) {
		out = append(out, m.Subject)
	}
	return out
}

var passwordLine = regexp.MustCompile(`初回ログインパスワード：(\S+)`)

// mailedPassword is the password of the newest password mail to an address, as the
// mail is sent (the store holds it sealed).
func mailedPassword(t *testing.T, env *webtest.Env, to string) string {
	t.Helper()
	ms := mails(t, env, to)
	for i := len(ms) - 1; i >= 0; i-- {
		text, err := env.Server.Mail.Open(ms[i])
		if err != nil {
			t.Fatal(err)
		}
		if m := passwordLine.FindStringSubmatch(text); m != nil {
			return m[1]
		}
	}
	t.Fatalf("no password mail to %s", to)
	return ""
}

func TestUserListSearchPagingAndFragment(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	for i := 1; i <= 60; i++ {
		env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, fmt.Sprintf("社員 %02d", i))
	}
	suzuki, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "鈴木 一郎")
	setStatus(t, env, suzuki, account.StatusSuspended)
	c := adminClient(t, env)

	tests := []struct {
		name, query, count string
		rows               int
	}{
		{"empty form is everything", "", "62件中1～50件目を表示", 50},
		{"second page", "page=2", "62件中51～62件目を表示", 12},
		{"page past the end is the last", "page=9", "62件中51～62件目を表示", 12},
		{"name substring without the space", "name=鈴木一郎", "1件中1～1件目を表示", 1},
		{"name in hiragana finds the katakana reading", "name=てすと", "61件中1～50件目を表示", 50},
		{"suspended only", "status=suspended", "1件中1～1件目を表示", 1},
		{"exact ID, typed in full width", "id=" + url.QueryEscape("ｕ"+strings.TrimPrefix(suzuki, "U")), "1件中1～1件目を表示", 1},
		{"nothing matches", "name=存在しない", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Get("/admin/users?" + tt.query)
			if r.Status != http.StatusOK {
				t.Fatalf("status %d", r.Status)
			}
			if got := r.Text("#count"); got != tt.count {
				t.Errorf("count line %q, want %q", got, tt.count)
			}
			if got := r.Doc.Find("#user-list tbody tr").Length(); got != tt.rows {
				t.Errorf("%d rows, want %d", got, tt.rows)
			}
		})
	}
	r := c.Get("/admin/users?status=suspended")
	row := r.Doc.Find("#user-list tbody tr").First().Text()
	for _, want := range []string{suzuki, "鈴木 一郎", "テスト", "一般", "なし", "停止中", "2026/04/01"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	// htmx asks for the result table alone; the page around it is not sent again.
	frag := c.Do(http.MethodGet, "/admin/users?page=2", nil, http.Header{"Hx-Request": {"true"}})
	if !frag.Has("#results") || frag.Has("nav .menu") {
		t.Errorf("htmx request got a whole page or no table:\n%.300s", frag.Body)
	}
	if href := r.Doc.Find(`.export a`).First().AttrOr("href", ""); href != "/admin/users/export?format=csv&status=suspended" {
		t.Errorf("export link %q does not repeat the search", href)
	}
}

// setStatus suspends or reactivates a user the way 自社利用者情報変更 does, as the demo
// company's admin, without going through the screens.
func setStatus(t *testing.T, env *webtest.Env, id, status string) {
	t.Helper()
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		u, err := tx.Tenant(webtest.DemoCompanyID).User(id)
		if err != nil {
			return err
		}
		ch := account.ChangeFrom(u)
		ch.Status = status
		_, err = env.Server.Accounts.Change(tx, webtest.DemoCompanyID, id, env.Creds.AdminID, ch, time.Time{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// editUser changes a stored user behind the screens' back.
func editUser(t *testing.T, env *webtest.Env, id string, change func(*data.User)) {
	t.Helper()
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		tn := tx.Tenant(webtest.DemoCompanyID)
		u, err := tn.User(id)
		if err != nil {
			return err
		}
		change(&u)
		return tn.PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUserExportFormats(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	evil, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "x")
	editUser(t, env, evil, func(u *data.User) { u.Name = `=HYPERLINK("http://evil.example","髙橋")` })
	c := adminClient(t, env)

	r := c.Get("/admin/users/export?format=csv")
	if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.Body, "\ufeff") {
		t.Error("UTF-8 CSV without BOM")
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows := readCSV(t, strings.TrimPrefix(r.Body, "\ufeff"))
	checkExport(t, rows, evil)

	sj := c.Get("/admin/users/export?format=csv-sjis")
	decoded, err := japanese.ShiftJIS.NewDecoder().String(sj.Body)
	if err != nil {
		t.Fatal(err)
	}
	checkExport(t, readCSV(t, decoded), evil)

	x := c.Get("/admin/users/export?format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	xrows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(xrows) != 3 || xrows[0][1] != "利用者ID" || xrows[2][1] != evil {
		t.Errorf("xlsx rows: %q", xrows)
	}

	if r := c.Get("/admin/users/export?format=pdf"); r.Status != http.StatusBadRequest {
		t.Errorf("unknown format: %d", r.Status)
	}
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func checkExport(t *testing.T, rows [][]string, evil string) {
	t.Helper()
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2: %q", len(rows), rows)
	}
	want := []string{"No", "利用者ID", "利用者名", "利用者名カナ", "権限", "電子証明書", "利用ステータス", "更新日"}
	if got := rows[0][:len(want)]; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("header %q", rows[0])
	}
	// The demo admin is linked to DJC-00001: 電子証明書 あり.
	if rows[1][1] != "U000001" || rows[1][4] != "管理者" || rows[1][5] != "あり" {
		t.Errorf("admin row %q", rows[1])
	}
	if rows[2][1] != evil || !strings.HasPrefix(rows[2][2], "'=HYPERLINK") || !strings.Contains(rows[2][2], "髙橋") {
		t.Errorf("formula not neutralised or text lost: %q", rows[2])
	}
}

func TestChangeUserThroughConfirm(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "変更 対象")
	victim, _ := loggedIn(t, env, id, pw)
	c := adminClient(t, env)

	edit := c.Get("/admin/users/" + id + "/edit")
	form := url.Values{}
	edit.Doc.Find(`form input[type="hidden"], form input[type="text"], form input[type="tel"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	form.Set("role", "general")
	form.Set("status", "suspended")
	form.Set("dept", "システム部")
	form.Set("reset_password", "1")
	if form.Get("name") != "変更 対象" || form.Get("seen") == "" {
		t.Fatalf("edit form not pre-filled: %v", form)
	}
	confirm := c.Post("/admin/users/"+id+"/confirm", form)
	shown := confirm.Doc.Find("#confirm").Text()
	for _, want := range []string{id, "システム部", "停止中", "初期化する"} {
		if !strings.Contains(shown, want) {
			t.Errorf("confirm lacks %q:\n%s", want, shown)
		}
	}
	form.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))
	done := c.Post("/admin/users/"+id+"/commit", form)
	if done.Status != http.StatusOK || !strings.Contains(done.Text("#user-detail"), "システム部") {
		t.Fatalf("commit: %d\n%s", done.Status, done.Body)
	}
	if got := done.Text(`[role="status"]`); got != "利用者情報を変更しました。新しい初回ログインパスワードを利用者のメールアドレスに送信しました。" {
		t.Errorf("message after a change with パスワード初期化: %q", got)
	}
	// 停止中 takes effect at once: the open session is refused.
	if r := victim.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("suspended user's session still works: %d", r.Status)
	}
	newPW := mailedPassword(t, env, "user@example.com")
	if newPW == pw {
		t.Error("password reset mailed the old password")
	}
	if r := c.Post("/admin/users/"+id+"/commit", form); r.Status != http.StatusConflict {
		t.Errorf("replayed change: %d", r.Status)
	}

	// Reactivated, the user logs in with the new initial password and must change it.
	form.Set("status", "active")
	form.Del("reset_password")
	form.Set("seen", "")
	confirm = c.Post("/admin/users/"+id+"/confirm", form)
	form.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))
	if got := c.Post("/admin/users/"+id+"/commit", form).Text(`[role="status"]`); got != "利用者情報を変更しました。" {
		t.Errorf("message after a change without パスワード初期化: %q", got)
	}
	again := env.Client(t)
	if r := again.Login(id, newPW); !strings.Contains(r.Body, "初回ログインパスワードを新しいパスワードに変更") {
		t.Errorf("reset password not forced to change:\n%.500s", r.Body)
	}
}

// A change made by someone else between 確認 and 確定 refuses the 確定 with a message on
// the input screen of the same user, and the edit then continues from the new version.
func TestChangeMadeMeanwhileIsShownAndCanBeConfirmedAgain(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "変更 対象")
	c := adminClient(t, env)
	edit := c.Get("/admin/users/" + id + "/edit")
	form := url.Values{}
	edit.Doc.Find(`form input[type="hidden"], form input[type="text"], form input[type="tel"]`).Each(func(_ int, s *goquery.Selection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	form.Set("role", "general")
	form.Set("status", "active")
	form.Set("dept", "工務部")
	confirm := c.Post("/admin/users/"+id+"/confirm", form)
	form.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))

	env.Clock.Advance(time.Minute)
	setStatus(t, env, id, account.StatusSuspended)

	// The screen shown after the refusal has the confirmed values, not the hidden
	// fields as posted.
	form.Set("dept", "偽装部")
	refused := c.Post("/admin/users/"+id+"/commit", form)
	if refused.Status != http.StatusUnprocessableEntity || !strings.Contains(refused.Text(".alert"), "他の操作で変更されました") {
		t.Fatalf("commit after a change meanwhile: %d\n%s", refused.Status, refused.Body)
	}
	if action := refused.Doc.Find("main form").AttrOr("action", ""); action != "/admin/users/"+id+"/confirm" {
		t.Errorf("the refused edit posts to %q", action)
	}
	again := url.Values{}
	refused.Doc.Find(`main form input[type="hidden"], main form input[type="text"], main form input[type="tel"]`).Each(func(_ int, s *goquery.Selection) {
		again.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	again.Set("role", "general")
	again.Set("status", "active")
	if again.Get("dept") != "工務部" {
		t.Errorf("the confirmed values are not shown again: %v", again)
	}
	confirm = c.Post("/admin/users/"+id+"/confirm", again)
	again.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))
	if done := c.Post("/admin/users/"+id+"/commit", again); done.Status != http.StatusOK || !strings.Contains(done.Text("#user-detail"), "工務部") {
		t.Fatalf("confirming again: %d\n%s", done.Status, done.Body)
	}
}

func TestChangeRulesOnTheAdminsThemselves(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := adminClient(t, env)
	self := env.Creds.AdminID
	base := url.Values{"role": {"admin"}, "name": {"管理 太郎"}, "kana": {"カンリ タロウ"}, "email": {"admin@example.jp"}, "status": {"active"}}
	tests := []struct {
		name, field, value, want string
	}{
		{"demote self", "role", "general", "自身の権限は変更できません"},
		{"suspend self", "status", "suspended", "自身を停止中にはできません"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := with(base, tt.field, tt.value)
			confirm := c.Post("/admin/users/"+self+"/confirm", form)
			form.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))
			r := c.Post("/admin/users/"+self+"/commit", form)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, tt.want) {
				t.Errorf("%d, want 422 with %q", r.Status, tt.want)
			}
		})
	}
	// A change made by someone else after the confirm screen is not overwritten.
	other, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "他 人")
	edit := c.Get("/admin/users/" + other + "/edit")
	form := with(base, "role", "general", "name", "他 人", "seen", edit.Doc.Find(`input[name="seen"]`).AttrOr("value", ""))
	confirm := c.Post("/admin/users/"+other+"/confirm", form)
	form.Set("draft", confirm.Doc.Find(`input[name="draft"]`).AttrOr("value", ""))
	env.Clock.Advance(time.Second)
	editUser(t, env, other, func(u *data.User) { u.UpdatedAt = env.Clock.Now() })
	if r := c.Post("/admin/users/"+other+"/commit", form); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "他の操作で変更されました") {
		t.Errorf("stale change: %d", r.Status)
	}
}

func TestDeleteUser(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	id, pw := env.AddUser(t, webtest.DemoCompanyID, account.RoleAdmin, "削除 予定")
	victim, _ := loggedIn(t, env, id, pw)
	c := adminClient(t, env)

	if r := c.Get("/admin/users/" + id + "/delete"); !strings.Contains(r.Body, "復活させることができません") {
		t.Errorf("no confirmation before 削除:\n%.300s", r.Body)
	}
	if r := c.Post("/admin/users/"+env.Creds.AdminID+"/delete", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text(".alert"), "自身は削除できません") {
		t.Errorf("deleting oneself: %d %q", r.Status, r.Text(".alert"))
	}
	// While the user is the 担当者 of a document not yet in long-term storage, 削除 is
	// refused; once the document is stored, it goes through.
	var doc data.Document
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		doc = data.Document{Title: "工事請負契約書", Sender: data.Party{UserID: id}}
		return tx.Tenant(webtest.DemoCompanyID).CreateDocument(&doc)
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Post("/admin/users/"+id+"/delete", nil); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Text(".alert"), "長期保管前の契約文書") {
		t.Errorf("deleting a party to an open document: %d %q", r.Status, r.Text(".alert"))
	}
	err = env.Server.Store.Update(func(tx *data.Tx) error {
		doc.StorageStart = env.Clock.Now()
		_, err := tx.Tenant(webtest.DemoCompanyID).PutDocument(doc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Post("/admin/users/"+id+"/delete", nil); r.Status != http.StatusOK || !r.Has("#done") {
		t.Fatalf("delete: %d\n%s", r.Status, r.Body)
	}
	if r := victim.Get("/"); r.Status != http.StatusSeeOther {
		t.Errorf("deleted user's session still works: %d", r.Status)
	}
	if r := env.Client(t).Login(id, newPassword); !r.Has(".alert") {
		t.Error("deleted user could log in")
	}
	for _, path := range []string{"/admin/users/" + id, "/admin/users/" + id + "/edit"} {
		if r := c.Get(path); r.Status != http.StatusNotFound {
			t.Errorf("GET %s of a deleted user: %d", path, r.Status)
		}
	}
	// 削除 asked again (Back, reload) says the ID is deleted, and offers no 削除.
	if r := c.Get("/admin/users/" + id + "/delete"); r.Status != http.StatusOK || !r.Has("#done") || r.Has("main button.danger") {
		t.Errorf("GET /delete of a deleted user: %d\n%s", r.Status, r.Body)
	}
	if r := c.Get("/admin/users?id=" + id); r.Doc.Find("#user-list tbody a").Length() != 0 {
		t.Error("deleted user still listed")
	}
	// The ID is never issued again.
	next, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "次 の人")
	if next <= id {
		t.Errorf("new user got %s after deleted %s", next, id)
	}
}

func TestAnotherCompanysUsersAreNotFound(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	victim, _ := env.AddUser(t, webtest.DemoCompanyID, account.RoleGeneral, "他社 の人")
	_, bAdmin, bPW := env.AddCompany(t, "B建設株式会社", company.PlanBothSides)
	b, _ := loggedIn(t, env, bAdmin, bPW)
	change := with(registrationForm(), "status", "active", "kana", "タシャ")
	for _, r := range []struct{ method, path string }{
		{http.MethodGet, "/admin/users/" + victim},
		{http.MethodGet, "/admin/users/" + victim + "/edit"},
		{http.MethodPost, "/admin/users/" + victim + "/confirm"},
		{http.MethodPost, "/admin/users/" + victim + "/back"},
		{http.MethodPost, "/admin/users/" + victim + "/commit"},
		{http.MethodGet, "/admin/users/" + victim + "/delete"},
		{http.MethodPost, "/admin/users/" + victim + "/delete"},
		{http.MethodGet, "/admin/users/" + victim + "/api"},
		{http.MethodPost, "/admin/users/" + victim + "/unlock"},
	} {
		got := b.Get(r.path)
		if r.method == http.MethodPost {
			got = b.Post(r.path, with(change))
		}
		if got.Status != http.StatusNotFound || strings.Contains(got.Body, "他社 の人") {
			t.Errorf("%s %s from company B: %d", r.method, r.path, got.Status)
		}
	}
	for _, q := range []string{"format=csv", "format=csv&id=" + victim, "format=xlsx&name=" + url.QueryEscape("他社")} {
		r := b.Get("/admin/users/export?" + q)
		if strings.Contains(r.Body, victim) || strings.Contains(r.Body, "他社 の人") {
			t.Errorf("company B's export %s shows company A's user", q)
		}
	}
	if r := b.Get("/admin/users?id=" + victim); r.Doc.Find("#user-list tbody a").Length() != 0 {
		t.Error("company B's search finds company A's user")
	}
	var u data.User
	env.Server.Store.View(func(tx *data.Tx) (err error) { u, err = tx.Tenant(webtest.DemoCompanyID).User(victim); return })
	if u.Status != account.StatusActive || u.Name != "他社 の人" {
		t.Errorf("company A's user was changed: %+v", u)
	}
}

func TestPersonalContactSettings(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	old := storedUser(t, env, webtest.DemoCompanyID, env.Creds.AdminID)
	c := adminClient(t, env)
	c.Get("/settings")
	if r := c.Post("/settings/contact", url.Values{"email": {"bad@"}, "tel": {"03-1"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "メールアドレスの形式") {
		t.Errorf("bad mail: %d", r.Status)
	}
	r := c.Post("/settings/contact", url.Values{"email": {"new@example.jp"}, "tel": {"０９０－１１１１－２２２２"}})
	if r.Status != http.StatusOK || !strings.Contains(r.Text(".notice-ok"), "連絡先を変更しました") {
		t.Fatalf("contact change: %d", r.Status)
	}
	var u data.User
	env.Server.Store.View(func(tx *data.Tx) (err error) {
		u, err = tx.Tenant(webtest.DemoCompanyID).User(env.Creds.AdminID)
		return
	})
	if u.Email != "new@example.jp" || u.Tel != "090-1111-2222" {
		t.Errorf("stored %q %q", u.Email, u.Tel)
	}
	// The old address is told, without the new one; the new address gets no notice.
	var notices []data.Mail
	for _, m := range mails(t, env, old.Email) {
		if m.Template == "email_changed" {
			notices = append(notices, m)
		}
	}
	if len(notices) != 1 || !strings.HasSuffix(notices[0].Subject, "メールアドレス変更のお知らせ") ||
		!strings.Contains(notices[0].Text, env.Creds.AdminID) || strings.Contains(notices[0].Text, "new@example.jp") {
		t.Errorf("notice to the old address %s: %+v", old.Email, notices)
	}
	if n := len(mails(t, env, "new@example.jp")); n != 0 {
		t.Errorf("%d mails to the new address", n)
	}
	// Saving the same address again (only the TEL changed) sends nothing more.
	c.Post("/settings/contact", url.Values{"email": {"NEW@example.jp"}, "tel": {"090-1111-3333"}})
	if n := len(mails(t, env, "new@example.jp")) + len(mails(t, env, "NEW@example.jp")); n != 0 {
		t.Errorf("%d mails after saving the same address", n)
	}
}
