-- PAXminer's SQL, run unchanged. PAXminer's chart scripts (PAXcharter, Qcharter,
-- Leaderboard_Charter, UniquePAXCharter, FNGcharter) query MySQL: YEAR(), MONTH() and
-- MONTHNAME(), tables aos and bd_attendance, and the column Q_IS_App. Each region schema gets
-- them here, so that a region's own dashboards and scripts keep working against paxstats.
--
-- And every compatible relation now counts by the counting rules (0004, 0007): a double-posted
-- backblast once, a person named twice in one post once, bots never; as every report does.

CREATE FUNCTION year(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.date_part('year', d)::integer $$;
CREATE FUNCTION month(d date) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.date_part('month', d)::integer $$;
-- MySQL's English names whatever the server's locale ('FM' drops the padding; no 'TM').
CREATE FUNCTION monthname(d date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.to_char(d, 'FMMonth') $$;
CREATE FUNCTION dayname(d date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT pg_catalog.to_char(d, 'FMDay') $$;

-- A person at a counted beatdown, with PAXminer's column names. Same leading columns as before.
CREATE OR REPLACE VIEW attendance_view AS
SELECT p.bd_date                  AS date,
       p.ao_name                  AS ao,
       p.person_name              AS pax,
       p.user_id                  AS user_id,
       p.ao_id                    AS ao_id,
       p.role                     AS role,
       p.ts                       AS "timestamp"
FROM posts p;

-- A counted beatdown; q_is_app (PAXminer's users.app of the Q: 1 for a bot) comes last. A Q or
-- Co-Q typed by name is the user their alias names (0007), as in every report.
CREATE OR REPLACE VIEW beatdown_info AS
SELECT b.bd_date                                           AS date,
       coalesce(c.name, b.ao_name)                         AS ao,
       coalesce(uq.user_name, b.q_name)                    AS q,
       nullif(array_to_string(
         ARRAY(SELECT coalesce(u.user_name, x.id)
               FROM unnest(b.coq_user_ids) WITH ORDINALITY AS x(id, n)
               LEFT JOIN users u ON u.user_id = x.id ORDER BY x.n)
         || ARRAY(SELECT coalesce(u.user_name, x.name)
                  FROM unnest(b.coq_names) WITH ORDINALITY AS x(name, n)
                  LEFT JOIN aliases al ON al.typed_lower = lower(x.name) AND al.user_id IS NOT NULL
                  LEFT JOIN users u ON u.user_id = al.user_id ORDER BY x.n), ', '), '') AS coq,
       b.pax_count                                         AS pax_count,
       CASE WHEN b.fng_count = 0 THEN 'None listed'
            ELSE rtrim(b.fng_count::text || ' ' || array_to_string(b.fng_names, ', ')) END AS fngs,
       b.fng_count                                         AS fng_count,
       b.ao_channel_id                                     AS ao_id,
       coalesce(b.q_user_id, qa.user_id)                   AS q_user_id,
       b.coq_user_ids[1]                                   AS coq_user_id,
       b.title                                             AS title,
       b.ts                                                AS "timestamp",
       CASE WHEN uq.is_bot THEN 1 ELSE 0 END               AS q_is_app
FROM counted_beatdowns b
LEFT JOIN channels c ON c.channel_id = b.ao_channel_id
LEFT JOIN aliases qa ON b.q_user_id IS NULL AND qa.typed_lower = lower(b.q_name) AND qa.user_id IS NOT NULL
LEFT JOIN users uq ON uq.user_id = coalesce(b.q_user_id, qa.user_id);

-- PAXminer's channel table: backblast = 1 for a channel paxstats reads backblasts from or that
-- holds a counted beatdown (PAXminer's admins set it by hand), archived = 1 when archived.
CREATE VIEW aos AS
SELECT c.channel_id,
       c.name                                                        AS ao,
       coalesce(pg_catalog.date_part('epoch', c.created)::bigint, 0) AS channel_created,
       CASE WHEN c.is_archived THEN 1 ELSE 0 END                     AS archived,
       CASE WHEN c.is_backblast_channel
              OR EXISTS (SELECT 1 FROM counted_beatdowns b WHERE b.ao_channel_id = c.channel_id)
            THEN 1 ELSE 0 END                                        AS backblast
FROM channels c;

-- PAXminer's attendance table, one row per person per counted beatdown: user_id is the Slack
-- user, or 'name:' and the lower-case name for one typed without a mention; q_user_id likewise.
CREATE VIEW bd_attendance AS
SELECT p.ts                                                         AS "timestamp",
       b.edited_ts                                                  AS ts_edited,
       p.person                                                     AS user_id,
       p.ao_id                                                      AS ao_id,
       p.bd_date                                                    AS date,
       coalesce(b.q_user_id, qa.user_id, 'name:' || lower(b.q_name)) AS q_user_id
FROM posts p
JOIN beatdowns b USING (channel_id, ts)
LEFT JOIN aliases qa ON b.q_user_id IS NULL AND qa.typed_lower = lower(b.q_name) AND qa.user_id IS NOT NULL;
