-- What the dataset export reads of every message, so that 1M messages export in seconds.
--
-- A message's reactions as the export writes them, "name/users/count" entries in Slack's order
-- joined by ";" (users joined by ","), NULL when it has none: kept as a column, written by the
-- raw-store writer with the message (mining/src/records.cpp, by the same rule, which a test holds
-- equal to this function), so that the export reads no JSON (4.7 of its 20 s at 1M messages).
CREATE FUNCTION slack_reaction_list(raw jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT string_agg(r.emoji || '/' || pg_catalog.array_to_string(r.users, ',') || '/' || r.count, ';'
                    ORDER BY r."position")
  FROM slack_reactions(raw) AS r
$$;
ALTER TABLE messages ADD COLUMN reaction_list text;
ALTER TABLE messages ALTER COLUMN reaction_list SET STATISTICS 0;
UPDATE messages SET reaction_list = slack_reaction_list(raw) WHERE raw ? 'reactions';

-- Every stored message with whether it is a member message (the rule of 0008, now stated here
-- once): the export reads all of them in one pass and counts by the same rules as the functions
-- of 0008 (db/src/community_tally.cpp; a test holds the two equal on the real exports and the
-- generator's workspace).
CREATE VIEW message_facts AS
SELECT m.channel_id, m.ts, m.thread_ts, m.user_id, m.subtype, m.text, m.reply_count, m.posted_at,
       (m.thread_ts IS NOT NULL AND m.thread_ts <> m.ts) AS is_reply,
       m.mentions, m.reaction_count, m.deleted,
       (NOT m.deleted
        AND m.user_id IS NOT NULL AND m.user_id <> 'USLACKBOT'
        AND m.bot_id IS NULL
        AND u.is_bot IS NOT TRUE
        AND (m.subtype IS NULL OR m.subtype IN ('thread_broadcast', 'file_share', 'me_message'))) AS is_member
FROM messages m
LEFT JOIN users u ON u.user_id = m.user_id;

CREATE OR REPLACE VIEW member_messages AS
SELECT f.channel_id, f.ts, f.thread_ts, f.user_id, f.subtype, f.text, f.reply_count, f.posted_at, f.is_reply,
       f.mentions, f.reaction_count
FROM message_facts f
WHERE f.is_member;
