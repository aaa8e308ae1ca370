package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"inkan/app/testkit/webtest"
	"inkan/data"
)

// ceremonyStep posts one step of a passkey ceremony as the browser's script does (the
// CSRF token in the header) and decodes the JSON reply.
func ceremonyStep(t *testing.T, c *webtest.Client, path string, form url.Values) (*webtest.Response, map[string]any) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	r := c.Do(http.MethodPost, path, form, http.Header{"X-Csrf-Token": {c.CSRF}})
	var reply map[string]any
	if err := json.Unmarshal([]byte(r.Body), &reply); err != nil {
		t.Fatalf("%s: %d, not JSON: %s", path, r.Status, r.Body)
	}
	return r, reply
}

// The login ceremony's options name the base URL's host as the relying party; the
// challenge stays server-side under a single-use token in an HttpOnly, SameSite=Strict
// cookie; an answer that does not verify logs nobody in and uses the ceremony up.
func TestPasskeyLoginCeremony(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Get("/login")
	r, reply := ceremonyStep(t, c, "/login/passkey/begin", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("begin: %d %v", r.Status, reply)
	}
	options, _ := reply["options"].(map[string]any)
	pk, _ := options["publicKey"].(map[string]any)
	if pk["rpId"] != "localhost" || pk["userVerification"] != "required" || pk["challenge"] == "" {
		t.Errorf("login options %v: want rpId localhost (the default base URL), user verification required, a challenge", pk)
	}
	cookie := r.Header.Get("Set-Cookie")
	for _, want := range []string{"inkan_passkey=", "HttpOnly", "SameSite=Strict", "path=/login/passkey"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("ceremony cookie %q lacks %s", cookie, want)
		}
	}
	token := c.Cookie("inkan_passkey")

	r, reply = ceremonyStep(t, c, "/login/passkey/finish", url.Values{"id": {"forged"}})
	if r.Status != http.StatusUnauthorized || !strings.Contains(reply["error"].(string), "このパスキーではログインできません") {
		t.Errorf("forged answer: %d %v", r.Status, reply)
	}
	if c.Cookie("inkan_session") != "" {
		t.Error("a forged answer got a session cookie")
	}
	err := env.Server.Store.View(func(tx *data.Tx) error {
		_, err := tx.Draft(token, "passkey.login", "passkey.login")
		return err
	})
	if err != data.ErrNotFound {
		t.Errorf("ceremony after a refused answer: %v, want it used up", err)
	}
}

// Refused passkey answers count toward the login throttle of the address.
func TestPasskeyLoginIsThrottled(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Get("/login")
	var r *webtest.Response
	for range 11 {
		ceremonyStep(t, c, "/login/passkey/begin", nil)
		r, _ = ceremonyStep(t, c, "/login/passkey/finish", url.Values{"id": {"forged"}})
	}
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("11th refused passkey answer: %d Retry-After %q, want 429 with Retry-After", r.Status, r.Header.Get("Retry-After"))
	}
}

// Registering needs a logged-in user past the forced password change, a name, and
// removing reaches only the user's own passkeys: another account's answers 404.
func TestPasskeyRegistrationRules(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	c := env.Client(t)
	c.Get("/login")
	if r := c.Do(http.MethodPost, "/settings/passkeys/begin", url.Values{"name": {"PC"}}, http.Header{"X-Csrf-Token": {c.CSRF}}); r.Status != http.StatusSeeOther {
		t.Errorf("begin without login: %d, want the way to the login", r.Status)
	}
	c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	c.ChangePassword(env.Creds.AdminPassword, "Kensetsu-2026")
	c.Get("/settings")
	for _, tc := range []struct{ name, want string }{
		{"", "パスキーの名前を入力してください"},
		{strings.Repeat("あ", 41), "40文字以内"},
		{"PC\u202e", "制御文字"},
	} {
		r, reply := ceremonyStep(t, c, "/settings/passkeys/begin", url.Values{"name": {tc.name}})
		if msg, _ := reply["error"].(string); r.Status != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.want) {
			t.Errorf("name %q: %d %q, want 422 with %s", tc.name, r.Status, msg, tc.want)
		}
	}
	r, reply := ceremonyStep(t, c, "/settings/passkeys/begin", url.Values{"name": {"会社のPC"}})
	pk, _ := reply["options"].(map[string]any)["publicKey"].(map[string]any)
	user, _ := pk["user"].(map[string]any)
	if r.Status != http.StatusOK || user["name"] != env.Creds.AdminID || pk["rp"].(map[string]any)["id"] != "localhost" {
		t.Errorf("registration options: %d %v", r.Status, pk)
	}

	other, _ := env.AddUser(t, webtest.DemoCompanyID, "general", "他人 次郎")
	err := env.Server.Store.Update(func(tx *data.Tx) error {
		return tx.CreatePasskey(data.Passkey{ID: "someone-elses", Owner: "user:" + other, CompanyID: webtest.DemoCompanyID, Name: "他人のPC"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Post("/settings/passkeys/someone-elses/delete", nil); r.Status != http.StatusNotFound {
		t.Errorf("removing another user's passkey: %d, want 404", r.Status)
	}
	err = env.Server.Store.View(func(tx *data.Tx) error {
		_, err := tx.Passkey("someone-elses")
		return err
	})
	if err != nil {
		t.Errorf("another user's passkey after the refused removal: %v", err)
	}
}

// Starting a login ceremony writes its challenge to the store before anyone is known,
// so one address may start only so many a minute: past that it gets 429 with a message
// the script shows, and nothing more is written; another address is not held up.
func TestPasskeyLoginBeginIsThrottled(t *testing.T) {
	env := webtest.New(t, webtest.Config(t))
	for _, path := range []string{"/login/passkey/begin", "/operator/login/passkey/begin"} {
		c := env.Client(t)
		c.IP = "198.51.100.9"
		c.Get("/login")
		var r *webtest.Response
		var reply map[string]any
		for range 100 {
			r, reply = ceremonyStep(t, c, path, nil)
		}
		if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(reply["error"].(string), "しばらく時間をおいて") {
			t.Errorf("%s: 100 ceremonies from one address in a minute: %d %v, want 429 with Retry-After and a message", path, r.Status, reply)
		}
		other := env.Client(t)
		other.IP = "198.51.100.10"
		other.Get("/login")
		if r, _ := ceremonyStep(t, other, path, nil); r.Status != http.StatusOK {
			t.Errorf("%s: another address while one is throttled: %d", path, r.Status)
		}
	}
}
