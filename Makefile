# mlgate: the two set-up commands are `make demo` and `make test`.
GO        ?= go
BIN       := bin
LDFLAGS   := -s -w -X main.version=$(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
export CGO_ENABLED ?= 0
# nomsgpack: gin without its MessagePack binding and render, so mlbot does
# not link github.com/ugorji/go/codec (6.4 MB of the stripped binary). The
# intake binds and renders JSON only. Tests run with the same tags.
TAGS      ?= nomsgpack
# Every go command the Makefile runs builds with the same flags, so `make
# build`, `make test` and `make test-slow` share one build cache.
export GOFLAGS := $(strip $(GOFLAGS) -trimpath -tags=$(TAGS))

.PHONY: all build demo test test-slow lint fuzz bench e2e soak clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...
	@for b in $(BIN)/*; do stat -c '%s %n' "$$b"; done | awk '{printf "%s: %.1f MB stripped\n", $$2, $$1/1e6}'

## demo: every gate on bundled sample data, no network; writes ./mlgate-demo/
demo: build
	./$(BIN)/gate-runner demo --out mlgate-demo

## test: the quick suite, every test but the slow ones (a slow test calls
## testenv.Slow: it starts Prometheus, Alertmanager, PostgreSQL, Chromium,
## gitlab-ci-local or a built binary, or takes more than a few seconds).
## `go vet` runs in `make lint`, not once per test binary here, and the test
## binaries are linked without DWARF (-w: a fifth less link time; stack
## traces keep their file:line, only a debugger would miss it).
TESTFLAGS ?= -vet=off -ldflags=-w -count=1
test:
	MLGATE_SLOW=skip $(GO) test $(TESTFLAGS) -timeout 15m ./...

## test-slow: exactly the tests `make test` skips (scripts/slow-tests.sh
## finds them); they skip, saying why, when the programs they need are
## absent. .ci/run runs both.
test-slow:
	@touch $${TMPDIR:-/tmp}/.mlgate-test-start
	$(GO) test $(TESTFLAGS) -timeout 20m $$(bash scripts/slow-tests.sh)
	@find $${TMPDIR:-/tmp} -maxdepth 2 -path '*mlgate-*-screenshot/report.png' -newer $${TMPDIR:-/tmp}/.mlgate-test-start \
	  -printf 'screenshot of report.html in headless Chromium: %p\n' 2>/dev/null; true

## e2e: the whole loop with the real Pushgateway, Prometheus and Alertmanager:
## gate-runner drift --push → shipped rules → shipped route → mlbot → one
## GitLab pipeline; prints the notification → pipeline time. MLGATE_E2E=1
## makes missing programs an error instead of a skip.
e2e:
	$(GO) test -count=1 -run TestLoop -v ./e2e/

## soak: two mlbot replicas on a throwaway PostgreSQL under mixed traffic
## for SOAK (default 30m), one of them killed with SIGKILL and restarted
## every few minutes; fails on a duplicate or lost pipeline or play, or
## RSS/fd growth (bench/README.md). Needs Debian's postgresql.
SOAK ?= 30m
soak: build
	$(GO) run ./bench/mlbot/soak -duration $(SOAK) -mlbot $(BIN)/mlbot

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$($(GO) list -f '{{.Dir}}' ./...)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	 elif [ -x "$$($(GO) env GOPATH)/bin/staticcheck" ]; then "$$($(GO) env GOPATH)/bin/staticcheck" ./...; \
	 else echo "staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@latest)"; fi

## fuzz: a short run of every fuzz target (FUZZTIME per target, default 10s).
FUZZTIME ?= 10s
fuzz:
	FUZZTIME=$(FUZZTIME) bash scripts/fuzz-all.sh

## bench: benchmarks against the tools users would use instead (bench/README.md).
bench: build
	bash bench/run.sh

clean:
	rm -rf $(BIN) mlgate-out mlgate-demo
