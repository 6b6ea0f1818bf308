-- An award more people share than this is not given (issues 29 and 30): a card of "& 1218 more"
-- honours nobody. The message says why in one line. A card holds at most 20 names.
ALTER TABLE regions
  ADD COLUMN award_max_winners integer NOT NULL DEFAULT 10 CHECK (award_max_winners BETWEEN 1 AND 20);
