#!/usr/bin/env node
// The `argon` command. Runs the bundle `npm run build` makes (build/cli.mjs).
import { existsSync } from 'node:fs';

const bundle = new URL('../build/cli.mjs', import.meta.url);
if (!existsSync(bundle)) {
  console.error('argon: build/cli.mjs is missing; run `npm run build` (npm ci runs it) first');
  process.exit(1);
}
const { main, installProcessGuards } = await import(bundle.href);
installProcessGuards(); // EPIPE (`argon … | head`) and Ctrl-C end the command quietly
process.exitCode = await main(process.argv.slice(2));
