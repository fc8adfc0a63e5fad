// One extended-protocol block as a pg Submittable (the extension point pg-cursor uses),
// on an ordinary client: Parse (the first time this connection sees a statement name),
// Bind, Describe and Execute per statement, then a single Sync. It answers each
// statement's outcome: after a server error the rest did not run (the server skips to
// the Sync); after any other error (a lost connection, pg's query_timeout) they may have,
// and the block says so (`unknown`).
import pg from 'pg';
import type { CompiledQuery } from 'kysely';

// SQL text → statement name. Hot-path statements come from prepared templates, so their
// texts are few; past the cap, a new text is sent unnamed rather than kept on every
// connection forever.
const names = new Map<string, string>();
const MAX_NAMED = 2000;

function statementName(sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `trove_${names.size.toString(36)}`;
    names.set(sql, name);
  }
  return name;
}

export type Statement = Pick<CompiledQuery, 'sql' | 'parameters'>;

/** A statement the server skipped: an earlier one of its block failed. */
export class NotRun extends Error {}
export type Settled = { ok: true; rows: Record<string, unknown>[]; command: string } | { ok: false; error: unknown };

// pg's own row parsing and value conversion (exported, not in its type definitions), so
// rows and parameters come out exactly as through client.query().
type RowParser = { rows: unknown[]; addFields(fields: unknown[]): void; parseRow(fields: unknown[]): unknown; addRow(row: unknown): void };
const internals = pg as unknown as {
  Result: new (rowMode: undefined, types: pg.CustomTypesConfig | undefined) => RowParser;
  utils: { prepareValue(v: unknown): unknown };
};

type Connection = {
  stream?: { cork?(): void; uncork?(): void };
  parse(m: { name?: string; text: string; types: unknown[] }): void;
  bind(m: { statement?: string; values: unknown[]; valueMapper: (v: unknown) => unknown }): void;
  describe(m: { type: 'P'; name?: string }): void;
  execute(m: { rows: number }): void;
  close(m: { type: 'S'; name: string }): void;
  sync(): void;
};

// Per connection: the statement names known to be prepared there, and those a failed
// block may or may not have prepared — closed at the start of the next block (closing a
// name the server does not have is not an error), then parsed again when needed.
type Prepared = { parsed: Set<string>; uncertain: Set<string> };
const preparedOn = new WeakMap<object, Prepared>();

export class Block {
  readonly results: Settled[] = [];
  /** True when the server may have run statements the client never heard back about. */
  unknown = false;
  private result: RowParser | null = null;
  /** Statements whose rows pg's parsers refused (index → error); the rest are parsed as usual. */
  private readonly parseErrors = new Map<number, unknown>();
  private settled = false;
  private done!: (failure: unknown) => void;
  readonly finished = new Promise<unknown>((resolve) => {
    this.done = resolve;
  });
  private prepared: Prepared = { parsed: new Set(), uncertain: new Set() };
  /** Names this block parses (index → name), confirmed once their statement has run. */
  private readonly parsing = new Map<number, string>();
  // Read by pg's client when it dispatches; a Block is neither named nor paged. pg wraps
  // `callback` to clear its query_timeout timer, so finishing calls it.
  readonly name = undefined;
  readonly rows = undefined;
  callback: ((err: unknown) => void) | undefined = undefined;
  private readonly statements: readonly Statement[];
  private readonly named: boolean;
  private readonly types: pg.CustomTypesConfig | undefined;

  constructor(statements: readonly Statement[], named: boolean, types: pg.CustomTypesConfig | undefined) {
    this.statements = statements;
    this.named = named;
    this.types = types;
  }

  private finish(failure: unknown) {
    if (this.settled) return;
    this.settled = true;
    this.callback?.(failure ?? null);
    this.done(failure);
  }

