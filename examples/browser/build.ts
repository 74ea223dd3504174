// Builds the demo into build/demo/: the page script (app.js), the training worker (worker.js,
// which imports the shipped browser bundle build/argon.js as '../argon.js'), and the MNIST digits
// as one binary (mnist.bin: 784-byte rows, then one label byte per row; mnist.json: the counts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { browserOptions, buildBundles, root } from '../../scripts/build-bundles.mjs';
import { loadMnist } from '../../src/data/mnist.ts';

export const DEMO_OUT = join(root, 'build/demo');

/** The worker imports 'argon-nn' from the browser bundle beside build/demo/, not a copy of it. */
const argonFromBundle: esbuild.Plugin = {
  name: 'argon-from-bundle',
  setup(b) {
    b.onResolve({ filter: /^argon-nn$/ }, () => ({ path: '../argon.js', external: true }));
  },
};

async function prepareMnist(train: number, test: number): Promise<void> {
  if (existsSync(join(DEMO_OUT, 'mnist.bin'))) return;
  const d = await loadMnist({ train, test });
  const n = train + test, F = 784;
  const bytes = new Uint8Array(n * (F + 1));
  bytes.set(d.train.X, 0);
  bytes.set(d.test.X, train * F);
  bytes.set(d.train.y, n * F);
  bytes.set(d.test.y, n * F + train);
  writeFileSync(join(DEMO_OUT, 'mnist.bin'), bytes);
  writeFileSync(join(DEMO_OUT, 'mnist.json'), JSON.stringify({ n, ntest: test, lshape: [1, 28, 28] }));
}

export async function buildDemo(opts: { rebuildLibrary?: boolean } = {}): Promise<string> {
  mkdirSync(DEMO_OUT, { recursive: true });
  if (opts.rebuildLibrary || !existsSync(join(root, 'build/argon.js'))) await buildBundles(['browser']);
  const base = { ...browserOptions({ minify: false }), logLevel: 'error' as const };
  await Promise.all([
    esbuild.build({ ...base, entryPoints: [join(root, 'examples/browser/app.ts')], outfile: join(DEMO_OUT, 'app.js') }),
    esbuild.build({ ...base, entryPoints: [join(root, 'examples/browser/worker.ts')], outfile: join(DEMO_OUT, 'worker.js'), plugins: [argonFromBundle] }),
    prepareMnist(8000, 2000),
  ]);
  return DEMO_OUT;
}
