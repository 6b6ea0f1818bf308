-- Community analytics: how paxstats counts a workspace's activity, written once (the README's
-- "Community analytics" states the same rules). Everything here reads the raw store only, so it
-- works for any Slack workspace, F3 or not, whether or not backblasts are scraped.
--
-- The functions below are plain SQL that PostgreSQL inlines into the calling query, so their
-- window is planned with its real values (a function planned for any window would plan a year
-- as if it were an hour). Call them with search_path set to the region's schema:
--   SET search_path = my_region; SELECT * FROM member_activity('America/Chicago', '2026-10-01');

-- What a message's raw form says about mentions and reactions, kept as columns so that the
-- counting below reads no JSON and runs no regular expression. The raw-store writer fills them on
-- every write (import, sync, events; mining/src/records.cpp, by the same rules, which a test
-- holds equal to these functions); the functions fill the messages stored before this migration.
-- The people a text tags: <@U…> or <@W…>, with or without a |label; each id once.
CREATE FUNCTION slack_mentions(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN strpos(body, '<@') = 0 THEN '{}'::text[]
              ELSE ARRAY(SELECT DISTINCT x.m[1]
                         FROM pg_catalog.regexp_matches(body, '<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>', 'g') AS x(m)
                         ORDER BY 1) END
$$;
-- A message's reactions as Slack reported them: name, place in the list, `count` (Slack's total;
-- the `users` list may be cut short on busy messages), else the length of `users`, and the users
-- listed. Entries without a string name are not reactions.
CREATE FUNCTION slack_reactions(raw jsonb)
RETURNS TABLE (emoji text, "position" bigint, count bigint, users text[])
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT r.e ->> 'name', r.n,
         CASE WHEN pg_catalog.jsonb_typeof(r.e -> 'count') = 'number'
              THEN pg_catalog.round(least(greatest((r.e ->> 'count')::numeric, 0), 1000000))::bigint
              WHEN pg_catalog.jsonb_typeof(r.e -> 'users') = 'array'
              THEN pg_catalog.jsonb_array_length(r.e -> 'users')::bigint
              ELSE 0 END,
         CASE WHEN pg_catalog.jsonb_typeof(r.e -> 'users') = 'array'
              THEN ARRAY(SELECT pg_catalog.jsonb_array_elements_text(
                           pg_catalog.jsonb_path_query_array(r.e -> 'users', '$[*] ? (@.type() == "string")')))
              ELSE '{}'::text[] END
  FROM pg_catalog.jsonb_array_elements(CASE WHEN pg_catalog.jsonb_typeof(raw -> 'reactions') = 'array'
                                            THEN raw -> 'reactions' ELSE '[]'::jsonb END)
       WITH ORDINALITY AS r(e, n)
  WHERE pg_catalog.jsonb_typeof(r.e) = 'object' AND pg_catalog.jsonb_typeof(r.e -> 'name') = 'string'
$$;
-- Slack's total of a message's reactions: the sum of their counts. (Used where a row is stored,
-- not in the counting queries: it keeps its schema, so it may be called from anywhere.)
CREATE FUNCTION slack_reaction_total(raw jsonb) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT coalesce(sum(x.count), 0)::integer FROM slack_reactions(raw) AS x
$$;
ALTER TABLE messages
  ADD COLUMN mentions text[] NOT NULL DEFAULT '{}',
  ADD COLUMN reaction_count integer NOT NULL DEFAULT 0;
UPDATE messages SET mentions = slack_mentions(text), reaction_count = slack_reaction_total(raw)
WHERE strpos(text, '<@') > 0 OR raw ? 'reactions';

-- A member message: stored and not deleted; written by a person (a `user`, no `bot_id`, not a
-- user marked is_bot (bots and app users), not USLACKBOT); an ordinary message, a thread
-- broadcast, a file share or a /me message. Thread replies count.
CREATE VIEW member_messages AS
SELECT m.channel_id, m.ts, m.thread_ts, m.user_id, m.subtype, m.text, m.reply_count, m.posted_at,
       (m.thread_ts IS NOT NULL AND m.thread_ts <> m.ts) AS is_reply,
       m.mentions, m.reaction_count
FROM messages m
LEFT JOIN users u ON u.user_id = m.user_id
WHERE NOT m.deleted
  AND m.user_id IS NOT NULL AND m.user_id <> 'USLACKBOT'
  AND m.bot_id IS NULL
  AND u.is_bot IS NOT TRUE
  AND (m.subtype IS NULL OR m.subtype IN ('thread_broadcast', 'file_share', 'me_message'));

