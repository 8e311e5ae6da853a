-- A booking whose child became away (a home stay, hospital, a trip, a camp) at the visit's
-- time after it was made: in the social team's queue, and "under review" on the family's
-- portal. Kept apart from `review`, which a permission change sets and the family never sees.
ALTER TABLE visit_booking ADD COLUMN child_away INTEGER NOT NULL DEFAULT 0
    CHECK (child_away IN (0, 1));
