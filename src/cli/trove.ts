#!/usr/bin/env -S node --no-memory-reducer
// The `trove` operator command: dispatches to one file per command. Usage errors exit
// 2, failures 1; every command reads the same configuration as the server.
import { parseConfig, ConfigError } from '../config.ts';
import { UsageError } from './args.ts';
import { AUDIT_HELP, auditCommand } from './audit.ts';
import { AUDITOR_HELP, auditorCommand } from './auditor.ts';
import { BACKUP_HELP, backupCommand } from './backup.ts';
import { BRAND_HELP, brandCommand } from './brand.ts';
import { DEMO_HELP, demoCommand } from './demo.ts';
import { RECEIPT_HELP, receiptCommand } from './receipt.ts';
import { KEYS_HELP, keysCommand } from './keys.ts';
import { MIGRATE_HELP, migrateCommand } from './migrate.ts';
import { OPERATOR_HELP, operatorCommand } from './operator.ts';
import { MIGRATE_DATA_HELP, migrateDataCommand } from './migrate-data.ts';
import { RESTORE_HELP, restoreCommand } from './restore.ts';
import { SERVE_HELP, serveCommand } from './serve.ts';
import { WITNESS_HELP, witnessCommand } from './witness.ts';

const HELP = `Usage: trove <command> [options]

Commands:
  serve            serve the API and portal
  migrate          apply pending database migrations
  keys rotate      rotate the signing key (--signing, default) or key-encryption key (--master)
  audit verify     verify the audit log's hash chain and signed checkpoints (or an export: --export FILE --jwks FILE)
  audit export     export the audit log as JSON Lines or CSV
  auditor add|list|disable|enrol-link   manage auditors (API token and portal enrolment link)
  brand add|list|show|disable   register and manage brands (OAuth clients)
  operator token create|list|revoke   credentials of the operator API and the remote CLI
  receipt verify FILE      verify a consent receipt offline against the JWKS
  backup --out FILE        an online, verified backup (SQLite; pg_dump on PostgreSQL)
  restore FILE             restore a SQLite backup (refuses to roll the audit log back behind a published checkpoint)
  migrate-data --to URL    copy the embedded SQLite installation into an empty PostgreSQL database
  demo             seed the demo brand and print how to try the whole flow
  witness keygen|serve     run a witness that cosigns a log's consistent checkpoints (C2SP tlog-witness)

Run "trove <command> --help" for a command's options. Configuration comes from the
environment (see README): PORT, HOST, TROVE_DATA_DIR, DATABASE_URL, TROVE_MASTER_KEY, ...
brand, auditor, keys rotate, audit export|verify, operator and demo act on a remote Trove
(Node or Workers) with --url URL or TROVE_URL, and TROVE_OPERATOR_TOKEN.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const config = () => parseConfig(process.env);
  switch (command) {
    case 'serve':
      if (rest.includes('--help') || rest.includes('-h')) return print(SERVE_HELP);
      if (rest.length) throw new UsageError(`serve takes no arguments (got ${rest[0]})`);
      await serveCommand(config());
      return -1; // keep running
    case 'migrate':
      return rest.includes('--help') ? print(MIGRATE_HELP) : migrateCommand(rest, config());
    case 'keys':
      return rest.includes('--help') ? print(KEYS_HELP) : keysCommand(rest, config());
    case 'brand':
      return rest.includes('--help') ? print(BRAND_HELP) : brandCommand(rest, config());
    case 'receipt':
      return rest.includes('--help') ? print(RECEIPT_HELP) : receiptCommand(rest, config());
    case 'auditor':
      return rest.includes('--help') ? print(AUDITOR_HELP) : auditorCommand(rest, config());
    case 'demo':
      return rest.includes('--help') ? print(DEMO_HELP) : demoCommand(rest, config());
    case 'operator':
      return rest.includes('--help') ? print(OPERATOR_HELP) : operatorCommand(rest, config());
    case 'audit':
      return rest.includes('--help') ? print(AUDIT_HELP) : auditCommand(rest, config());
    case 'backup':
      return rest.includes('--help') ? print(BACKUP_HELP) : backupCommand(rest, config());
    case 'restore':
      return rest.includes('--help') ? print(RESTORE_HELP) : restoreCommand(rest, config());
    case 'migrate-data':
      return rest.includes('--help') ? print(MIGRATE_DATA_HELP) : migrateDataCommand(rest, config());
    case 'witness':
      return rest.includes('--help') ? print(WITNESS_HELP) : witnessCommand(rest);
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

function print(text: string) {
  process.stdout.write(`${text}\n`);
  return 0;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`trove: ${err.message}\nRun "trove --help" for usage.\n`);
    process.exitCode = 2;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`trove: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`trove: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
