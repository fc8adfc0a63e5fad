// The audit log as an operator who knew the old table would edit it: INSTEAD OF triggers
// that make the audit_events view writable (insert, update, delete in the old shape),
// storing each change in the compact tables (migration 0019) as any direct edit would.
// Tests only: the tampering tests keep their plain SQL, and the stored rows still change
// underneath, which is what verification must catch. On SQLite they are TEMP triggers
// (this connection only); on PostgreSQL they live in the test's own schema.
import { sql } from 'kysely';
import type { SqliteStore } from '../../src/runtime/store/sqlite/store.ts';
import type { TestDeps } from './deps.ts';

/** For a better-sqlite3 handle of its own: `db.exec(SQLITE_LEGACY_WRITES)`. */
export const SQLITE_LEGACY_WRITES = `
CREATE TEMP TRIGGER audit_events_insert INSTEAD OF INSERT ON main.audit_events
BEGIN
  INSERT INTO audit_contexts (key, actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail)
    SELECT json_array(NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail),
           NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail
    WHERE true ON CONFLICT (key) DO NOTHING;
  INSERT INTO audit_brands (brand_id) SELECT NEW.brand_id WHERE NEW.brand_id IS NOT NULL ON CONFLICT (brand_id) DO NOTHING;
  INSERT INTO audit_log (seq, id, ts, context, brand, hash)
    SELECT NEW.seq,
           CASE WHEN lower(substr(hex(u), 1, 8) || '-' || substr(hex(u), 9, 4) || '-' || substr(hex(u), 13, 4) || '-' || substr(hex(u), 17, 4) || '-' || substr(hex(u), 21, 12)) IS NEW.id
                THEN u ELSE NEW.id END,
           NEW.ts,
           (SELECT num FROM audit_contexts WHERE key = json_array(NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail)),
           COALESCE((SELECT num FROM audit_brands WHERE brand_id = NEW.brand_id), 0),
           COALESCE(unhex(NEW.hash), NEW.hash)
    FROM (SELECT unhex(replace(NEW.id, '-', '')) AS u);
END;

CREATE TEMP TRIGGER audit_events_update INSTEAD OF UPDATE ON main.audit_events
BEGIN
  INSERT INTO audit_contexts (key, actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail)
    SELECT json_array(NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail),
           NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail
    WHERE true ON CONFLICT (key) DO NOTHING;
  INSERT INTO audit_brands (brand_id) SELECT NEW.brand_id WHERE NEW.brand_id IS NOT NULL ON CONFLICT (brand_id) DO NOTHING;
  UPDATE audit_log SET
    seq = NEW.seq,
    id = (SELECT CASE WHEN lower(substr(hex(u), 1, 8) || '-' || substr(hex(u), 9, 4) || '-' || substr(hex(u), 13, 4) || '-' || substr(hex(u), 17, 4) || '-' || substr(hex(u), 21, 12)) IS NEW.id
                      THEN u ELSE NEW.id END FROM (SELECT unhex(replace(NEW.id, '-', '')) AS u)),
    ts = NEW.ts,
    context = (SELECT num FROM audit_contexts WHERE key = json_array(NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail)),
    brand = COALESCE((SELECT num FROM audit_brands WHERE brand_id = NEW.brand_id), 0),
    hash = COALESCE(unhex(NEW.hash), NEW.hash)
  WHERE seq = OLD.seq;
END;

CREATE TEMP TRIGGER audit_events_delete INSTEAD OF DELETE ON main.audit_events
BEGIN
  DELETE FROM audit_log WHERE seq = OLD.seq;
END;
`;

const PG_LEGACY_WRITES = `
CREATE FUNCTION audit_events_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d BYTEA;
  ctx INTEGER;
  br INTEGER := 0;
  is_uuid BOOLEAN;
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM audit_log WHERE seq = OLD.seq;
    RETURN OLD;
  END IF;
  d := sha256(convert_to(json_build_array(NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id,
    NEW.attributes, NEW.purpose, NEW.reason, NEW.detail)::text, 'UTF8'));
  SELECT num INTO ctx FROM audit_contexts WHERE digest = d;
  IF ctx IS NULL THEN
    INSERT INTO audit_contexts (digest, actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail)
      VALUES (d, NEW.actor_type, NEW.actor_id, NEW.action, NEW.outcome, NEW.consumer_id, NEW.grant_id, NEW.attributes, NEW.purpose, NEW.reason, NEW.detail)
      ON CONFLICT (digest) DO NOTHING RETURNING num INTO ctx;
    IF ctx IS NULL THEN SELECT num INTO ctx FROM audit_contexts WHERE digest = d; END IF;
  END IF;
  IF NEW.brand_id IS NOT NULL THEN
    SELECT num INTO br FROM audit_brands WHERE brand_id = NEW.brand_id;
    IF br IS NULL THEN
      INSERT INTO audit_brands (brand_id) VALUES (NEW.brand_id) ON CONFLICT (brand_id) DO NOTHING RETURNING num INTO br;
      IF br IS NULL THEN SELECT num INTO br FROM audit_brands WHERE brand_id = NEW.brand_id; END IF;
    END IF;
  END IF;
  is_uuid := NEW.id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (seq, ts, id, context, brand, hash, id_text)
      VALUES (NEW.seq, NEW.ts, CASE WHEN is_uuid THEN NEW.id::uuid END, ctx, br, decode(NEW.hash, 'hex'), CASE WHEN NOT is_uuid THEN NEW.id END);
  ELSE
    UPDATE audit_log SET seq = NEW.seq, ts = NEW.ts, id = CASE WHEN is_uuid THEN NEW.id::uuid END, context = ctx, brand = br,
      hash = decode(NEW.hash, 'hex'), id_text = CASE WHEN NOT is_uuid THEN NEW.id END
    WHERE seq = OLD.seq;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_events_write INSTEAD OF INSERT OR UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_write();
`;

export async function installLegacyLogWrites(deps: Pick<TestDeps, 'store'>): Promise<void> {
  if (deps.store.dialect === 'postgres') await sql.raw(PG_LEGACY_WRITES).execute(deps.store.db);
  else (deps.store as SqliteStore).sqlite.exec(SQLITE_LEGACY_WRITES);
}