-- Each reaction on a stored, not deleted message (slack_reactions).
CREATE VIEW message_reactions AS
SELECT m.channel_id, m.ts, r.emoji, r."position", r.count, r.users
FROM messages m
CROSS JOIN LATERAL slack_reactions(m.raw) AS r
WHERE NOT m.deleted AND m.raw ? 'reactions';

-- A mention: a member message that tags another person. Each person is counted once per message;
-- mentioning yourself or a bot is no mention.
CREATE VIEW member_mentions AS
SELECT mm.channel_id, mm.ts, mm.posted_at, mm.user_id AS author, x.id AS mentioned
FROM member_messages mm
CROSS JOIN LATERAL unnest(mm.mentions) AS x(id)
LEFT JOIN users u ON u.user_id = x.id
WHERE x.id <> mm.user_id AND x.id <> 'USLACKBOT' AND u.is_bot IS NOT TRUE;

-- A thread a member started: a member message that is a thread's parent (its thread_ts is its
-- own ts, or absent) with at least one reply, by Slack's reply_count or a stored reply. With the
-- first reply by another member, and when it came (NULL while nobody else has answered).
CREATE VIEW member_threads AS
SELECT p.channel_id, p.ts, p.user_id, p.posted_at, f.posted_at AS first_reply_at, f.user_id AS first_replier
FROM member_messages p
LEFT JOIN LATERAL (
  SELECT r.user_id, r.posted_at FROM member_messages r
  WHERE r.channel_id = p.channel_id AND r.thread_ts = p.ts AND r.ts <> p.ts AND r.user_id <> p.user_id
  ORDER BY r.posted_at, r.ts LIMIT 1) f ON true
WHERE (p.thread_ts IS NULL OR p.thread_ts = p.ts)
  AND (p.reply_count > 0
       OR EXISTS (SELECT 1 FROM messages r WHERE r.channel_id = p.channel_id AND r.thread_ts = p.ts AND r.ts <> p.ts));

-- The members: every person the workspace knows (users that are not bots) and everyone who wrote
-- a member message (a user from another workspace in a shared channel has no users row).
CREATE VIEW members AS
SELECT u.user_id, u.user_name, u.deleted FROM users u WHERE NOT u.is_bot AND u.user_id <> 'USLACKBOT'
UNION
SELECT DISTINCT mm.user_id, mm.user_id, false FROM member_messages mm
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = mm.user_id);

-- One row per member for messages posted in [since, until): the counting rules above. tz is the region's time zone (active days and weeks are
-- local). Reactions given are counted on the messages posted in the window (Slack does not say
-- when a reaction was added).
CREATE FUNCTION member_activity(tz text, since timestamptz DEFAULT '-infinity', until timestamptz DEFAULT 'infinity')
RETURNS TABLE (user_id text, user_name text, messages bigint, replies bigint, threads_started bigint,
               reactions_received bigint, reactions_given bigint, files bigint, mentions_given bigint,
               mentions_received bigint, active_days bigint, active_weeks bigint, first_ts text, last_ts text)
