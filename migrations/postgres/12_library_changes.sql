-- Which items each change of the library's version touched, so a
-- process's search index (src/exchange/index.rs) takes in just those
-- instead of reading the whole library again. The version's row lock
-- orders writers, so versions are committed in the order they are
-- numbered and a reader never skips one. Old rows are pruned
-- (`pruned_through`); an index older than that is built again whole.
CREATE TABLE exchange_library_changes (
    version BIGINT NOT NULL,
    item_id BIGINT NOT NULL
);
CREATE INDEX exchange_library_changes_version ON exchange_library_changes (version);
ALTER TABLE exchange_library_version ADD COLUMN pruned_through BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER exchange_items_version ON exchange_items;
DROP TRIGGER exchange_item_topics_version ON exchange_item_topics;
DROP FUNCTION exchange_library_changed();

-- Still once per statement (a bulk load bumps the number once), with the
-- statement's rows read from its transition tables; PostgreSQL allows
-- those only on a trigger for one kind of statement, hence one each.
CREATE FUNCTION exchange_library_changed() RETURNS trigger AS $$
DECLARE
    changed BIGINT;
BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1
    RETURNING version INTO changed;
    IF TG_TABLE_NAME = 'exchange_items' THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO exchange_library_changes (version, item_id) SELECT changed, id FROM new_rows;
        ELSIF TG_OP = 'UPDATE' THEN
            INSERT INTO exchange_library_changes (version, item_id)
            SELECT changed, id FROM new_rows UNION SELECT changed, id FROM old_rows;
        ELSE
            INSERT INTO exchange_library_changes (version, item_id) SELECT changed, id FROM old_rows;
        END IF;
    ELSE
        IF TG_OP = 'INSERT' THEN
            INSERT INTO exchange_library_changes (version, item_id) SELECT DISTINCT changed, item_id FROM new_rows;
        ELSIF TG_OP = 'UPDATE' THEN
            INSERT INTO exchange_library_changes (version, item_id)
            SELECT changed, item_id FROM new_rows UNION SELECT changed, item_id FROM old_rows;
        ELSE
            INSERT INTO exchange_library_changes (version, item_id) SELECT DISTINCT changed, item_id FROM old_rows;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER exchange_items_version_insert AFTER INSERT ON exchange_items
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_items_version_update AFTER UPDATE ON exchange_items
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_items_version_delete AFTER DELETE ON exchange_items
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_item_topics_version_insert AFTER INSERT ON exchange_item_topics
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_item_topics_version_update AFTER UPDATE ON exchange_item_topics
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_item_topics_version_delete AFTER DELETE ON exchange_item_topics
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
