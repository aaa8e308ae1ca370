package web

import "testing"

// loggedPath keeps an invitation URL's token out of the log however the path is
// spelt: routing ignores case, so /APPLY/<token> reaches the public page too.
func TestLoggedPathHidesTheInvitationToken(t *testing.T) {
	const token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, tt := range []struct{ path, want string }{
		{"/apply/" + token, "/apply/…"},
		{"/apply/" + token + "/confirm", "/apply/…"},
		{"/APPLY/" + token + "/submit", "/apply/…"},
		{"/Apply/" + token, "/apply/…"},
		{"//apply/" + token, "/apply/…"},
		{"/admin/invitations", "/admin/invitations"},
		{"/applyx", "/applyx"},
	} {
		if got := loggedPath(tt.path); got != tt.want {
			t.Errorf("loggedPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
