// Package blob opens inputs kept in object storage: s3://bucket/key URLs,
// read through the MinIO client (github.com/minio/minio-go/v7) from AWS
// S3 or any S3-compatible server (MinIO, SeaweedFS, versitygw, Ceph, GCS's
// S3 interface).
//
// The endpoint and credentials come from the environment as AWS's tools
// read them (see Config): AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL,
// AWS_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else the shared credentials file (~/.aws/credentials,
// AWS_PROFILE), else a web identity (AWS_WEB_IDENTITY_TOKEN_FILE and
// AWS_ROLE_ARN, as on EKS and in GitLab's OIDC jobs) or a container's
// credentials endpoint, else anonymous requests.
//
// An object is never loaded whole to be read: Object streams it from
// one GET for sequential readers (CSV, JSON Lines, gzip) and answers
// ReadAt from ranged GETs of 1 MiB blocks with a small cache, so that a
// Parquet reader fetches the footer and the column chunks it needs.
// Ahead and Span stream a known range (a column chunk, a row group)
// through one GET in the background while its first bytes are used: an
// S3 request costs a round trip and the server's work whatever its
// size, so a Parquet file is read in a few large GETs, each started
// before it is needed. Open reads the object's last 64 KiB in one ranged
// GET: its Content-Range gives the size (not HEAD: the same permission as
// the read, and servers that answer HEAD differently agree), and a
// Parquet footer is read from those bytes without a GET of its own.
//
// A URL with a wildcard (*, ?, [...]) in its key, or ending in "/", names
// a dataset of many objects: Expand lists the objects under the key's
// part before the first wildcard and keeps those the pattern matches (as
// path.Match: * does not cross "/").
//
// Errors are *Error: one line with the URL and the S3 error code
// (NoSuchKey, AccessDenied, NoSuchBucket, ...) or the endpoint that could
// not be reached. Credentials are never part of a message.
package blob
