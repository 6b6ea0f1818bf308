-- One post to 1st-F (issue 30): a run's charts to a channel go as one message of several files,
-- and award cards as replies in its thread. Rows of one (region, period, recipient, post) are one
-- message; thread_of names the post whose thread they reply in; message_ts is the message's ts
-- once Slack shows it, so a resumed run threads under it and never posts a second parent.
ALTER TABLE deliveries
  ADD COLUMN post       text,
  ADD COLUMN thread_of  text,
  ADD COLUMN message_ts text;
-- At most this many @-mentions in a run's channel posts; past it, names are written plain.
ALTER TABLE regions
  ADD COLUMN mention_budget integer NOT NULL DEFAULT 30 CHECK (mention_budget BETWEEN 0 AND 1000);
