-- Every command checks at start that each region's schema has every region migration. Reading
-- 400 schemas' ledgers in one statement still cost every command about half a second; a region
-- now records the fingerprint of the region migrations its schema was last found to have in full
-- (set by db::migrate_regions and by region creation), so the check is one statement over this
-- table and only regions whose fingerprint differs have their ledgers read.
ALTER TABLE regions ADD COLUMN migrated text;
