-- A delivery's chart as its spec (render/README.md's JSON form), drawn when it is sent: the
-- monthly run queues 1,000+ charts in the time it takes to plan them, and each is rendered in
-- the sender's waits on Slack's rate limits. bytes holds the PNG from the moment it is drawn (a
-- resumed delivery sends the very bytes it drew), as before for rows planned with their bytes.
ALTER TABLE deliveries ADD COLUMN chart jsonb;
