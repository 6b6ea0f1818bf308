-- Columns no query estimates by: their statistics are not gathered. ANALYZE after a large
-- import sampled every message's raw JSON and text for nothing (a third of its 0.45 s at 106k
-- messages); the planner keeps its defaults for them.
ALTER TABLE messages ALTER COLUMN raw SET STATISTICS 0, ALTER COLUMN text SET STATISTICS 0;
ALTER TABLE beatdowns ALTER COLUMN title SET STATISTICS 0, ALTER COLUMN derived_hash SET STATISTICS 0,
  ALTER COLUMN edited_ts SET STATISTICS 0;
