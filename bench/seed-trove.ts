// Seeds a Trove database for the read-path benchmark through the real crypto: N
// consumers with a wrapped data key and 10 sealed attributes each, one brand, and one
// active grant per consumer. Seeding is skipped when the database already holds it;
// fresh access tokens (they live 5 minutes) are minted on every run.
import { parseConfig } from '../src/config.ts';
import { sealAttribute } from '../src/crypto/envelope.ts';
import { newId } from '../src/crypto/random.ts';
import { silentLog } from '../src/deps.ts';
import { registerBrand } from '../src/features/brands/register-brand.ts';
import { mintAccessToken } from '../src/features/grants/access-token.ts';
import { pairwiseSubject } from '../src/features/grants/pairwise.ts';
import { newConsumer } from '../src/features/identity/create-consumer.ts';
import { dataKeyFor } from '../src/features/profile/data-key.ts';
import { createNodeDeps } from '../src/runtime/node/deps.ts';

const ATTRIBUTES: [string, unknown][] = [
  ['email', 'bench@example.com'],
  ['given_name', 'Ada'],
  ['family_name', 'Lovelace'],
  ['phone', '+441234567890'],
  ['birthdate', '1990-12-10'],
  ['country', 'GB'],
  ['language', 'en'],
  ['shoe_size', { size: 42, system: 'EU' }],
  ['clothing_size', 'M'],
  ['interests', ['hiking', 'jazz']],
];
const CHUNK = 250;

export async function seedTrove(env: Record<string, string>, consumers: number, tokens: number): Promise<string[]> {
  const deps = await createNodeDeps(parseConfig(env), { log: silentLog });
  try {
    const db = deps.store.db;
    let brand = (await db.selectFrom('brands').select('id').where('name', '=', 'Bench Shoes').executeTakeFirst())?.id;
    brand ??= (await registerBrand(deps, { name: 'Bench Shoes', redirect_uris: ['https://bench.example/cb'], auth: { method: 'client_secret_basic' } }))
      .client_id;
    const have = Number(
      (
        await db
          .selectFrom('grants')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst()
      )?.n ?? 0,
    );
    const now = deps.clock.now();
    for (let done = have; done < consumers; done += CHUNK) {
      const batch = Array.from({ length: Math.min(CHUNK, consumers - done) }, () => newConsumer(deps));
      await deps.store.commit({ writes: batch.map((c) => c.insert) });
      const writes = [];
      for (const c of batch) {
        const key = await dataKeyFor(deps, c.id);
        for (const [name, value] of ATTRIBUTES) {
          const sealed = sealAttribute(deps.sodium, key, { consumerId: c.id, name, persona: '', version: 1 }, JSON.stringify(value));
          writes.push(db.insertInto('attributes').values({ consumer_id: c.id, name, persona: '', ...sealed, version: 1, updated_at: now }));
        }
        key.fill(0);
        writes.push(
          db.insertInto('grants').values({
            id: newId(),
            brand_id: brand,
            consumer_id: c.id,
            subject: pairwiseSubject(deps, brand, c.id),
            attributes: JSON.stringify(ATTRIBUTES.map(([n]) => n)),
            requested: JSON.stringify({ attributes: ATTRIBUTES.map(([n]) => n), optional_attributes: [] }),
            persona: null,
            purpose: 'https://w3id.org/dpv#ServiceProvision',
            purpose_description: 'Benchmark',
            value_offer: null,
            access: 'ongoing',
            retention: 'P30D',
            status: 'active',
            created_at: now,
            updated_at: now,
            expires_at: now + 365 * 86_400_000,
            revoked_at: null,
            revoked_by: null,
            revoked_reason: null,
            read_count: 0,
            last_read_at: null,
          }),
        );
      }
      await deps.store.commit({ writes, audit: [{ action: 'bench.seeded', outcome: 'success', actor_type: 'operator', detail: { consumers: batch.length } }] });
    }
    const grants = await db.selectFrom('grants').select(['id', 'subject']).where('brand_id', '=', brand).where('status', '=', 'active').limit(tokens).execute();
    const minted = [];
    for (const g of grants) minted.push(await mintAccessToken(deps, { brandId: brand, sub: g.subject, grantId: g.id }));
    for (let i = 0; i < minted.length; i += 500) await deps.store.commit({ writes: minted.slice(i, i + 500).map((m) => m.insert) });
    return minted.map((m) => m.token);
  } finally {
    await deps.store.close();
  }
}
