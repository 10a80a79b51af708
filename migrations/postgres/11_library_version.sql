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

CREATE FUNCTION exchange_library_changed() RETURNS trigger AS $$
BEGIN
    UPDATE exchange_library_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Once per statement: a bulk load bumps the number once, not per row.
CREATE TRIGGER exchange_items_version AFTER INSERT OR UPDATE OR DELETE ON exchange_items
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
CREATE TRIGGER exchange_item_topics_version AFTER INSERT OR UPDATE OR DELETE ON exchange_item_topics
FOR EACH STATEMENT EXECUTE FUNCTION exchange_library_changed();
