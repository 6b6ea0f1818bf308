-- How paxstats counts, written once (the README's "How paxstats counts" states the same rules).
--
-- A beatdown is counted once: when the same workout is reported by two messages (the same AO,
-- local date and Q — a double post, or a repost after a deletion), the newest message counts.
CREATE VIEW counted_beatdowns AS
SELECT DISTINCT ON (ao_channel_id, bd_date, coalesce(q_user_id, 'name:' || lower(q_name), 'msg:' || channel_id || ts)) *
FROM beatdowns
ORDER BY ao_channel_id, bd_date, coalesce(q_user_id, 'name:' || lower(q_name), 'msg:' || channel_id || ts), ts DESC;

-- A post is one person at one counted beatdown, whatever their role (Q, Co-Q, PAX or FNG).
-- A person is a Slack user, or a name typed without a mention (names compared without case);
-- a typed name is not merged with a user of that name. Bots never post.
CREATE VIEW posts AS
SELECT b.channel_id, b.ts, b.bd_date,
       b.ao_channel_id                                   AS ao_id,
       coalesce(c.name, b.ao_name, b.ao_channel_id)      AS ao_name,
       a.user_id, a.name,
       coalesce(a.user_id, 'name:' || lower(a.name))     AS person,
       coalesce(u.user_name, a.name)                     AS person_name,
       a.role
FROM counted_beatdowns b
JOIN attendance a USING (channel_id, ts)
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN users u ON u.user_id = a.user_id
WHERE u.is_bot IS NOT TRUE;
