package runner

import (
	"fmt"

	"gitlab.com/mlgate/mlgate/internal/config"
	"gitlab.com/mlgate/mlgate/internal/gate"
	"gitlab.com/mlgate/mlgate/internal/prom"
)

// promClient returns a client for the Prometheus a gate names:
// r.PrometheusURL (the --prometheus flag), else MLGATE_PROMETHEUS_URL,
// else the config's url.
func (r *Runner) promClient(p *config.Prometheus, section string) (*prom.Client, error) {
	var cfg config.Prometheus
	if p != nil {
		cfg = *p
	}
	url := firstOf(r.PrometheusURL, r.Getenv("MLGATE_PROMETHEUS_URL"), cfg.URL)
	if url == "" {
		return nil, gate.Input(fmt.Errorf("no Prometheus: give --prometheus URL, set MLGATE_PROMETHEUS_URL or %s.prometheus.url", section))
	}
	opts := prom.Options{Timeout: cfg.Timeout, Logger: r.Logger}
	if cfg.TokenEnv != "" {
		opts.BearerToken = r.Getenv(cfg.TokenEnv)
		if opts.BearerToken == "" {
			return nil, gate.Input(fmt.Errorf("%s.prometheus.token_env names %s, which is unset or empty", section, cfg.TokenEnv))
		}
	}
	c, err := prom.New(url, opts)
	if err != nil {
		return nil, gate.Input(err)
	}
	return c, nil
}
