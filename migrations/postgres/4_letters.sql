-- The letter of commitment's file: kept in object storage under a key we
-- make; its original name only for display.
ALTER TABLE applications ADD COLUMN letter_key TEXT;
ALTER TABLE applications ADD COLUMN letter_name TEXT;
ALTER TABLE applications ADD COLUMN letter_size BIGINT;
ALTER TABLE applications ADD COLUMN letter_uploaded_at BIGINT;
