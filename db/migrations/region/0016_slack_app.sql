-- The App Home (issue 33): who has opened paxstats's Home tab. Their page is published again when
-- a backblast that names them changes (at most once a minute each); nobody else's is.
CREATE TABLE app_home_users (
  user_id      text PRIMARY KEY,
  first_opened timestamptz NOT NULL DEFAULT now(),
  last_opened  timestamptz NOT NULL DEFAULT now()
);

-- A Q's word on a backblast whose COUNT and named people disagree (the buttons in their DM):
-- "COUNT is right" keeps COUNT (the default) and settles the question; "use the names" counts the
-- people named. count_was keeps COUNT's number, so the first answer can be taken back. Applied
-- to the beatdown whenever it is derived again.
CREATE TABLE count_choices (
  channel_id text NOT NULL,
  ts         text NOT NULL,
  use_names  boolean NOT NULL,
  count_was  integer,
  chosen_by  text NOT NULL,
  chosen_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, ts)
);