LANGUAGE sql STABLE AS $$
  -- Threads with a stored reply (a reply is never older than its parent, so one in the window
  -- or later).
  WITH answered AS (SELECT DISTINCT r.channel_id, r.thread_ts AS ts FROM messages r
                    WHERE r.thread_ts <> r.ts AND r.posted_at >= since),
  attached AS (SELECT f.channel_id, f.ts, count(*) AS n FROM files f GROUP BY 1, 2),
  -- Each member's day, then each member: one pass over the window's member messages.
  day AS (SELECT mm.user_id, (mm.posted_at AT TIME ZONE tz)::date AS day, count(*) AS messages,
                 count(*) FILTER (WHERE mm.is_reply) AS replies,
                 count(*) FILTER (WHERE (mm.thread_ts IS NULL OR mm.thread_ts = mm.ts)
                                    AND (mm.reply_count > 0 OR a.ts IS NOT NULL)) AS threads,
                 sum(mm.reaction_count) AS reactions_received, sum(coalesce(f.n, 0)) AS files,
                 min(mm.ts COLLATE "C") AS first_ts, max(mm.ts COLLATE "C") AS last_ts
          FROM member_messages mm
          LEFT JOIN answered a USING (channel_id, ts)
          LEFT JOIN attached f USING (channel_id, ts)
          WHERE mm.posted_at >= since AND mm.posted_at < until
          GROUP BY 1, 2),
  msg AS (SELECT d.user_id, sum(d.messages) AS messages, sum(d.replies) AS replies, sum(d.threads) AS threads,
                 sum(d.reactions_received) AS reactions_received, sum(d.files) AS files, count(*) AS active_days,
                 count(DISTINCT date_trunc('week', d.day)) AS active_weeks,
                 min(d.first_ts COLLATE "C") AS first_ts, max(d.last_ts COLLATE "C") AS last_ts
          FROM day d GROUP BY 1),
  tags AS (SELECT mm.user_id AS author, x.id AS mentioned
           FROM member_messages mm CROSS JOIN LATERAL unnest(mm.mentions) AS x(id)
           LEFT JOIN users u ON u.user_id = x.id
           WHERE cardinality(mm.mentions) > 0 AND mm.posted_at >= since AND mm.posted_at < until
             AND x.id <> mm.user_id AND x.id <> 'USLACKBOT' AND u.is_bot IS NOT TRUE),
  men AS (SELECT author AS user_id, count(*) AS n FROM tags GROUP BY 1),
  mrc AS (SELECT mentioned AS user_id, count(*) AS n FROM tags GROUP BY 1),
  giv AS (SELECT r.user_id, count(*) AS n FROM reactions r JOIN messages m USING (channel_id, ts)
          WHERE NOT m.deleted AND m.posted_at >= since AND m.posted_at < until GROUP BY r.user_id),
  people AS (SELECT u.user_id, u.user_name FROM users u WHERE NOT u.is_bot AND u.user_id <> 'USLACKBOT'
             UNION ALL
             SELECT msg.user_id, msg.user_id FROM msg WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = msg.user_id))
  SELECT p.user_id, p.user_name,
         coalesce(msg.messages, 0)::bigint, coalesce(msg.replies, 0)::bigint, coalesce(msg.threads, 0)::bigint,
         coalesce(msg.reactions_received, 0)::bigint, coalesce(giv.n, 0), coalesce(msg.files, 0)::bigint,
         coalesce(men.n, 0), coalesce(mrc.n, 0), coalesce(msg.active_days, 0), coalesce(msg.active_weeks, 0),
         msg.first_ts, msg.last_ts
  FROM people p
  LEFT JOIN msg USING (user_id) LEFT JOIN giv USING (user_id) LEFT JOIN men USING (user_id)
  LEFT JOIN mrc USING (user_id)
$$;

-- One row per channel for messages posted in [since, until): member messages, members who posted,
-- threads started, the median and 90th percentile of the time to a first reply by someone else
-- (seconds; NULL when no thread was answered), and reactions on member messages.
CREATE FUNCTION channel_activity(since timestamptz DEFAULT '-infinity', until timestamptz DEFAULT 'infinity')
RETURNS TABLE (channel_id text, name text, messages bigint, active_members bigint, threads bigint,
               answered_threads bigint, median_first_reply_s double precision, p90_first_reply_s double precision,
               reactions bigint)
LANGUAGE sql STABLE AS $$
  WITH w AS (SELECT * FROM member_messages WHERE posted_at >= since AND posted_at < until),
  msg AS (SELECT w.channel_id, count(*) AS messages, count(DISTINCT w.user_id) AS members,
                 sum(w.reaction_count) AS reactions FROM w GROUP BY 1),
  thr AS (SELECT t.channel_id, count(*) AS threads, count(t.first_reply_at) AS answered,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_reply_at - t.posted_at)) AS med,
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM t.first_reply_at - t.posted_at)) AS p90
          FROM member_threads t WHERE t.posted_at >= since AND t.posted_at < until GROUP BY 1)
  SELECT c.channel_id, c.name, coalesce(msg.messages, 0), coalesce(msg.members, 0), coalesce(thr.threads, 0),
         coalesce(thr.answered, 0), thr.med, thr.p90, coalesce(msg.reactions, 0)::bigint
  FROM channels c
  LEFT JOIN msg USING (channel_id) LEFT JOIN thr USING (channel_id)
$$;

