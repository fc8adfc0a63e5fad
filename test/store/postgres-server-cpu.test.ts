// The benchmark's measure of the PostgreSQL server's CPU per read (bench/read-path.ts):
// it must keep what a server process spent after that process has ended — a backend
// whose connection closed, an autovacuum worker that finished during a round — or a
// round in which one ends reports less than the server did, down to nothing.
import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cpuUs, postgresCpuUs } from '../../bench/read-path.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';

describe("the bench's PostgreSQL server CPU", () => {
  it('keeps the CPU of a backend whose connection ended during the measurement', async () => {
    const before = postgresCpuUs();
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const backend = rows[0]!.pid;
    // The server must be on this machine for its processes to be measured at all.
    expect(existsSync(`/proc/${backend}/stat`)).toBe(true);
    await client.query('SELECT count(*) FROM generate_series(1, 3000000)');
    const spent = cpuUs(backend)!;
    await client.end();
    for (let i = 0; i < 100 && existsSync(`/proc/${backend}/stat`); i++) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(`/proc/${backend}/stat`)).toBe(false);
    expect(spent).toBeGreaterThan(0);
    // Everything the ended backend spent is still counted (other server processes only add).
    expect(postgresCpuUs()! - before!).toBeGreaterThanOrEqual(spent);
  });
});
