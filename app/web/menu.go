package web

import (
	"html/template"
	"strings"

	"inkan/app/locale/i18n"
)

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

// inviteItem is 利用申請URL送信, which only a company whose plan may invite partners
// has: the menu leaves it out for the others and its routes refuse them (requireInvite).
const inviteItem = "menu.admin.invite"

// invitationsItem is 利用申請状況確認, which follows the invitations of 利用申請URL送信:
// shown and reachable under the same plan rule.
const invitationsItem = "menu.admin.invitations"

// menu is the menu bar, in the manual's order (ログアウト is a form, added by the layout).
var menu = []section{
	{Key: "menu.top", Path: "/"},
	{Key: "menu.contracts", Path: "/contracts", Index: true, Items: []menuItem{
		{"menu.contracts.register", "/contracts/new", ""},
		{"menu.contracts.list", "/contracts/list", ""},
	}},
	{Key: "menu.templates", Path: "/templates", Index: true, Items: []menuItem{
		{"menu.templates.register", "/templates/new", "coming.templates.register"},
		{"menu.templates.list", "/templates/list", "coming.templates.list"},
	}},
	{Key: "menu.archive", Path: "/archive", Index: true, Items: []menuItem{
		{"menu.archive.list", "/archive/list", ""},
	}},
	{Key: "menu.certificates", Path: "/certificates", Index: true, Items: []menuItem{
		{"menu.certificates.check", "/certificates/check", ""},
		{"menu.certificates.list", "/certificates/list", ""},
	}},
	{Key: "menu.admin", Path: "/admin", AdminOnly: true, Index: true, Items: []menuItem{
		{"menu.admin.user_register", "/admin/users/new", ""},
		{"menu.admin.user_list", "/admin/users", ""},
		{"menu.admin.documents", "/admin/documents", ""},
		{"menu.admin.archive", "/admin/archive", ""},
		{"menu.admin.cert_apply", "/admin/certificates/apply", ""},
		{"menu.admin.certificates", "/admin/certificates", ""},
		{inviteItem, "/admin/invitations/new", ""},
		{invitationsItem, "/admin/invitations", ""},
	}},
	{Key: "menu.settings", Path: "/settings", Items: []menuItem{
		{"menu.settings.personal", "/settings", ""},
		{"menu.settings.password", "/password", ""},
	}},
	{Key: "menu.support", Path: "/support", Index: true, Items: []menuItem{
		{manualItem, manualPath, ""},
		{recordsLawItem, recordsLawPath, ""},
		{"menu.support.contact", "/support/contact", "coming.support.contact"},
	}},
}

// operatorMenu is the operator console's menu bar.
var operatorMenu = []section{
	{Key: "operator.companies", Path: "/operator"},
	{Key: "operator.onboard", Path: "/operator/companies/new"},
	{Key: "operator.usage", Path: "/operator/usage"},
	{Key: "operator.applications", Path: "/operator/applications"},
	{Key: "operator.certificates", Path: "/operator/certificates"},
	{Key: "operator.notices", Path: "/operator/notices"},
	{Key: "operator.outbox", Path: "/operator/outbox"},
	{Key: "operator.passkeys", Path: "/operator/passkeys"},
	{Key: "operator.partner_applications", Path: "/operator/partner-applications"},
}

// menuEntry is a menu link as partials/menu_items draws it, its label translated.
type menuEntry struct {
	Key   string
	Label string
	Path  string
	Items []menuEntry
}

// menuBar names one drawing of a menu bar: the same for everyone with the same
// language, console, role and plan rule, on a screen of the same section.
type menuBar struct {
	lang, active               string
	operator, admin, canInvite bool
}

// menus holds every menu bar drawn once at start, for every language and every
// section that can be the active one. They hold no company's data, only the menu
// table, so a page picks its bar instead of drawing thirty links.
type menus map[menuBar]template.HTML

func drawMenus(s *screens, catalogs *i18n.Catalogs) (menus, error) {
	m := menus{}
	for _, lang := range catalogs.Languages() {
		l := catalogs.For(lang)
		bars := map[menuBar][]section{{lang: lang, operator: true}: operatorMenu}
		for _, admin := range []bool{false, true} {
			for _, invite := range []bool{false, true} {
				bars[menuBar{lang: lang, admin: admin, canInvite: invite}] = menuFor(admin, invite)
			}
		}
		for bar, sections := range bars {
			entries := translateSections(l, sections)
			for _, active := range append([]string{""}, keysOf(sections)...) {
				bar.active = active
				var b strings.Builder
				err := execute(s.byLang[lang], &b, "partials/menu_items", struct {
					Items  []menuEntry
					Active string
				}{entries, active})
				if err != nil {
					return nil, err
				}
				m[bar] = template.HTML(b.String())
			}
		}
	}
	return m, nil
}

// bar is the drawn menu bar; a screen whose active section is not in the menu gets
// the bar with none marked.
func (m menus) bar(b menuBar) template.HTML {
	if html, ok := m[b]; ok {
		return html
	}
	b.active = ""
	return m[b]
}

func keysOf(sections []section) []string {
	keys := make([]string, len(sections))
	for i, s := range sections {
		keys[i] = s.Key
	}
	return keys
}

func translateSections(l i18n.Localizer, sections []section) []menuEntry {
	out := make([]menuEntry, len(sections))
	for i, s := range sections {
		out[i] = menuEntry{Key: s.Key, Label: l.T(s.Key), Path: s.Path}
		for _, it := range s.Items {
			out[i].Items = append(out[i].Items, menuEntry{Key: it.Key, Label: l.T(it.Key), Path: it.Path})
		}
	}
	return out
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
			s.Items = withoutItem(withoutItem(s.Items, inviteItem), invitationsItem)
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
