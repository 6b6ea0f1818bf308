-- Secrets at rest (issue 33): a region's bot token sealed with AES-256-GCM under a key kept
-- outside the database (PAXSTATS_SECRET_KEY_FILE). The plain value is never stored: `sealed` is
-- "v1.<key id>.<base64>", and the check refuses anything else (a token pasted in plain text).
CREATE TABLE secrets (
  region     text NOT NULL REFERENCES regions (slug) ON DELETE CASCADE,
  name       text NOT NULL CHECK (name IN ('bot_token')),
  sealed     text NOT NULL CHECK (sealed ~ '^v1\.[0-9a-f]{8}\.[A-Za-z0-9+/=]+$'),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (region, name)
);

-- A change of keys: every value re-sealed in one statement, or none. Rows are
-- {region, name, old, sealed}; a row changed or deleted meanwhile matches no old value, and then
-- nothing is replaced.
CREATE FUNCTION reseal_secrets(rows jsonb) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  wanted  integer := jsonb_array_length(rows);
  changed integer;
BEGIN
  UPDATE paxstats.secrets s SET sealed = v.sealed, updated_at = now()
    FROM jsonb_to_recordset(rows) AS v(region text, name text, old text, sealed text)
   WHERE s.region = v.region AND s.name = v.name AND s.sealed = v.old;
  GET DIAGNOSTICS changed = ROW_COUNT;
  IF changed <> wanted THEN
    RAISE EXCEPTION 'paxstats: % of % secrets changed while they were re-sealed', wanted - changed, wanted
      USING ERRCODE = 'P0001';
  END IF;
  RETURN changed;
END $$;
