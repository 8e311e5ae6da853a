-- Who brought the child back from a home stay: a contact of her family allowed to visit her
-- (anyone else is stopped at the gate and the attempt audited). Empty for stays recorded
-- back before this was asked.
ALTER TABLE home_stay ADD COLUMN brought_back_by INTEGER REFERENCES family_contact (id);