-- The interaction network for messages posted in [since, until): who answered, mentioned or
-- reacted to whom, and how often. A reply is a member reply in a thread another member started;
-- a reaction counts on a member message, by a person (not a bot). Self-interactions are none.
CREATE FUNCTION interaction_edges(since timestamptz DEFAULT '-infinity', until timestamptz DEFAULT 'infinity')
RETURNS TABLE (source text, target text, kind text, weight bigint)
LANGUAGE sql STABLE AS $$
  WITH w AS MATERIALIZED (
    SELECT mm.channel_id, mm.ts, mm.thread_ts, mm.user_id, mm.posted_at, mm.is_reply, mm.mentions, mm.reaction_count
    FROM member_messages mm WHERE mm.posted_at >= since AND mm.posted_at < until)
  SELECT r.user_id, p.user_id, 'reply', count(*)
  FROM w r JOIN member_messages p ON p.channel_id = r.channel_id AND p.ts = r.thread_ts
  WHERE r.is_reply AND r.user_id <> p.user_id
  GROUP BY 1, 2
  UNION ALL
  SELECT w.user_id, x.id, 'mention', count(*)
  FROM w CROSS JOIN LATERAL unnest(w.mentions) AS x(id)
  LEFT JOIN users u ON u.user_id = x.id
  WHERE cardinality(w.mentions) > 0 AND x.id <> w.user_id AND x.id <> 'USLACKBOT' AND u.is_bot IS NOT TRUE
  GROUP BY 1, 2
  UNION ALL
  SELECT g.user_id, w.user_id, 'reaction', count(*)
  FROM w JOIN reactions g USING (channel_id, ts)
  LEFT JOIN users u ON u.user_id = g.user_id
  WHERE g.user_id <> w.user_id AND g.user_id <> 'USLACKBOT' AND u.is_bot IS NOT TRUE
  GROUP BY 1, 2
$$;

-- The parts of the engagement score, one row per member, for messages posted in [since, until):
-- member messages, replies to others (a member reply in a thread someone else started, or whose
-- parent is gone), reactions received, help answers (replies to others in help_channels) and
-- active weeks. The score weighs them (README "Community analytics", setting engagement_weights).
CREATE FUNCTION engagement_parts(tz text, since timestamptz, until timestamptz, help_channels text[])
RETURNS TABLE (user_id text, user_name text, messages bigint, replies_to_others bigint, reactions_received bigint,
               help_answers bigint, active_weeks bigint,
               -- the rest of member_activity, so a report reads both at once
               replies bigint, threads_started bigint, reactions_given bigint, files bigint, mentions_given bigint,
               mentions_received bigint, active_days bigint, first_ts text, last_ts text)
LANGUAGE sql STABLE AS $$
  WITH answers AS (
    SELECT r.user_id, count(*) AS replies, count(*) FILTER (WHERE r.channel_id = ANY (help_channels)) AS help
    FROM member_messages r
    LEFT JOIN messages p ON p.channel_id = r.channel_id AND p.ts = r.thread_ts
    WHERE r.is_reply AND r.posted_at >= since AND r.posted_at < until AND p.user_id IS DISTINCT FROM r.user_id
    GROUP BY 1)
  SELECT a.user_id, a.user_name, a.messages, coalesce(x.replies, 0), a.reactions_received, coalesce(x.help, 0),
         a.active_weeks, a.replies, a.threads_started, a.reactions_given, a.files, a.mentions_given,
         a.mentions_received, a.active_days, a.first_ts, a.last_ts
  FROM member_activity(tz, since, until) a LEFT JOIN answers x USING (user_id)
$$;

-- Nudges sent to members gone quiet: one row a step of a quiet spell (a spell is known by the
-- member's last message when it began), written before the step is sent, so a step is never
-- sent twice (a run that dies between the two leaves it 'claimed': not sent again, and shown).
CREATE TABLE nudges (
  user_id     text NOT NULL,
  quiet_since timestamptz NOT NULL,
  step        text NOT NULL CHECK (step IN ('first', 'second', 'moderators')),
  at          timestamptz NOT NULL,   -- business time of the step
  state       text NOT NULL DEFAULT 'claimed' CHECK (state IN ('claimed', 'sent', 'failed')),
  detail      text,
  PRIMARY KEY (user_id, quiet_since, step)
);

-- The mentor pick: one row a member asked in a period (and one, user_id '#moderators', for the
-- moderators' list), written before the DM is sent, so nobody is asked twice for one period.
CREATE TABLE mentor_asks (
  user_id text NOT NULL,
  period  text NOT NULL,            -- the quarter, "2026-Q3"
  at      timestamptz NOT NULL,
  state   text NOT NULL DEFAULT 'claimed' CHECK (state IN ('claimed', 'sent', 'failed')),
  detail  text,
  PRIMARY KEY (user_id, period)
);
