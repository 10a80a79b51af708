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

DROP TRIGGER exchange_items_version_insert;
DROP TRIGGER exchange_items_version_update;
DROP TRIGGER exchange_items_version_delete;
DROP TRIGGER exchange_item_topics_version_insert;
DROP TRIGGER exchange_item_topics_version_delete;

CREATE TRIGGER exchange_items_version_insert AFTER INSERT ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, new.id FROM exchange_library_version WHERE id = 1;
END;
CREATE TRIGGER exchange_items_version_update AFTER UPDATE ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, new.id FROM exchange_library_version WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, old.id FROM exchange_library_version WHERE id = 1 AND old.id <> new.id;
END;
CREATE TRIGGER exchange_items_version_delete AFTER DELETE ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, old.id FROM exchange_library_version WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_version_insert AFTER INSERT ON exchange_item_topics BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, new.item_id FROM exchange_library_version WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_version_update AFTER UPDATE ON exchange_item_topics BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, new.item_id FROM exchange_library_version WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, old.item_id FROM exchange_library_version WHERE id = 1 AND old.item_id <> new.item_id;
END;
CREATE TRIGGER exchange_item_topics_version_delete AFTER DELETE ON exchange_item_topics BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    INSERT INTO exchange_library_changes (version, item_id)
    SELECT version, old.item_id FROM exchange_library_version WHERE id = 1;
END;
