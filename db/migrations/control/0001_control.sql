-- The control schema: the region registry and the bookkeeping every region shares.
-- Runs with search_path = paxstats.

CREATE TABLE regions (
  slug              text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9_]{0,39}$'),
  name              text NOT NULL,
  tz                text NOT NULL,
  team_id           text UNIQUE,
  firstf_channel    text,
  awards_channel    text,
  kotter_channel    text,
  token_env         text NOT NULL DEFAULT 'SLACK_BOT_TOKEN',
  active            boolean NOT NULL DEFAULT true,
  -- per-report switches, as PAXminer's send_* flags
  send_pax_monthly  boolean NOT NULL DEFAULT true,
  send_q_counts     boolean NOT NULL DEFAULT true,
  send_ao_trend     boolean NOT NULL DEFAULT true,
  send_ao_summary   boolean NOT NULL DEFAULT true,
  send_fng_counts   boolean NOT NULL DEFAULT true,
  send_leaderboards boolean NOT NULL DEFAULT true,
  send_awards       boolean NOT NULL DEFAULT true,
  send_kotter       boolean NOT NULL DEFAULT true,
  scrape_backblasts boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per mining or reporting run (import, sync, reparse, report).
CREATE TABLE runs (
  id          bigserial PRIMARY KEY,
  region      text NOT NULL REFERENCES regions(slug) ON DELETE CASCADE,
  kind        text NOT NULL,                  -- import | sync | reparse | report
  period      text,                           -- e.g. 2026-10 for a monthly report
  status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed')),
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  summary     jsonb NOT NULL DEFAULT '{}'::jsonb,
  error       text
);
CREATE INDEX runs_region_started ON runs (region, started_at DESC);

-- The delivery outbox: what a report run will send, keyed so nothing is sent twice.
CREATE TABLE deliveries (
  id          bigserial PRIMARY KEY,
  region      text NOT NULL REFERENCES regions(slug) ON DELETE CASCADE,
  report      text NOT NULL,
  period      text NOT NULL,
  recipient   text NOT NULL,                  -- channel id or user id
  run_id      bigint REFERENCES runs(id) ON DELETE SET NULL,
  status      text NOT NULL DEFAULT 'planned',
  detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (region, report, period, recipient)
);

-- Durable work queue for the service (events to mine, stats requests, scheduled runs).
CREATE TABLE jobs (
  id          bigserial PRIMARY KEY,
  region      text REFERENCES regions(slug) ON DELETE CASCADE,
  kind        text NOT NULL,
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  dedupe_key  text UNIQUE,
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
  attempts    integer NOT NULL DEFAULT 0,
  run_after   timestamptz NOT NULL DEFAULT now(),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  last_error  text
);
CREATE INDEX jobs_ready ON jobs (run_after) WHERE status = 'queued';
