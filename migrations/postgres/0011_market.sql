-- Issue 24, the market: an intent the consumer publishes to the market carries a pseudonym
-- (market_id, unlinkable to the consumer) and the agreement brands must accept to see it;
-- its category is kept in clear for filtering (the consumer published it). Offers answer
-- such intents; each carries a ready authorization request (details, redirect URI, PKCE
-- challenge) that accepting the offer turns into a request on the consent screen.
ALTER TABLE intents ADD COLUMN market_id TEXT;
ALTER TABLE intents ADD COLUMN market_terms TEXT;
ALTER TABLE intents ADD COLUMN category TEXT;
CREATE UNIQUE INDEX intents_market ON intents (market_id);

CREATE TABLE offers (
  id TEXT PRIMARY KEY,
  intent_id TEXT NOT NULL,
  consumer_id TEXT NOT NULL,
  brand_id TEXT NOT NULL,
  offer TEXT NOT NULL,                 -- JSON: what is offered (kind, description, amount, currency)
  details TEXT NOT NULL,               -- JSON: the trove_attributes request it would need
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  state TEXT,
  status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined', 'not_taken')),
  request_id TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  decided_at BIGINT
);
CREATE INDEX offers_intent ON offers (intent_id, created_at);
CREATE INDEX offers_brand ON offers (brand_id, created_at);
CREATE INDEX offers_consumer ON offers (consumer_id, created_at);
