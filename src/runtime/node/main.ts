#!/usr/bin/env node
// `npm start`: reads the environment, builds deps and serves Trove until SIGINT/SIGTERM.
import { parseConfig } from '../../config.ts';
import { serveCommand } from '../../cli/serve.ts';

try {
  await serveCommand(parseConfig(process.env));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
