// Imported for its effect: decoded-image caches of the suite (and of the `argon` child processes
// it starts, which inherit the environment) go to a temporary folder, never the user's cache
// directory. `npm test` (scripts/test.mjs) already sets one for the whole run and removes it after;
// only a suite run on its own makes its own here, and removes it when the process exits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.ARGON_CACHE_DIR) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'argon-test-cache-'));
  process.env.ARGON_CACHE_DIR = cacheDir;
  process.on('exit', () => rmSync(cacheDir, { recursive: true, force: true }));
}
