-- The year at a glance (a 3-panel chart to 1st-F with the monthly run), and the Kotter classes
-- of PAX Vault (F3 Nation's dashboard), each threshold a region setting (README, settings).
ALTER TABLE regions
  ADD COLUMN send_year_glance             boolean NOT NULL DEFAULT true,
  -- a PAX is on the Kotter list when their last post was kotter_min_days to kotter_max_days ago
  -- (a class may reach further) and they fall in one of these classes, tried in this order:
  ADD COLUMN kotter_min_days              integer NOT NULL DEFAULT 14  CHECK (kotter_min_days BETWEEN 1 AND 365),
  ADD COLUMN kotter_max_days              integer NOT NULL DEFAULT 90  CHECK (kotter_max_days BETWEEN 1 AND 730),
  -- new PAX drop: at most N posts, the first within D days
  ADD COLUMN kotter_new_max_posts         integer NOT NULL DEFAULT 6   CHECK (kotter_new_max_posts BETWEEN 1 AND 100),
  ADD COLUMN kotter_new_first_days        integer NOT NULL DEFAULT 90  CHECK (kotter_new_first_days BETWEEN 1 AND 730),
  -- veteran drift: at least N posts, at least M a month, quiet at least D days
  ADD COLUMN kotter_veteran_min_posts     integer NOT NULL DEFAULT 100 CHECK (kotter_veteran_min_posts BETWEEN 1 AND 10000),
  ADD COLUMN kotter_veteran_per_month     integer NOT NULL DEFAULT 4   CHECK (kotter_veteran_per_month BETWEEN 0 AND 100),
  ADD COLUMN kotter_veteran_quiet_days    integer NOT NULL DEFAULT 21  CHECK (kotter_veteran_quiet_days BETWEEN 1 AND 365),
  -- seasonal: at least N posts, M a month over their time, at most R posts in the last 90 days,
  -- quiet Q to X days, at most A AOs
  ADD COLUMN kotter_seasonal_min_posts    integer NOT NULL DEFAULT 50  CHECK (kotter_seasonal_min_posts BETWEEN 1 AND 10000),
  ADD COLUMN kotter_seasonal_per_month    integer NOT NULL DEFAULT 2   CHECK (kotter_seasonal_per_month BETWEEN 0 AND 100),
  ADD COLUMN kotter_seasonal_recent_posts integer NOT NULL DEFAULT 1   CHECK (kotter_seasonal_recent_posts BETWEEN 0 AND 100),
  ADD COLUMN kotter_seasonal_quiet_days   integer NOT NULL DEFAULT 30  CHECK (kotter_seasonal_quiet_days BETWEEN 1 AND 365),
  ADD COLUMN kotter_seasonal_max_days     integer NOT NULL DEFAULT 120 CHECK (kotter_seasonal_max_days BETWEEN 1 AND 730),
  ADD COLUMN kotter_seasonal_max_aos      integer NOT NULL DEFAULT 2   CHECK (kotter_seasonal_max_aos BETWEEN 1 AND 1000),
  -- soft drift: N to M posts, quiet Q to X days
  ADD COLUMN kotter_soft_min_posts        integer NOT NULL DEFAULT 7   CHECK (kotter_soft_min_posts BETWEEN 1 AND 10000),
  ADD COLUMN kotter_soft_max_posts        integer NOT NULL DEFAULT 99  CHECK (kotter_soft_max_posts BETWEEN 1 AND 10000),
  ADD COLUMN kotter_soft_quiet_days       integer NOT NULL DEFAULT 21  CHECK (kotter_soft_quiet_days BETWEEN 1 AND 365),
  ADD COLUMN kotter_soft_max_days         integer NOT NULL DEFAULT 45  CHECK (kotter_soft_max_days BETWEEN 1 AND 730);
