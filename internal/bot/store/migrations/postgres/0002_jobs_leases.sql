CREATE INDEX jobs_leases ON jobs (state, locked_until);
