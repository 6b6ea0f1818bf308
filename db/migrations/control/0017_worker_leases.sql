-- Several hosts on one database (issue 34). Each serve process that claims jobs registers here
-- with the database session that keeps its heartbeat. A running job names the process and its
-- claim (a lease token) and carries the heartbeat: a job whose process's session is gone (the
-- process died) or whose heartbeat is older than the lease (the host went silent) is queued
-- again for another process. A finish, a failure or a deferral names the lease it was claimed
-- under, so a process that lost its lease can never mark another's claim.
CREATE TABLE workers (
  id            text PRIMARY KEY,
  host          text NOT NULL,
  pid           integer NOT NULL,
  backend_pid   integer NOT NULL,
  backend_start timestamptz NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  stopped_at    timestamptz
);

ALTER TABLE jobs
  ADD COLUMN worker       text,
  ADD COLUMN lease        uuid,
  ADD COLUMN heartbeat_at timestamptz;
CREATE INDEX jobs_running ON jobs (worker) WHERE status = 'running';

-- A nation's month is hundreds of runs queued at one slot, taken by a bounded number of senders:
-- the biggest first (priority: the region's people when it was queued), so the longest run is
-- never the one left to start last.
ALTER TABLE jobs ADD COLUMN priority integer NOT NULL DEFAULT 0;
DROP INDEX jobs_ready;
CREATE INDEX jobs_ready ON jobs (priority DESC, run_after, id) WHERE status = 'queued';
