// Compiles assembly/ into build/*.wasm with AssemblyScript.
// `--if-stale` skips the compile when every output is newer than every source, so `npm test`
// and `npm run bench` rebuild only after a kernel changed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// Plain and relaxed SIMD, each over a private memory and over an imported shared memory (-mt, for
// threads): a module that imports a shared memory cannot link a non-shared one, and vice versa.
const targets = ['simd', 'relaxed', 'simd-mt', 'relaxed-mt'];
const outputs = ['build/argon.wasm', 'build/argon-relaxed.wasm', 'build/argon-mt.wasm', 'build/argon-relaxed-mt.wasm'].map((p) => join(root, p));

function newestSource() {
  let newest = statSync(join(root, 'asconfig.json')).mtimeMs;
  for (const f of readdirSync(join(root, 'assembly'))) newest = Math.max(newest, statSync(join(root, 'assembly', f)).mtimeMs);
  return newest;
}

if (process.argv.includes('--if-stale') && outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= newestSource())) process.exit(0);

mkdirSync(join(root, 'build'), { recursive: true });
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
for (const target of targets) {
  const r = spawnSync(process.execPath, [asc, 'assembly/index.ts', '--config', 'asconfig.json', '--target', target], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build-wasm: asc failed for target ${target}`);
    process.exit(r.status ?? 1);
  }
}
