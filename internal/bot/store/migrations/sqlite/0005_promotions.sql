-- A request's kind: 'rollback' (every request before promotions) or
-- 'promotion' (a canary's confirm-promotion gate).
ALTER TABLE approvals ADD COLUMN kind TEXT NOT NULL DEFAULT 'rollback';
-- One promotion request per canary revision (engine/namespace/name/
-- revision): the idempotency key of the gate webhooks. approval_id is 0
-- only inside the transaction that creates the request. rollback_at is
-- when the rollback hook first answered "roll back".
CREATE TABLE promotions (
  canary_key  TEXT   PRIMARY KEY,
  approval_id BIGINT NOT NULL,
  rollback_at BIGINT NOT NULL DEFAULT 0,
  created_at  BIGINT NOT NULL
);
CREATE INDEX promotions_approval ON promotions (approval_id)
