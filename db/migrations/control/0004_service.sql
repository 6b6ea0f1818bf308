-- paxstats serve: API tokens for the trigger API, queued runs, and job bookkeeping.

-- Bearer tokens of the trigger API, stored as SHA-256 hashes (the token is shown once).
CREATE TABLE api_tokens (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  token_hash  text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- A run asked for through the trigger API or the scheduler waits in 'queued'.
ALTER TABLE runs DROP CONSTRAINT runs_status_check;
ALTER TABLE runs ADD CONSTRAINT runs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed'));

ALTER TABLE jobs
  ADD COLUMN started_at  timestamptz,
  ADD COLUMN finished_at timestamptz;
CREATE INDEX jobs_status ON jobs (status);
