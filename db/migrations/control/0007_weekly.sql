-- The weekly region report: on which local weekday and time it is sent (off: never), and its
-- sections ('' : all of them, else a comma list of summary, fngs_by_ao, top_workout,
-- top_posters, top_qs, trophies), and to whom ('': the 1st-F channel; else a comma list of
-- channel ids and user ids, users by DM).
ALTER TABLE regions
  ADD COLUMN weekly_day      text NOT NULL DEFAULT 'off'
    CHECK (weekly_day IN ('off', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')),
  ADD COLUMN weekly_time     text NOT NULL DEFAULT '08:00',
  ADD COLUMN weekly_sections text NOT NULL DEFAULT '',
  ADD COLUMN weekly_to       text NOT NULL DEFAULT '';
