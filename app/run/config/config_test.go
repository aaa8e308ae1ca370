package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(Config) bool
		wantErr bool
	}{
		{"defaults", nil, nil, func(c Config) bool {
			return c.Addr == ":8080" && c.DataDir == "./inkan-data" && c.SessionIdle == 30*time.Minute && c.SMTP.TLS == "starttls"
		}, false},
		{"env", nil, map[string]string{"INKAN_ADDR": ":9000", "INKAN_SERVICE_NAME": "建設契約"}, func(c Config) bool {
			return c.Addr == ":9000" && c.ServiceName == "建設契約"
		}, false},
		{"flag beats env", []string{"--addr", ":7000"}, map[string]string{"INKAN_ADDR": ":9000"}, func(c Config) bool {
			return c.Addr == ":7000"
		}, false},
		{"secret from file", nil, map[string]string{"INKAN_SMTP_PASSWORD_FILE": secret}, func(c Config) bool {
			return c.SMTP.Password == "s3cret"
		}, false},
		{"https base url", []string{"--base-url", "https://keiyaku.example.jp/"}, nil, func(c Config) bool {
			return c.SecureCookies() && c.BaseURL == "https://keiyaku.example.jp"
		}, false},
		{"trusted proxies", []string{"--trusted-proxies", "2"}, nil, func(c Config) bool { return c.TrustedProxies == 2 }, false},
		{"one trusted proxy by default", nil, nil, func(c Config) bool { return c.TrustedProxies == 1 }, false},
		{"no trusted proxies", []string{"--trusted-proxies", "0"}, nil, nil, true},
		{"tsa policy", nil, map[string]string{"INKAN_TSA_POLICY": "1.2.392.200999.1"}, func(c Config) bool { return c.TSAPolicy == "1.2.392.200999.1" }, false},
		{"tsa policy not an OID", []string{"--tsa-policy", "inkan"}, nil, nil, true},
		{"tsa policy arc beyond 31 bits", []string{"--tsa-policy", "2.25.44053190891876977409054278534333426403"}, nil, nil, true},
		{"contract PDFs up to 20 MB by default", nil, nil, func(c Config) bool { return c.ContractPDFMax == 20<<20 }, false},
		{"contract PDF limit", nil, map[string]string{"INKAN_CONTRACT_PDF_MAX_MB": "50"}, func(c Config) bool { return c.ContractPDFMax == 50<<20 }, false},
		{"contract PDF limit of nothing", []string{"--contract-pdf-max-mb", "0"}, nil, nil, true},
		{"contract PDF limit too large", []string{"--contract-pdf-max-mb", "101"}, nil, nil, true},
		{"contract PDF limit not a number", []string{"--contract-pdf-max-mb", "20MB"}, nil, nil, true},
		{"bad tls", []string{"--smtp-tls", "ssl"}, nil, nil, true},
		{"bad base url", []string{"--base-url", "localhost"}, nil, nil, true},
		{"bad duration", []string{"--session-idle", "soon"}, nil, nil, true},
		{"idle longer than max", []string{"--session-idle", "2h", "--session-max", "1h"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, err := Parse("serve", tt.args, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}

func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if !strings.Contains(string(readme), "`--"+s.Flag+"` | `"+s.Env+"`") {
			t.Errorf("README's configuration table lacks --%s / %s", s.Flag, s.Env)
		}
	}
}
