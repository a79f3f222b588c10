# syntax=docker/dockerfile:1
# gate-runner image: a static binary on distroless, running as non-root.
# Build (no Docker daemon needed in CI: see .gitlab-ci.yml's kaniko job):
#   docker build -f deploy/gate-runner.Dockerfile -t mlgate/gate-runner .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/gate-runner ./cmd/gate-runner \
 && /out/gate-runner version

# distroless/static has CA certificates (for GitLab, MLflow, Prometheus over
# TLS) and a nonroot user. Its debug variant adds busybox at /busybox/sh:
# the components run gate-runner in a CI job's `script:`, and GitLab Runner
# needs a shell in the job's image (it looks for /busybox/sh among others,
# as for kaniko's debug image). mlbot's image, never a CI job's, has none.
FROM gcr.io/distroless/static-debian12:debug-nonroot
COPY --from=build /out/gate-runner /usr/local/bin/gate-runner
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/gate-runner"]
CMD ["--help"]
