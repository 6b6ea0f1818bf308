-- Settings of the reports and the schedule, per region (paxstats region set SLUG KEY=VALUE).
ALTER TABLE regions
  -- a folder of NAME.mustache files that replace the built-in message templates of this region
  ADD COLUMN templates_dir        text,
  -- who gets a personal chart: 'month' (posted in the month) or 'year' (posted this year)
  ADD COLUMN pax_monthly_audience text NOT NULL DEFAULT 'month' CHECK (pax_monthly_audience IN ('month', 'year')),
  -- Kotter: at least kotter_min_posts posts in the kotter_window_weeks weeks before the last
  -- kotter_quiet_weeks weeks, and none in those
  ADD COLUMN kotter_min_posts     integer NOT NULL DEFAULT 4 CHECK (kotter_min_posts BETWEEN 1 AND 100),
  ADD COLUMN kotter_window_weeks  integer NOT NULL DEFAULT 8 CHECK (kotter_window_weeks BETWEEN 1 AND 52),
  ADD COLUMN kotter_quiet_weeks   integer NOT NULL DEFAULT 2 CHECK (kotter_quiet_weeks BETWEEN 1 AND 26),
  -- the monthly run: day of month and local time (paxstats serve)
  ADD COLUMN monthly_day          integer NOT NULL DEFAULT 2 CHECK (monthly_day BETWEEN 1 AND 28),
  ADD COLUMN monthly_time         text NOT NULL DEFAULT '09:00' CHECK (monthly_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');
