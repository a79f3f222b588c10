# mlgate: the two set-up commands are `make demo` and `make test`.
GO        ?= go
BIN       := bin
LDFLAGS   := -s -w -X main.version=$(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
export CGO_ENABLED ?= 0
# nomsgpack: gin without its MessagePack binding and render, so mlbot does
# not link github.com/ugorji/go/codec (6.4 MB of the stripped binary). The
# intake binds and renders JSON only. Tests run with the same tags.
TAGS      ?= nomsgpack

.PHONY: all build demo test lint fuzz bench e2e clean

all: build

build:
	$(GO) build -trimpath -tags '$(TAGS)' -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/...
	@for b in $(BIN)/*; do stat -c '%s %n' "$$b"; done | awk '{printf "%s: %.1f MB stripped\n", $$2, $$1/1e6}'

## demo: every gate on bundled sample data, no network; writes ./mlgate-demo/
demo: build
	./$(BIN)/gate-runner demo --out mlgate-demo

## test: every unit and integration test (integration tests skip, saying why,
## when Prometheus, Alertmanager, Pushgateway or PostgreSQL are absent).
test:
	@touch $${TMPDIR:-/tmp}/.mlgate-test-start
	$(GO) test -tags '$(TAGS)' -count=1 -timeout 15m ./...
	@find $${TMPDIR:-/tmp} -maxdepth 2 -path '*mlgate-*-screenshot/report.png' -newer $${TMPDIR:-/tmp}/.mlgate-test-start \
	  -printf 'screenshot of report.html in headless Chromium: %p\n' 2>/dev/null; true

## e2e: the whole loop with the real Pushgateway, Prometheus and Alertmanager:
## gate-runner drift --push → shipped rules → shipped route → mlbot → one
## GitLab pipeline; prints the notification → pipeline time. MLGATE_E2E=1
## makes missing programs an error instead of a skip.
e2e:
	$(GO) test -count=1 -run TestLoop -v ./e2e/

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