  submit(connection: Connection) {
    let prepared = preparedOn.get(connection);
    if (!prepared) preparedOn.set(connection, (prepared = { parsed: new Set(), uncertain: new Set() }));
    this.prepared = prepared;
    connection.stream?.cork?.();
    try {
      for (const name of prepared.uncertain) connection.close({ type: 'S', name });
      prepared.uncertain.clear();
      this.statements.forEach((s, i) => {
        const name = this.named ? statementName(s.sql) : undefined;
        if (!name || !prepared.parsed.has(name)) {
          connection.parse({ name, text: s.sql, types: [] });
          if (name) {
            this.parsing.set(i, name);
            // Until its statement runs, a later statement of this block must not parse it twice.
            prepared.parsed.add(name);
          }
        }
        connection.bind({ statement: name, values: s.parameters as unknown[], valueMapper: internals.utils.prepareValue });
        connection.describe({ type: 'P' });
        connection.execute({ rows: 0 });
      });
    } finally {
      // Even if building a message threw, the server gets its Sync and answers.
      connection.sync();
      connection.stream?.uncork?.();
    }
  }

  /** After a failure at statement `failed`: names parsed from there on are in doubt. */
  private doubt(failed: number) {
    for (const [i, name] of this.parsing) {
      if (i < failed) continue;
      this.prepared.parsed.delete(name);
      this.prepared.uncertain.add(name);
    }
  }

  handleRowDescription(msg: { fields: unknown[] }) {
    if (this.settled) return;
    this.result = new internals.Result(undefined, this.types);
    this.result.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }) {
    const index = this.results.length;
    if (this.settled || this.parseErrors.has(index)) return;
    try {
      const result = this.result!;
      result.addRow(result.parseRow(msg.fields));
    } catch (error) {
      // As pg's own Query does: a value its parser refuses fails the statement, reported
      // once the server has answered, and the connection stays in step. Only that
      // statement: the server ran the rest, and their rows are parsed as usual.
      this.parseErrors.set(index, error);
    }
  }

  /** Marks the statements whose rows could not be parsed as failed; returns the first error. */
  private applyParseErrors(): unknown {
    for (const [index, error] of this.parseErrors) {
      if (index < this.results.length) this.results[index] = { ok: false, error };
    }
    return this.parseErrors.values().next().value;
  }

  handleCommandComplete(msg: { text?: string; command?: string }) {
    if (this.settled) return;
    const rows = this.result?.rows ?? [];
    this.results.push({ ok: true, rows: rows as Record<string, unknown>[], command: (msg.command ?? msg.text ?? '').split(' ')[0]! });
    this.result = null;
  }

  handleEmptyQuery() {
    if (this.settled) return;
    this.results.push({ ok: true, rows: [], command: '' });
  }

  // A server error ends the block: pg clears its active query, the server skips the rest
  // up to the Sync (so those statements did not run). Any other error — a lost
  // connection, pg's query_timeout — leaves the rest in doubt: they may have run.
  handleError(error: unknown) {
    if (this.settled) return;
    const fromServer = error instanceof pg.DatabaseError;
    if (this.results.length >= this.statements.length) {
      // Every statement had answered; the error came at the Sync. A COMMIT that answered
      // stands; otherwise the implicit transaction failed (server) or is in doubt.
      const last = this.results[this.results.length - 1];
      if (last?.ok && last.command === 'COMMIT') return this.finish(null);
      this.unknown = !fromServer;
      this.results.fill({ ok: false, error });
      return this.finish(error);
    }
    this.doubt(this.results.length);
    this.unknown = !fromServer;
    this.applyParseErrors();
    this.results.push({ ok: false, error });
    const rest = fromServer
      ? new NotRun('not run: an earlier statement of its block failed')
      : new Error('outcome unknown: the connection failed before the server answered');
    while (this.results.length < this.statements.length) this.results.push({ ok: false, error: rest });
    this.finish(error);
  }

  handleReadyForQuery() {
    if (this.settled) return;
    if (this.parseErrors.size) return this.finish(this.applyParseErrors());
    if (this.results.length === this.statements.length) return this.finish(null);
    this.doubt(this.results.length);
    this.unknown = true;
    this.finish(new Error('the server answered fewer statements than were sent'));
  }

  handlePortalSuspended() {}
  handleCopyInResponse() {}
  handleCopyData() {}
}
