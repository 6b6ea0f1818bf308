-- The delivery outbox holds what will be sent and every step of sending it, so a crash, a rerun
-- or a second process never sends a file twice nor forgets one.
-- status: planned → uploading (Slack file id known) → sent | skipped (recipient gone) | failed
ALTER TABLE deliveries
  ADD COLUMN to_user    boolean NOT NULL DEFAULT false,
  ADD COLUMN file_name  text,
  ADD COLUMN title      text,
  ADD COLUMN comment    text,
  ADD COLUMN alt_txt    text,
  ADD COLUMN bytes      bytea,
  ADD COLUMN channel_id text,        -- where it goes: the recipient, or the DM opened for a user
  ADD COLUMN file_id    text,        -- Slack's file once an upload URL was given
  ADD COLUMN attempts   integer NOT NULL DEFAULT 0,
  ADD COLUMN error      text,
  ADD COLUMN sent_at    timestamptz;
CREATE INDEX deliveries_pending ON deliveries (region, id) WHERE status IN ('planned', 'uploading');
