-- A partner's own Exchange submissions: every partner's home page lists
-- theirs, which without this reads every item in the Exchange.
CREATE INDEX exchange_items_submitter ON exchange_items (submitted_by, status);
