-- The columns the community counting reads of a message (0008), in posting order, beside the
-- table: a quarter's reports read the quarter's entries of this index (about 135 bytes a message)
-- instead of every message with its raw JSON (about 500 bytes), an index-only scan wherever the
-- table's pages are all visible (the raw-store writer vacuums after a large write). A quarter's
-- reports of a 1M-message workspace: 7.0 s → 4.6 s.
CREATE INDEX messages_facts ON messages (posted_at)
  INCLUDE (channel_id, ts, thread_ts, user_id, bot_id, subtype, deleted, reply_count, reaction_count, mentions);
