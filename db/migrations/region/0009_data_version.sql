-- A number that grows whenever anything a page shows may have changed: every statement that
-- writes one of these tables takes the next value (once per statement, not per row, so imports
-- pay nothing to speak of). The dashboard names a page's version by it (its ETag), answers 304
-- while it stands, and keeps rendered pages until it moves.
CREATE SEQUENCE data_version;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval(format('%I.data_version', TG_TABLE_SCHEMA));
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'channels', 'messages', 'reactions', 'files', 'beatdowns', 'attendance',
                           'parse_issues', 'aliases', 'opt_outs', 'nudges', 'mentor_asks'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()', t || '_data_version', t);
  END LOOP;
END $$;

-- The dashboard reads the posts view (and counted_beatdowns) through a copy of it, rebuilt when what the view reads has
-- changed since (db::dashboard::PostsCache; posts_version, moved by the tables the view joins,
-- not by every chat message): the view joins and de-duplicates every beatdown on each read, the
-- copy is indexed by person, AO, message, date and name. Same columns as the posts view (a
-- migration that changes the view must recreate this table). Unlogged: it is rebuilt from the
-- tables whenever it is lost.
CREATE SEQUENCE posts_version;

CREATE FUNCTION bump_posts_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval(format('%I.posts_version', TG_TABLE_SCHEMA));
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'channels', 'beatdowns', 'attendance', 'aliases'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION bump_posts_version()', t || '_posts_version', t);
  END LOOP;
END $$;

CREATE UNLOGGED TABLE posts_cache AS SELECT * FROM posts WITH NO DATA;
CREATE INDEX posts_cache_person ON posts_cache (person, bd_date);
CREATE INDEX posts_cache_ao ON posts_cache (ao_id, bd_date);
CREATE INDEX posts_cache_message ON posts_cache (channel_id, ts);
CREATE INDEX posts_cache_date ON posts_cache (bd_date);
CREATE INDEX posts_cache_name ON posts_cache (lower(person_name));
-- The counted_beatdowns view, copied with it (the same DISTINCT ON over every beatdown).
CREATE UNLOGGED TABLE counted_beatdowns_cache AS SELECT * FROM counted_beatdowns WITH NO DATA;
CREATE INDEX counted_beatdowns_cache_date ON counted_beatdowns_cache (bd_date);
CREATE INDEX counted_beatdowns_cache_ao ON counted_beatdowns_cache (ao_channel_id, bd_date);
CREATE TABLE posts_cache_version (version bigint NOT NULL);
INSERT INTO posts_cache_version VALUES (-1);
