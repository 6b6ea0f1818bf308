-- Where an interrupted history sync of a channel resumes. A sync pages from the newest message
-- back to `oldest`; after each stored page, `latest` is the oldest ts stored so far. Cursors
-- expire, so progress is kept as timestamps. The row is removed when the channel is done.
CREATE TABLE sync_state (
  channel_id text PRIMARY KEY,
  oldest     text NOT NULL,   -- the sync's lower bound ('' for the whole history)
  latest     text NOT NULL,   -- resume below this ts
  updated_at timestamptz NOT NULL DEFAULT now()
);
