-- Community analytics settings (README "Community analytics"): the channel community reports go
-- to (none: not sent), the help channels whose answers the engagement score weighs, and the
-- score's weights (messages, replies to others, reactions received, help answers, active weeks).
ALTER TABLE regions
  ADD COLUMN community_channel  text,
  ADD COLUMN help_channels      text NOT NULL DEFAULT '',
  ADD COLUMN engagement_weights text NOT NULL DEFAULT 'messages=1,replies=3,reactions=0.5,help=5,weeks=2';
