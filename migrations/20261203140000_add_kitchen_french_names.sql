-- Recipes and ingredients get a French name, as meal services have: the canteen's French
-- readers saw English. Recipes and ingredients entered before this take their English name
-- until someone gives them a French one; from now on every new or renamed one must have one.
ALTER TABLE ingredient ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
UPDATE ingredient SET name_fr = name_en;
ALTER TABLE recipe ADD COLUMN name_fr TEXT NOT NULL DEFAULT '';
UPDATE recipe SET name_fr = name_en;

-- SQLite cannot add a CHECK that the rows above pass only after the UPDATE: these triggers
-- hold the same rule as the other names (trimmed, 1 to 60 or 80 characters).
CREATE TRIGGER ingredient_name_fr_insert BEFORE INSERT ON ingredient
WHEN length(trim(NEW.name_fr)) NOT BETWEEN 1 AND 60
BEGIN
    SELECT RAISE(ABORT, 'ingredient_name_fr');
END;

CREATE TRIGGER ingredient_name_fr_update BEFORE UPDATE OF name_fr ON ingredient
WHEN length(trim(NEW.name_fr)) NOT BETWEEN 1 AND 60
BEGIN
    SELECT RAISE(ABORT, 'ingredient_name_fr');
END;

CREATE TRIGGER recipe_name_fr_insert BEFORE INSERT ON recipe
WHEN length(trim(NEW.name_fr)) NOT BETWEEN 1 AND 80
BEGIN
    SELECT RAISE(ABORT, 'recipe_name_fr');
END;

CREATE TRIGGER recipe_name_fr_update BEFORE UPDATE OF name_fr ON recipe
WHEN length(trim(NEW.name_fr)) NOT BETWEEN 1 AND 80
BEGIN
    SELECT RAISE(ABORT, 'recipe_name_fr');
END;
