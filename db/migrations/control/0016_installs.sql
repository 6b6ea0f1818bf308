-- Add to Slack (issue 33). A region that joined through Slack's OAuth flow has an install: its
-- workspace, the bot's user, who installed it and with which scopes, and whether Slack still
-- lets it in. A region set up from the CLI has none and is always live. While an install is
-- uninstalled or its tokens revoked, the region's jobs are held (queued, never claimed), so a
-- reinstall resumes them where they stood.
CREATE TABLE installs (
  region       text PRIMARY KEY REFERENCES regions (slug) ON DELETE CASCADE,
  team_id      text NOT NULL,
  state        text NOT NULL DEFAULT 'installed' CHECK (state IN ('installed', 'uninstalled', 'tokens_revoked')),
  bot_user_id  text NOT NULL DEFAULT '',
  installer    text NOT NULL DEFAULT '',
  scopes       text NOT NULL DEFAULT '',
  installed_at timestamptz NOT NULL DEFAULT now(),
  changed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX installs_team ON installs (team_id);

-- Token rotation (Slack's refresh_token and expires_in): the refresh token is a secret too, and
-- a rotating bot token says when it expires.
ALTER TABLE secrets DROP CONSTRAINT secrets_name_check;
ALTER TABLE secrets ADD CONSTRAINT secrets_name_check CHECK (name IN ('bot_token', 'bot_refresh_token'));
ALTER TABLE secrets ADD COLUMN expires_at timestamptz;

-- A sign-in and an install both begin with a one-use state bound to the browser; a state begun
-- for one is never taken by the other's callback.
ALTER TABLE web_logins ADD COLUMN purpose text NOT NULL DEFAULT 'sign_in' CHECK (purpose IN ('sign_in', 'install'));

-- Actions come from the dashboard and from Slack's buttons. A button's payload names its action
-- once (its action_ts): a replay of it finds its row and changes nothing.
ALTER TABLE web_actions
  ADD COLUMN via    text NOT NULL DEFAULT 'dashboard' CHECK (via IN ('dashboard', 'slack', 'service')),
  ADD COLUMN dedupe text UNIQUE;
