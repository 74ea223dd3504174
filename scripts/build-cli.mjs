// Bundles the `argon` command into build/cli.mjs (Node 20, ESM, dependencies left as imports).
// The wasm loader addresses build/*.wasm relative to its source file (src/backends/wasm/); in the
// bundle, which sits in build/ beside the wasm files, the same URLs must point next to the bundle.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const root = new URL('..', import.meta.url).pathname;

const wasmBesideBundle = {
  name: 'wasm-beside-bundle',
  setup(b) {
    b.onLoad({ filter: /src\/backends\/wasm\/module\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const rewritten = text.replaceAll("'../../../build/", "'./");
      if (rewritten === text) throw new Error('build-cli: the wasm URLs in module.ts changed; update scripts/build-cli.mjs');
      return { contents: rewritten, loader: 'ts' };
    });
  },
};

await build({
  entryPoints: [`${root}src/cli/entry.ts`],
  outfile: `${root}build/cli.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [wasmBesideBundle],
  logLevel: 'warning',
});
