-- A number that changes whenever anything the library's search could show
-- changes (an item or its topics written or removed). Search results are
-- kept in memory under this number and reused only while it is unchanged,
-- so every `waymark serve` process sees another's changes at once
-- (src/exchange/search.rs).
CREATE TABLE exchange_library_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO exchange_library_version (id, version) VALUES (1, 0);

CREATE TRIGGER exchange_items_version_insert AFTER INSERT ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_items_version_update AFTER UPDATE ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_items_version_delete AFTER DELETE ON exchange_items BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_version_insert AFTER INSERT ON exchange_item_topics BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER exchange_item_topics_version_delete AFTER DELETE ON exchange_item_topics BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
END;
