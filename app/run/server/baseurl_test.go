package server

import (
	"net"
	"testing"
)

func TestBaseURLLeftDefault(t *testing.T) {
	tcp := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		base string
		addr net.Addr
		want bool
	}{
		{"http://localhost:8080", tcp("[::]:8080"), false},
		{"http://localhost:8080", tcp("0.0.0.0:8080"), false},
		{"http://localhost:8080", tcp("127.0.0.1:8080"), false},
		{"http://localhost:8080", tcp("[::]:9000"), true},
		{"http://localhost:8080", tcp("192.0.2.10:8080"), true},
		{"https://keiyaku.example.jp", tcp("[::]:9000"), false},
		{"http://192.0.2.10:8080", tcp("192.0.2.10:8080"), false},
	}
	for _, tt := range tests {
		if got := baseURLLeftDefault(tt.base, tt.addr); got != tt.want {
			t.Errorf("base %s on %s: %v, want %v", tt.base, tt.addr, got, tt.want)
		}
	}
}
