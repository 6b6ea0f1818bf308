-- Community analytics settings (README "Community analytics"): the channel community reports go
-- to (none: not sent), the help channels whose answers the engagement score weighs, the score's
-- weights (messages, replies to others, reactions received, help answers, active weeks), which
-- awards the ceremony gives ('': all), how many threads a fastest helper must have answered, and
-- how often the scheduler sends the community reports (at the monthly slot, for the month,
-- quarter or year that has just ended; off: never).
ALTER TABLE regions
  ADD COLUMN community_channel  text,
  ADD COLUMN help_channels      text NOT NULL DEFAULT '',
  ADD COLUMN engagement_weights text NOT NULL DEFAULT 'messages=1,replies=3,reactions=0.5,help=5,weeks=2',
  ADD COLUMN community_awards   text NOT NULL DEFAULT '',
  ADD COLUMN helper_min_replies integer NOT NULL DEFAULT 5 CHECK (helper_min_replies BETWEEN 1 AND 1000),
  ADD COLUMN community_every    text NOT NULL DEFAULT 'off'
    CHECK (community_every IN ('off', 'month', 'quarter', 'year')),
  -- Nudges to members gone quiet (0 days: off): a member with at least nudge_min_messages member
  -- messages in the 90 days before now and none in the last nudge_quiet_days gets a DM; no reply
  -- (no message of theirs) nudge_reply_days later, a second; then the moderators' channel hears.
  ADD COLUMN nudge_quiet_days   integer NOT NULL DEFAULT 0 CHECK (nudge_quiet_days BETWEEN 0 AND 365),
  ADD COLUMN nudge_min_messages integer NOT NULL DEFAULT 10 CHECK (nudge_min_messages BETWEEN 1 AND 100000),
  ADD COLUMN nudge_reply_days   integer NOT NULL DEFAULT 7 CHECK (nudge_reply_days BETWEEN 1 AND 90),
  ADD COLUMN moderators_channel text,
  -- The mentor pick (0: off): in the last mentor_days days of each quarter, the mentor_count
  -- members with the highest engagement score of the quarter so far are asked by DM whether they
  -- would mentor, and the moderators' channel gets the list.
  ADD COLUMN mentor_count       integer NOT NULL DEFAULT 0 CHECK (mentor_count BETWEEN 0 AND 100),
  ADD COLUMN mentor_days        integer NOT NULL DEFAULT 7 CHECK (mentor_days BETWEEN 1 AND 60);
