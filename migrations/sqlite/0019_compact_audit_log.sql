-- Issue 26, a compact log: an audit event took ~750 bytes on disk, mostly the same ids,
-- purpose URL and attribute list repeated in every row, hex hashes, the previous event's
-- hash stored again, and indexes on text. Events are now stored as
--   audit_log:      seq, 16-byte id, ts, context number, brand number, 32-byte hash
--   audit_contexts: each distinct (actor, action, outcome, consumer, grant, attributes,
--                   purpose, reason, detail) once; a brand's reads of one grant share one
--   audit_brands:   each brand id once (the brand filter is an index on audit_log)
-- and audit_events becomes a view giving back every column exactly as before (prev_hash is
-- the hash of the event before), so what is hashed, verified and exported is unchanged.
-- Writers store events through src/db/compact-log.ts. No triggers: `wrangler d1 export`
-- writes triggers before views, so an export with one would not load back.
-- The by-consumer and by-grant index tables become one, keyed by context.
CREATE TABLE audit_contexts (
  num INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,            -- json_array of the columns below, in this order
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  consumer_id TEXT,
  grant_id TEXT,
  attributes TEXT,
  purpose TEXT,
  reason TEXT,
  detail TEXT
);
CREATE INDEX audit_contexts_consumer ON audit_contexts (consumer_id) WHERE consumer_id IS NOT NULL;
CREATE INDEX audit_contexts_grant ON audit_contexts (grant_id) WHERE grant_id IS NOT NULL;

CREATE TABLE audit_brands (
  num INTEGER PRIMARY KEY,
  brand_id TEXT NOT NULL UNIQUE
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,             -- gapless, assigned at commit; unique so racing commits fail
  id BLOB NOT NULL,                    -- a UUID's 16 bytes (any other id as its text)
  ts INTEGER NOT NULL,
  context INTEGER NOT NULL,
  brand INTEGER NOT NULL,              -- 0: no brand
  hash BLOB NOT NULL                   -- 32 bytes
);

INSERT INTO audit_contexts (key, actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail)
  SELECT json_array(actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail),
         actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail
  FROM audit_events WHERE true ORDER BY seq
  ON CONFLICT (key) DO NOTHING;
INSERT INTO audit_brands (brand_id)
  SELECT brand_id FROM audit_events WHERE brand_id IS NOT NULL ORDER BY seq
  ON CONFLICT (brand_id) DO NOTHING;
INSERT INTO audit_log (seq, id, ts, context, brand, hash)
  SELECT e.seq,
         CASE WHEN lower(substr(hex(u), 1, 8) || '-' || substr(hex(u), 9, 4) || '-' || substr(hex(u), 13, 4) || '-' || substr(hex(u), 17, 4) || '-' || substr(hex(u), 21, 12)) IS e.id
              THEN u ELSE e.id END,
         e.ts,
         (SELECT num FROM audit_contexts c WHERE c.key = json_array(e.actor_type, e.actor_id, e.action, e.outcome, e.consumer_id, e.grant_id, e.attributes, e.purpose, e.reason, e.detail)),
         COALESCE((SELECT num FROM audit_brands b WHERE b.brand_id = e.brand_id), 0),
         COALESCE(unhex(e.hash), e.hash)
  FROM (SELECT *, unhex(replace(id, '-', '')) AS u FROM audit_events) e ORDER BY e.seq;

DROP TABLE audit_by_consumer;
DROP TABLE audit_by_grant;
DROP TABLE audit_events;

CREATE TABLE audit_by_context (
  context INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (context, seq)
) WITHOUT ROWID;
INSERT INTO audit_by_context (context, seq)
  SELECT l.context, l.seq FROM audit_log l JOIN audit_contexts c ON c.num = l.context
  WHERE (c.consumer_id IS NOT NULL OR c.grant_id IS NOT NULL) AND l.seq <= (SELECT upto FROM audit_index_state)
  ORDER BY l.context, l.seq;

CREATE INDEX audit_log_brand ON audit_log (brand, seq) WHERE brand <> 0;
CREATE INDEX audit_log_ts ON audit_log (ts);

CREATE VIEW audit_events AS
SELECT
  l.seq AS seq,
  CASE WHEN typeof(l.id) = 'blob'
       THEN lower(substr(hex(l.id), 1, 8) || '-' || substr(hex(l.id), 9, 4) || '-' || substr(hex(l.id), 13, 4) || '-' || substr(hex(l.id), 17, 4) || '-' || substr(hex(l.id), 21, 12))
       ELSE l.id END AS id,
  l.ts AS ts,
  c.actor_type AS actor_type,
  c.actor_id AS actor_id,
  c.action AS action,
  c.outcome AS outcome,
  c.consumer_id AS consumer_id,
  b.brand_id AS brand_id,
  c.grant_id AS grant_id,
  c.attributes AS attributes,
  c.purpose AS purpose,
  c.reason AS reason,
  c.detail AS detail,
  COALESCE((SELECT CASE WHEN typeof(p.hash) = 'blob' THEN lower(hex(p.hash)) ELSE p.hash END FROM audit_log p WHERE p.seq = l.seq - 1),
           '0000000000000000000000000000000000000000000000000000000000000000') AS prev_hash,
  CASE WHEN typeof(l.hash) = 'blob' THEN lower(hex(l.hash)) ELSE l.hash END AS hash
FROM audit_log l
JOIN audit_contexts c ON c.num = l.context
LEFT JOIN audit_brands b ON b.num = l.brand;
