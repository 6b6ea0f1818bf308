-- People who asked for no DMs from paxstats (paxstats optout, or /paxstats stop in Slack).
-- Every DM honours it: planned personal charts, Kotter lists to site Qs, on-demand stats.
CREATE TABLE opt_outs (
  user_id    text PRIMARY KEY,
  source     text NOT NULL DEFAULT 'cli',      -- cli | slack
  created_at timestamptz NOT NULL DEFAULT now()
);
