-- Issue 24, "my terms": the agreement a consumer proffers (by default, and per persona:
-- persona '' is the default), the agreements each brand accepts (a JSON array of roster
-- ids), and the agreement a grant was made under.
CREATE TABLE consumer_terms (
  consumer_id TEXT NOT NULL,
  persona TEXT NOT NULL,
  term TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_id, persona)
);
ALTER TABLE brands ADD COLUMN accepted_terms TEXT;
ALTER TABLE grants ADD COLUMN agreement TEXT;
