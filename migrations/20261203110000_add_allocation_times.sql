-- The time of day (local, HH:MM) a resident arrives on an allocation's first day and leaves
-- on its last (`until_on`): presence starts and ends then, so a child who comes at 16:00 is
-- counted for dinner and not for lunch, and one who leaves at 10:00 for breakfast only. A bed
-- move ends the old allocation at the time the new one starts, leaving no gap.
ALTER TABLE allocation ADD COLUMN arrives_at TEXT NOT NULL DEFAULT '16:00'
    CHECK (substr(time(arrives_at), 1, 5) IS arrives_at AND arrives_at < '24:00');
ALTER TABLE allocation ADD COLUMN leaves_at TEXT NOT NULL DEFAULT '10:00'
    CHECK (substr(time(leaves_at), 1, 5) IS leaves_at AND leaves_at < '24:00');

-- On the day one allocation of a resident ends and the next begins, the next may not begin
-- before the first ends: a child is in one bed at a time, to the minute.
CREATE TRIGGER allocation_resident_handover BEFORE INSERT ON allocation
WHEN EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.resident_id = NEW.resident_id AND a.until_on = NEW.from_on
      AND a.leaves_at > NEW.arrives_at
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_resident_housed');
END;

CREATE TRIGGER allocation_resident_handover_end BEFORE UPDATE OF until_on, leaves_at ON allocation
WHEN NEW.until_on IS NOT NULL AND EXISTS (
    SELECT 1 FROM allocation a
    WHERE a.resident_id = NEW.resident_id AND a.id <> NEW.id AND a.from_on = NEW.until_on
      AND a.arrives_at < NEW.leaves_at
)
BEGIN
    SELECT RAISE(ABORT, 'allocation_overlap');
END;
