-- A pipeline status hook that arrived before mlbot recorded the pipeline
-- (killed between GitLab's answer and the record, or a pipeline faster
-- than the record): kept, and applied when the pipeline is recorded. A
-- final status (success, failed, canceled, skipped) is not replaced by a
-- later-delivered earlier one. Hooks of pipelines that never become
-- mlbot's (the project's other pipelines) are pruned after a day.
CREATE TABLE early_statuses (
  backend     TEXT   NOT NULL,
  external_id BIGINT NOT NULL,
  status      TEXT   NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (backend, external_id)
);
CREATE INDEX early_statuses_received ON early_statuses (received_at)
