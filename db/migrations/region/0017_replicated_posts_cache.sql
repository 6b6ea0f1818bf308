-- A hot standby serves the dashboard's reads (DATABASE_READ_URL, issue 34). It has only what the
-- primary writes to its WAL, and an unlogged table is not in it: a standby cannot read one at
-- all. The posts cache is logged from now on, so the standby reads the copy the primary built
-- (reading the posts view itself there took 608 ms where the cache takes 22 ms, for one AO query
-- over a 1,000-PAX region's 282k posts). The cost is on the primary's rebuild: 2.01 s against
-- 1.85 s unlogged for the same region (the rows and their indexes written to the WAL).
ALTER TABLE posts_cache SET LOGGED;
ALTER TABLE counted_beatdowns_cache SET LOGGED;
