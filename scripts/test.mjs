// Runs the uvu suites through tsx and prints one closing line CI can read:
// `N passed, N failed, N skipped`. uvu itself ends with separate Total/Passed/Skipped lines.
// uvu walks test/ recursively, so suites in subfolders (test/reliability/) run too.
// Decoded-image caches of every suite and child process go to a fresh temporary folder, never the
// user's cache directory (ARGON_CACHE_DIR is set for the run and removed after it).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheDir = mkdtempSync(join(tmpdir(), 'argon-test-cache-'));
const args = ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', '\\.test\\.ts$', ...process.argv.slice(2)];
const env = { ...process.env, NO_COLOR: '1', ARGON_CACHE_DIR: cacheDir };
const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.on('close', (code) => {
  rmSync(cacheDir, { recursive: true, force: true });
  const count = (label) => {
    const all = [...out.matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : NaN;
  };
  const total = count('Total'), passed = count('Passed'), skipped = count('Skipped') || 0;
  if (!Number.isFinite(total) || !Number.isFinite(passed)) {
    console.log('0 passed, 1 failed');
    process.exit(code || 1);
  }
  const failed = total - passed;
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 ? 1 : code ?? 1);
});
