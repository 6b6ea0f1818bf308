-- One name per person: a typed name (no mention) that is a region user's name is that user.
-- paxstats fills this table (db::refresh_aliases) by matching each typed name against the
-- users' display, real and user names, ignoring case, accents, spaces and punctuation; an admin
-- confirms or removes matches (paxstats region alias). The counting view reads through it.
CREATE TABLE aliases (
  typed_lower text PRIMARY KEY,           -- lower(name) as attendance holds it: the posts view's key
  typed       text NOT NULL,              -- the name as first typed
  user_id     text,                       -- the user it is; NULL: removed, or ambiguous
  rule        text NOT NULL CHECK (rule IN ('display_name', 'real_name', 'user_name', 'confirmed', 'removed', 'ambiguous')),
  candidates  text[] NOT NULL DEFAULT '{}',  -- ambiguous: the users it could be
  updated     timestamptz NOT NULL DEFAULT now(),
  CHECK ((rule IN ('removed', 'ambiguous')) = (user_id IS NULL))
);

-- A post is one person at one counted beatdown. A typed name with an alias is that user; a
-- beatdown that names one person twice (a mention and a typed alias) counts them once, in the
-- row with the highest role. Same columns as before.
CREATE OR REPLACE VIEW posts AS
SELECT DISTINCT ON (b.channel_id, b.ts, coalesce(a.user_id, al.user_id, 'name:' || lower(a.name)))
       b.channel_id, b.ts, b.bd_date,
       b.ao_channel_id                                        AS ao_id,
       coalesce(c.name, b.ao_name, b.ao_channel_id)           AS ao_name,
       coalesce(a.user_id, al.user_id)                        AS user_id,
       a.name,
       coalesce(a.user_id, al.user_id, 'name:' || lower(a.name)) AS person,
       coalesce(u.user_name, a.name)                          AS person_name,
       a.role,
       b.fng_count                                            AS beatdown_fngs
FROM counted_beatdowns b
JOIN attendance a USING (channel_id, ts)
LEFT JOIN aliases al ON a.user_id IS NULL AND al.typed_lower = lower(a.name) AND al.user_id IS NOT NULL
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN users u ON u.user_id = coalesce(a.user_id, al.user_id)
WHERE u.is_bot IS NOT TRUE
ORDER BY b.channel_id, b.ts, coalesce(a.user_id, al.user_id, 'name:' || lower(a.name)),
         array_position(ARRAY['q', 'coq', 'pax', 'fng'], a.role), a.user_id IS NULL;
