-- The dashboard (README "Dashboard"): who may see a region's pages (public: anyone, except the
-- admin and Kotter pages; members: people signed in with Slack from the region's workspace;
-- off: nobody), and the user ids that are the region's admins besides the workspace's own.
ALTER TABLE regions
  ADD COLUMN dashboard text NOT NULL DEFAULT 'members' CHECK (dashboard IN ('public', 'members', 'off')),
  ADD COLUMN admins    text NOT NULL DEFAULT '';

-- Sign in with Slack: one row per sign-in under way, from /login to /auth/slack/callback. The
-- state is used once (deleted when the callback takes it) and expires; the nonce must come back
-- inside the ID token; next is the local path to return to.
CREATE TABLE web_logins (
  state_hash text PRIMARY KEY,          -- SHA-256 of the state (hex); the state itself is never stored
  nonce      text NOT NULL,
  next_path  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);

-- A signed-in visitor. The cookie holds the session id; this table holds its SHA-256 only, so a
-- read of the table cannot be replayed as a cookie.
CREATE TABLE web_sessions (
  id_hash         text PRIMARY KEY,
  team_id         text NOT NULL,
  user_id         text NOT NULL,
  name            text NOT NULL,
  workspace_admin boolean NOT NULL DEFAULT false,  -- users.info: is_admin or is_owner, at sign-in
  csrf            text NOT NULL,                    -- every form's token
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- What admins did on the dashboard (alias confirmed, run asked for …): who, where, what.
CREATE TABLE web_actions (
  id         bigserial PRIMARY KEY,
  region     text NOT NULL REFERENCES regions (slug) ON DELETE CASCADE,
  user_id    text NOT NULL,
  action     text NOT NULL,
  detail     text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_actions_region ON web_actions (region, id DESC);
