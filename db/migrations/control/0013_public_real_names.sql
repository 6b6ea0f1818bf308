-- F3 goes by F3 names (issue 29): a page anyone can see (dashboard=public, and the static
-- export) shows people's shown names only, never their real names, unless the region says so.
ALTER TABLE regions ADD COLUMN public_real_names boolean NOT NULL DEFAULT false;
