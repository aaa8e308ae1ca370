package web_test

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"inkan/app/domain/account"
	"inkan/app/testkit/webtest"
)

// The page benchmarks serve requests through the real app's fasthttp handler, as the
// listener would, without a network in between; BenchmarkBareFiber is the same path
// through a fiber app with one handler that writes a short text, the ceiling the
// screens are measured against (issue: the 50-row list at 10% of it, the top page at
// 20%). Run them side by side:
//
//	go test -run '^$' -bench 'BareFiber|TopPage|UserList' -cpu 2 ./app/web
func BenchmarkBareFiber(b *testing.B) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error { return c.SendString("hello") })
	serve(b, app.Handler(), "/", "")
}

func BenchmarkTopPage(b *testing.B) {
	env, cookie := benchEnv(b, 0)
	serve(b, env.Server.Web.Handler(), "/", cookie)
}

func BenchmarkUserList50(b *testing.B) {
	env, cookie := benchEnv(b, 49)
	serve(b, env.Server.Web.Handler(), "/admin/users", cookie)
}

// benchEnv is the demo installation with more users in the demo company, and the
// session cookie of its admin after the forced password change.
func benchEnv(b testing.TB, users int) (*webtest.Env, string) {
	env := webtest.New(b, webtest.Config(b))
	for i := range users {
		env.AddUser(b, webtest.DemoCompanyID, account.RoleGeneral, fmt.Sprintf("利用者 %02d", i))
	}
	c := env.Client(b)
	c.Login(env.Creds.AdminID, env.Creds.AdminPassword)
	c.ChangePassword(env.Creds.AdminPassword, "Bench-pass-2026")
	return env, "inkan_session=" + c.Cookie("inkan_session")
}

func serve(b *testing.B, h fasthttp.RequestHandler, path, cookie string) {
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 40000}
	// One warm-up request checks the page answers, so a redirect to the login page is
	// not measured by mistake.
	if status, body := do(h, addr, path, cookie); status != fasthttp.StatusOK {
		b.Fatalf("GET %s: %d\n%s", path, status, body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if status, _ := do(h, addr, path, cookie); status != fasthttp.StatusOK {
				b.Errorf("GET %s: %d", path, status)
				return
			}
		}
	})
}

func do(h fasthttp.RequestHandler, addr net.Addr, path, cookie string) (int, string) {
	var req fasthttp.Request
	req.SetRequestURI(path)
	req.Header.SetHost("localhost")
	req.Header.Set("X-Real-Ip", "192.0.2.10")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, addr, nil)
	h(&ctx)
	body := ctx.Response.Body()
	if strings.Contains(string(ctx.Response.Header.ContentType()), "html") && len(body) < 100 {
		return 0, string(body)
	}
	return ctx.Response.StatusCode(), ""
}
