-- Claiming jobs whose lease ran out looks for state 'running', and running
-- jobs are few (the workers' slots): jobs_ready's state prefix finds them.
-- jobs_leases was a third index on every job queued, claimed and finished,
-- on the alert intake's hot path.
DROP INDEX jobs_leases;
