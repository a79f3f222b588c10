# syntax=docker/dockerfile:1
# mlbot image: a static binary (pure-Go SQLite, no cgo) on distroless, running as non-root.
# Build (no Docker daemon needed in CI: see .gitlab-ci.yml's kaniko job):
#   docker build -f deploy/mlbot.Dockerfile -t mlgate/mlbot .
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -tags nomsgpack -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/mlbot ./cmd/mlbot \
 && /out/mlbot version

# distroless/static has CA certificates (for GitLab, GitHub, Slack over
# TLS) and a nonroot user, and no shell.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/mlbot /usr/local/bin/mlbot
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/mlbot"]
CMD ["serve", "--config", "/etc/mlbot/mlbot.yml"]
EXPOSE 8080
VOLUME ["/var/lib/mlbot"]
