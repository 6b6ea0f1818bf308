-- The posts view also carries its beatdown's FNG count, so "FNGs at the beatdowns a person led"
-- needs no second join (the awards read it). Same rows and columns as before, one added at the end.
CREATE OR REPLACE VIEW posts AS
SELECT b.channel_id, b.ts, b.bd_date,
       b.ao_channel_id                                   AS ao_id,
       coalesce(c.name, b.ao_name, b.ao_channel_id)      AS ao_name,
       a.user_id, a.name,
       coalesce(a.user_id, 'name:' || lower(a.name))     AS person,
       coalesce(u.user_name, a.name)                     AS person_name,
       a.role,
       b.fng_count                                       AS beatdown_fngs
FROM counted_beatdowns b
JOIN attendance a USING (channel_id, ts)
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN users u ON u.user_id = a.user_id
WHERE u.is_bot IS NOT TRUE;
