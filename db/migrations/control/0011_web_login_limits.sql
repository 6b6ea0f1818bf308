-- Sign-ins under way are bounded (issue 29): anonymous /login requests once left a row each that
-- nothing removed (1.6 KB a request). Expired ones now go at every /login and every sign-in, and
-- a client (by its address, hashed) has at most a few under way at once.
ALTER TABLE web_logins ADD COLUMN client text NOT NULL DEFAULT '';
CREATE INDEX web_logins_expires ON web_logins (expires_at);
CREATE INDEX web_logins_client ON web_logins (client);
