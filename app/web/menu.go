package web

// section is one entry of the menu bar of SPEC section 4.
type section struct {
	Key       string
	Path      string
	AdminOnly bool
	// Index is true when Path is a page listing the items, false when it is a screen
	// of its own (トップページ, 個人設定).
	Index bool
	Items []menuItem
}

// menuItem is an entry of a section's drop-down. Coming names the catalog text that
// says what a later release brings to a screen not built yet; the screen exists so that
// no menu link is dead.
type menuItem struct {
	Key    string
	Path   string
	Coming string
}

// menu is the menu bar, in the manual's order (ログアウト is a form, added by the layout).
var menu = []section{
	{Key: "menu.top", Path: "/"},
	{Key: "menu.contracts", Path: "/contracts", Index: true, Items: []menuItem{
		{"menu.contracts.register", "/contracts/new", "coming.contracts.register"},
		{"menu.contracts.list", "/contracts/list", "coming.contracts.list"},
	}},
	{Key: "menu.templates", Path: "/templates", Index: true, Items: []menuItem{
		{"menu.templates.register", "/templates/new", "coming.templates.register"},
		{"menu.templates.list", "/templates/list", "coming.templates.list"},
	}},
	{Key: "menu.archive", Path: "/archive", Index: true, Items: []menuItem{
		{"menu.archive.list", "/archive/list", "coming.archive.list"},
	}},
	{Key: "menu.certificates", Path: "/certificates", Index: true, Items: []menuItem{
		{"menu.certificates.check", "/certificates/check", "coming.certificates.check"},
		{"menu.certificates.list", "/certificates/list", "coming.certificates.list"},
	}},
	{Key: "menu.admin", Path: "/admin", AdminOnly: true, Index: true, Items: []menuItem{
		{"menu.admin.user_register", "/admin/users/new", ""},
		{"menu.admin.user_list", "/admin/users", ""},
		{"menu.admin.documents", "/admin/documents", "coming.admin.documents"},
		{"menu.admin.archive", "/admin/archive", "coming.admin.archive"},
		{"menu.admin.cert_apply", "/admin/certificates/apply", "coming.admin.cert_apply"},
		{"menu.admin.certificates", "/admin/certificates", "coming.admin.certificates"},
		{"menu.admin.invite", "/admin/invitations/new", "coming.admin.invite"},
		{"menu.admin.invitations", "/admin/invitations", "coming.admin.invitations"},
	}},
	{Key: "menu.settings", Path: "/settings", Items: []menuItem{
		{"menu.settings.personal", "/settings", ""},
		{"menu.settings.password", "/password", ""},
	}},
	{Key: "menu.support", Path: "/support", Index: true, Items: []menuItem{
		{"menu.support.manual", "/support/manual", "coming.support.manual"},
		{"menu.support.contact", "/support/contact", "coming.support.contact"},
	}},
}

// menuFor is the menu bar a user sees: 管理者業務 only for admin IDs, 利用申請URL送信 only
// for companies whose plan may invite partners.
func menuFor(isAdmin, canInvite bool) []section {
	out := make([]section, 0, len(menu))
	for _, s := range menu {
		if s.AdminOnly && !isAdmin {
			continue
		}
		if s.AdminOnly && !canInvite {
			s.Items = withoutItem(s.Items, "menu.admin.invite")
		}
		out = append(out, s)
	}
	return out
}

func withoutItem(items []menuItem, key string) []menuItem {
	out := make([]menuItem, 0, len(items))
	for _, it := range items {
		if it.Key != key {
			out = append(out, it)
		}
	}
	return out
}
