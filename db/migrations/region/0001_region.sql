-- One region's data. Runs with search_path = <region slug>; nothing here names another schema.
-- Raw Slack data (users, channels, messages, reactions, files) is kept as received and never
-- deleted; beatdowns, attendance and parse_issues are derived from it and can be rebuilt.

CREATE TABLE users (
  user_id      text PRIMARY KEY,
  user_name    text NOT NULL,          -- display name, else real name, else handle
  real_name    text,
  display_name text,
  email        text,
  is_bot       boolean NOT NULL DEFAULT false,
  deleted      boolean NOT NULL DEFAULT false,
  tz           text,
  first_seen   timestamptz NOT NULL DEFAULT now(),
  updated      timestamptz,             -- Slack's "updated"
  raw          jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE channels (
  channel_id           text PRIMARY KEY,
  name                 text NOT NULL,
  is_archived          boolean NOT NULL DEFAULT false,
  is_private           boolean NOT NULL DEFAULT false,
  created              timestamptz,
  is_backblast_channel boolean NOT NULL DEFAULT false,
  site_q_user_id       text,            -- for the Kotter report
  raw                  jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE messages (
  channel_id  text NOT NULL,
  ts          text NOT NULL,            -- Slack's id of the message; a string key, not a number
  thread_ts   text,
  user_id     text,
  bot_id      text,
  subtype     text,
  text        text NOT NULL DEFAULT '',
  edited_ts   text,
  deleted     boolean NOT NULL DEFAULT false,
  reply_count integer NOT NULL DEFAULT 0,
  posted_at   timestamptz NOT NULL,     -- ts as time
  raw         jsonb NOT NULL,           -- the message exactly as received
  source      text NOT NULL,            -- export | api | event
  first_seen  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, ts)
);
CREATE INDEX messages_thread ON messages (channel_id, thread_ts) WHERE thread_ts IS NOT NULL;
CREATE INDEX messages_posted ON messages (posted_at);

CREATE TABLE reactions (
  channel_id text NOT NULL,
  ts         text NOT NULL,
  emoji      text NOT NULL,
  user_id    text NOT NULL,
  PRIMARY KEY (channel_id, ts, emoji, user_id),
  FOREIGN KEY (channel_id, ts) REFERENCES messages ON DELETE CASCADE
);

CREATE TABLE files (
  channel_id  text NOT NULL,
  ts          text NOT NULL,
  file_id     text NOT NULL,
  name        text,
  title       text,
  mimetype    text,
  filetype    text,
  size        bigint,
  url_private text,
  raw         jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (channel_id, ts, file_id),
  FOREIGN KEY (channel_id, ts) REFERENCES messages ON DELETE CASCADE
);

-- A beatdown is keyed by the message that reported it.
CREATE TABLE beatdowns (
  channel_id     text NOT NULL,
  ts             text NOT NULL,
  ao_channel_id  text,                 -- the AO's channel, when known
  ao_name        text,                 -- the AO as written, when it is not a channel
  bd_date        date NOT NULL,        -- local date in the region's time zone
  q_user_id      text,
  q_name         text,                 -- an untagged Q
  coq_user_ids   text[] NOT NULL DEFAULT '{}',
  coq_names      text[] NOT NULL DEFAULT '{}',
  pax_count      integer,              -- COUNT as written, else the derived count
  derived_count  integer NOT NULL,     -- distinct attendees found
  fng_count      integer NOT NULL DEFAULT 0,
  fng_names      text[] NOT NULL DEFAULT '{}',
  title          text,
  parse_status   text NOT NULL CHECK (parse_status IN ('ok','warnings','errors')),
  edited_ts      text,                 -- the message version this was derived from
  derived_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel_id, ts),
  FOREIGN KEY (channel_id, ts) REFERENCES messages ON DELETE CASCADE,
  CHECK (ao_channel_id IS NOT NULL OR ao_name IS NOT NULL)
);
CREATE INDEX beatdowns_date ON beatdowns (bd_date);
CREATE INDEX beatdowns_ao_date ON beatdowns (ao_channel_id, bd_date);

-- Who attended: a Slack user, or an untagged name as written. One row per person per beatdown.
CREATE TABLE attendance (
  channel_id text NOT NULL,
  ts         text NOT NULL,
  user_id    text,
  name       text,
  role       text NOT NULL CHECK (role IN ('q','coq','pax','fng')),
  FOREIGN KEY (channel_id, ts) REFERENCES beatdowns ON DELETE CASCADE,
  CHECK ((user_id IS NULL) <> (name IS NULL))
);
CREATE UNIQUE INDEX attendance_person ON attendance (channel_id, ts, coalesce(user_id, ''), coalesce(name, ''));
CREATE INDEX attendance_user ON attendance (user_id) WHERE user_id IS NOT NULL;

-- What the parser could not read, or read with doubt; shown to users, never hidden.
CREATE TABLE parse_issues (
  id         bigserial PRIMARY KEY,
  channel_id text NOT NULL,
  ts         text NOT NULL,
  severity   text NOT NULL CHECK (severity IN ('warning','error')),
  field      text NOT NULL,
  reason     text NOT NULL,
  line       integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (channel_id, ts) REFERENCES messages ON DELETE CASCADE
);
CREATE INDEX parse_issues_message ON parse_issues (channel_id, ts);

-- PAXminer-compatible views. Column names are PAXminer's (Date, AO, PAX, Q, CoQ, …) in
-- PostgreSQL's folded lower case, so PAXminer-era SQL written without quotes
-- (SELECT PAX, AO FROM attendance_view) works unchanged. Extra columns come after them.
-- Unlike PAXminer, beatdowns whose Q is not a Slack user and untagged attendees are kept.
CREATE VIEW attendance_view AS
SELECT b.bd_date                               AS date,
       coalesce(c.name, b.ao_name)             AS ao,
       coalesce(u.user_name, a.name)           AS pax,
       a.user_id                               AS user_id,
       b.ao_channel_id                         AS ao_id,
       a.role                                  AS role,
       b.ts                                    AS "timestamp"
FROM attendance a
JOIN beatdowns b USING (channel_id, ts)
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN users u ON u.user_id = a.user_id
WHERE u.is_bot IS NOT TRUE;

CREATE VIEW beatdown_info AS
SELECT b.bd_date                                           AS date,
       coalesce(c.name, b.ao_name)                         AS ao,
       coalesce(uq.user_name, b.q_name)                    AS q,
       nullif(array_to_string(
         ARRAY(SELECT coalesce(u.user_name, x.id)
               FROM unnest(b.coq_user_ids) WITH ORDINALITY AS x(id, n)
               LEFT JOIN users u ON u.user_id = x.id ORDER BY x.n)
         || b.coq_names, ', '), '')                        AS coq,
       b.pax_count                                         AS pax_count,
       CASE WHEN b.fng_count = 0 THEN 'None listed'
            ELSE rtrim(b.fng_count::text || ' ' || array_to_string(b.fng_names, ', ')) END AS fngs,
       b.fng_count                                         AS fng_count,
       b.ao_channel_id                                     AS ao_id,
       b.q_user_id                                         AS q_user_id,
       b.coq_user_ids[1]                                   AS coq_user_id,
       b.title                                             AS title,
       b.ts                                                AS "timestamp"
FROM beatdowns b
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN users uq ON uq.user_id = b.q_user_id;
