-- An admin log channel per region (as PAXminer's paxminer_logs): backblasts that could not be
-- read and the summary of each delivery run are posted there too. Feedback DMs to the Q can be
-- turned off while the log stays.
ALTER TABLE regions
  ADD COLUMN log_channel       text,
  ADD COLUMN send_feedback_dms boolean NOT NULL DEFAULT true;
