package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientAddress is the one owner of "the client's address" for throttling, sessions
// and the audit trail. Without a proxy header it is the connection's peer. With one,
// proxies append to the header (X-Forwarded-For: client, proxy1, …), so only the
// entries on the right were written by proxies we trust: the address is the entry
// Config.TrustedProxies places from the right — whatever a client puts in front of it
// is ignored. fiber's c.IP() returns the whole header, which a client could vary to get
// a fresh throttle budget on every request, so nothing else reads it.
func (h *handler) clientAddress(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	name := h.Config.ProxyHeader
	if name == "" {
		return peer
	}
	// A proxy may add a header line of its own rather than extend the first one.
	var entries []string
	for _, line := range c.Request().Header.PeekAll(name) {
		entries = append(entries, strings.Split(string(line), ",")...)
	}
	n := max(h.Config.TrustedProxies, 1)
	if len(entries) == 0 {
		return peer
	}
	// Fewer entries than proxies: every entry was written by a trusted proxy, and the
	// left-most is the closest to the client.
	entry := entries[max(len(entries)-n, 0)]
	addr, err := netip.ParseAddr(strings.TrimSpace(entry))
	if err != nil {
		return peer
	}
	return addr.Unmap().WithZone("").String()
}
