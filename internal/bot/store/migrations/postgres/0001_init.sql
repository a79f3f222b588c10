CREATE TABLE alerts (
  id            BIGSERIAL PRIMARY KEY,
  group_key     TEXT    NOT NULL,
  fingerprint   TEXT    NOT NULL,
  starts_at     BIGINT  NOT NULL,
  status        TEXT    NOT NULL,
  receiver      TEXT    NOT NULL,
  alertname     TEXT    NOT NULL,
  labels        TEXT    NOT NULL,
  annotations   TEXT    NOT NULL,
  ends_at       BIGINT  NOT NULL,
  generator_url TEXT    NOT NULL,
  received_at   BIGINT  NOT NULL,
  resolved_at   BIGINT  NOT NULL DEFAULT 0,
  UNIQUE (group_key, fingerprint, starts_at)
);
CREATE TABLE jobs (
  id              BIGSERIAL PRIMARY KEY,
  kind            TEXT    NOT NULL,
  alert_id        BIGINT  NOT NULL,
  rule            TEXT    NOT NULL,
  model           TEXT    NOT NULL,
  dedup_key       TEXT    NOT NULL UNIQUE,
  task            TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT  NOT NULL,
  locked_until    BIGINT  NOT NULL DEFAULT 0,
  lease           TEXT    NOT NULL DEFAULT '',
  last_error      TEXT    NOT NULL DEFAULT '',
  result          TEXT    NOT NULL DEFAULT '',
  created_at      BIGINT  NOT NULL,
  updated_at      BIGINT  NOT NULL
);
CREATE INDEX jobs_ready ON jobs (state, next_attempt_at);
CREATE TABLE cooldowns (
  model  TEXT   PRIMARY KEY,
  job_id BIGINT NOT NULL,
  until  BIGINT NOT NULL
);
CREATE TABLE pipelines (
  id          BIGSERIAL PRIMARY KEY,
  job_id      BIGINT NOT NULL,
  alert_id    BIGINT NOT NULL,
  backend     TEXT   NOT NULL,
  project     TEXT   NOT NULL,
  external_id BIGINT NOT NULL,
  ref         TEXT   NOT NULL,
  web_url     TEXT   NOT NULL,
  status      TEXT   NOT NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  UNIQUE (backend, external_id)
);
CREATE TABLE deliveries (
  source      TEXT   NOT NULL,
  key         TEXT   NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (source, key)
);
CREATE TABLE approvals (
  id          BIGSERIAL PRIMARY KEY,
  alert_id    BIGINT NOT NULL,
  rule        TEXT   NOT NULL,
  model       TEXT   NOT NULL,
  project     TEXT   NOT NULL,
  ref         TEXT   NOT NULL,
  version     TEXT   NOT NULL,
  state       TEXT   NOT NULL,
  proposed_by TEXT   NOT NULL,
  decided_by  TEXT   NOT NULL DEFAULT '',
  expires_at  BIGINT NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE TABLE audit (
  id       BIGSERIAL PRIMARY KEY,
  at       BIGINT NOT NULL,
  actor    TEXT   NOT NULL,
  action   TEXT   NOT NULL,
  subject  TEXT   NOT NULL,
  detail   TEXT   NOT NULL,
  alert_id BIGINT NOT NULL DEFAULT 0,
  job_id   BIGINT NOT NULL DEFAULT 0
);
