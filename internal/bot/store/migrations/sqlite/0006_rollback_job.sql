-- The GitLab job an approved rollback plays (play mode), recorded before
-- the play call: an attempt after a crash plays that job if it is still
-- manual and adopts it if it was played, instead of choosing (and
-- playing) another. 0 until a job is chosen.
ALTER TABLE approvals ADD COLUMN rollback_job BIGINT NOT NULL DEFAULT 0
