-- Each beatdown's fingerprint: a hash of its row, its attendance and its parse issues as the
-- parser last wrote them (db/src/derived_store.cpp). A reparse writes only the beatdowns whose
-- fingerprint differs, so one that changes nothing writes nothing and the dashboard's pages
-- stay. NULL (rows written before this column) never matches: the next reparse writes them.
ALTER TABLE beatdowns ADD COLUMN derived_hash bigint;
