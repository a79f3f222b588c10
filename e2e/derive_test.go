//go:build unix

package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deriveAlertmanagerConfig replaces, in the shipped config, the timers of
// the top route and the URL and credentials of the webhook of the receiver
// the mlgate_action route sends to; everything else stays as shipped.
func deriveAlertmanagerConfig(shipped []byte, webhook, tokenFile string) ([]byte, error) {
	var cfg map[string]any
	if err := yaml.Unmarshal(shipped, &cfg); err != nil {
		return nil, err
	}
	route, _ := cfg["route"].(map[string]any)
	if route == nil {
		return nil, errors.New("no route")
	}
	route["group_wait"] = groupWait.String()
	route["group_interval"] = groupInterval.String()
	route["repeat_interval"] = repeatInterval.String()
	receiver := ""
	subs, _ := route["routes"].([]any)
	for _, s := range subs {
		r, _ := s.(map[string]any)
		ms, _ := r["matchers"].([]any)
		for _, m := range ms {
			if ms, ok := m.(string); ok && strings.HasPrefix(ms, "mlgate_action") {
				receiver, _ = r["receiver"].(string)
			}
		}
		for _, k := range []string{"group_wait", "group_interval", "repeat_interval"} {
			if _, ok := r[k]; ok {
				return nil, fmt.Errorf("route to %v sets %s: the test shortens only the top route's timers", r["receiver"], k)
			}
		}
	}
	if receiver == "" {
		return nil, errors.New("no route with an mlgate_action matcher")
	}
	replaced := 0
	recvs, _ := cfg["receivers"].([]any)
	for _, rv := range recvs {
		r, _ := rv.(map[string]any)
		if r["name"] != receiver {
			continue
		}
		hooks, _ := r["webhook_configs"].([]any)
		for _, h := range hooks {
			hook, _ := h.(map[string]any)
			hook["url"] = webhook
			hc, _ := hook["http_config"].(map[string]any)
			auth, _ := hc["authorization"].(map[string]any)
			if auth == nil {
				return nil, fmt.Errorf("receiver %s: webhook without http_config.authorization", receiver)
			}
			delete(auth, "credentials")
			auth["credentials_file"] = tokenFile
			replaced++
		}
	}
	if replaced != 1 {
		return nil, fmt.Errorf("receiver %q has %d webhook_configs, want 1", receiver, replaced)
	}
	return yaml.Marshal(cfg)
}

// TestDeriveAlertmanagerConfig checks that the derivation keeps the shipped
// routing and replaces only the webhook and the timers, and that it
// refuses configs it could not derive faithfully.
func TestDeriveAlertmanagerConfig(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "deploy", "alertmanager", "alertmanager.yml"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := deriveAlertmanagerConfig(shipped, "http://127.0.0.1:1/v1/alertmanager", "/tmp/tok")
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(shipped, &want); err != nil {
		t.Fatal(err)
	}
	route := got["route"].(map[string]any)
	if route["group_wait"] != "200ms" || route["group_interval"] != "500ms" || route["repeat_interval"] != "1s" {
		t.Errorf("timers not shortened: %v", route)
	}
	hook := mlbotHook(t, got)
	if hook["url"] != "http://127.0.0.1:1/v1/alertmanager" || hook["http_config"].(map[string]any)["authorization"].(map[string]any)["credentials_file"] != "/tmp/tok" {
		t.Errorf("webhook not replaced: %v", hook)
	}
	// Everything else is as shipped: put the replaced fields back and compare.
	wr := want["route"].(map[string]any)
	for _, k := range []string{"group_wait", "group_interval", "repeat_interval"} {
		route[k] = wr[k]
	}
	wh := mlbotHook(t, want)
	hook["url"] = wh["url"]
	hook["http_config"] = wh["http_config"]
	a, _ := yaml.Marshal(got)
	b, _ := yaml.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("derived config differs from the shipped one beyond the replaced fields:\n%s\nwant\n%s", a, b)
	}

	for _, tc := range []struct{ name, in, err string }{
		{"no route", "receivers: []\n", "no route"},
		{"no mlgate_action route", "route: {receiver: x, routes: [{receiver: y, matchers: ['severity=\"critical\"']}]}\n", "no route with an mlgate_action"},
		{"sub-route timers", "route: {receiver: x, routes: [{receiver: y, matchers: ['mlgate_action=\"retrain\"'], repeat_interval: 4h}]}\n", "shortens only the top route"},
		{"receiver without webhook", "route: {receiver: x, routes: [{receiver: y, matchers: ['mlgate_action=\"retrain\"']}]}\nreceivers: [{name: y}]\n", "want 1"},
		{"webhook without authorization", "route: {receiver: x, routes: [{receiver: y, matchers: ['mlgate_action=\"retrain\"']}]}\nreceivers: [{name: y, webhook_configs: [{url: 'http://a'}]}]\n", "without http_config.authorization"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := deriveAlertmanagerConfig([]byte(tc.in), "http://127.0.0.1:1", "/tmp/tok")
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
}

// mlbotHook returns the first webhook of the receiver named mlbot.
func mlbotHook(t *testing.T, cfg map[string]any) map[string]any {
	t.Helper()
	for _, r := range cfg["receivers"].([]any) {
		if r := r.(map[string]any); r["name"] == "mlbot" {
			return r["webhook_configs"].([]any)[0].(map[string]any)
		}
	}
	t.Fatal("no receiver mlbot")
	return nil
}
