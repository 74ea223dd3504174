// Bundles argon-nn with esbuild into build/, beside the wasm kernels that scripts/build-wasm.mjs
// compiles there:
//   build/argon.js        browser ESM (es2022, minified), gpu.js included in a lazily loaded chunk
//   build/argon.iife.js   the same as one classic script defining the global `argon` (<script src>)
//   build/argon.node.mjs  Node ESM: re-exports build/node/index.js, the sources compiled file by file
//                         (tsc -p tsconfig.node.json, with source maps), so a stack trace names the
//                         library's own classes, files and lines; packages (gpu.js among them) are
//                         left to node_modules
//   build/cli.mjs         the `argon` command (src/cli/entry.ts, exporting main; bin/argon.mjs runs it)
//   build/types/          type declarations (tsc --emitDeclarationOnly), for the exports map
// Node-only code is reached through '#platform' (package.json "imports"): esbuild resolves it to
// src/platform/node.ts for Node bundles and src/platform/browser.ts for browser ones, so a browser
// bundle contains no `node:` import, and one creeping in fails the build (nothing is external).
// The wasm files load with `new URL('./argon*.wasm', import.meta.url)`: src/backends/wasm/sources.ts
// points at '../../../build/' (right for the sources); the plugin below rewrites that prefix to
// './' inside bundles, so each bundle finds the wasm files next to it.
//
// Targets are explicit: esbuild's default (esnext) may emit syntax and APIs Node 20 lacks
// (Uint8Array.fromBase64 for inlined binaries, shared/notes/platform.md §5).
//
// Usage: node scripts/build-bundles.mjs [--only browser,node,cli,types] [--no-minify]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export const root = new URL('..', import.meta.url).pathname;

const WASM_PREFIX = "'../../../build/";

/** Rewrites the wasm URLs of src/backends/wasm/sources.ts to the bundle's own directory. */
export const wasmBesideBundle = {
  name: 'wasm-beside-bundle',
  setup(build) {
    build.onLoad({ filter: /src[\\/]backends[\\/]wasm[\\/]sources\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(WASM_PREFIX)) {
        return { errors: [{ text: `wasm-beside-bundle: ${args.path} no longer loads ${WASM_PREFIX}…wasm; update scripts/build-bundles.mjs` }] };
      }
      return { contents: source.replaceAll(WASM_PREFIX, "'./"), loader: 'ts' };
    });
  },
};

// gpu.js source is parsed at run time (Function.prototype.toString) by gpu.js itself, so the
// kernels must stay in the JS subset it understands: whitespace and identifier minification are
// safe (it maps names positionally), but syntax minification rewrites statements into forms its
// parser rejects (comma sequences, `!0`), so it stays off.
const MINIFY = { minifyWhitespace: true, minifyIdentifiers: true, minifySyntax: false };

/** Shared esbuild options; `minify: false` keeps bundles readable (Node's bundles, debugging), and
 *  then keepNames too: where two modules declare the same name esbuild renames one ('Conv2'), and
 *  keepNames restores `.name`, so messages built from `new.target.name` and stack traces name the
 *  real class. Minified browser bundles skip it (it costs 7 % of their gzip size). */
export function options({ platform, minify = true }) {
  return {
    bundle: true,
    format: 'esm',
    platform,
    target: platform === 'node' ? 'node20' : 'es2022',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    keepNames: !minify,
    plugins: [wasmBesideBundle],
    ...(minify ? MINIFY : {}),
  };
}

/** Options for a browser bundle of any entry (the library, the demo, the test suite). */
export function browserOptions({ minify = true } = {}) {
  return {
    ...options({ platform: 'browser', minify }),
    define: { 'process.env.NODE_DEBUG': 'undefined' },
  };
}

export const entries = {
  browser: () => ({
    ...browserOptions(),
    entryPoints: { argon: join(root, 'src/index.ts') },
    outdir: join(root, 'build'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  }),
  // A classic script: import.meta.url is empty there (sources.ts then finds the wasm files beside
  // the script); no code splitting, so gpu.js is inside.
  iife: () => ({
    ...browserOptions(),
    format: 'iife',
    globalName: 'argon',
    define: { ...browserOptions().define, 'import.meta.url': 'undefined' },
    entryPoints: [join(root, 'src/index.ts')],
    outfile: join(root, 'build/argon.iife.js'),
  }),
  // Unminified, so stack traces from the command stay readable.
  cli: () => ({
    ...options({ platform: 'node', minify: false }),
    entryPoints: [join(root, 'src/cli/entry.ts')],
    outfile: join(root, 'build/cli.mjs'),
    packages: 'external',
  }),
};

/** Node's build: the sources compiled one file each into build/node (a bundle would merge scopes and
 *  rename self-referencing classes, e.g. `class _Model`, which stack traces then show), with source
 *  maps onto the shipped src/ (applied by `node --enable-source-maps`). Two paths are rewritten, line
 *  for line, so the maps stay exact: '#platform' (package.json "imports" points at the .ts source,
 *  for tsx) to the compiled platform/node.js, and the wasm URLs to build/, beside build/node. */
function buildNode() {
  const out = join(root, 'build/node');
  rmSync(out, { recursive: true, force: true });
  rmSync(join(root, 'build/argon.node.mjs.map'), { force: true });
  const tsc = join(root, 'node_modules/.bin/tsc');
  const r = spawnSync(tsc, ['-p', 'tsconfig.node.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build-bundles: the Node build failed (tsc -p tsconfig.node.json)');
  for (const f of readdirSync(out, { recursive: true })) {
    const file = String(f);
    if (!file.endsWith('.js')) continue;
    const path = join(out, file);
    let text = readFileSync(path, 'utf8');
    if (text.includes("'#platform'")) {
      const up = '../'.repeat(file.split(/[\\/]/).length - 1) || './';
      text = text.replaceAll("from '#platform'", `from '${up}platform/node.js'`);
    }
    if (file.replace(/\\/g, '/') === 'backends/wasm/sources.js') {
      if (!text.includes(WASM_PREFIX)) throw new Error(`build-bundles: ${path} no longer loads ${WASM_PREFIX}…wasm; update scripts/build-bundles.mjs`);
      text = text.replaceAll(WASM_PREFIX, "'../../../");
    }
    writeFileSync(path, text);
  }
  writeFileSync(join(root, 'build/argon.node.mjs'), "// argon-nn for Node (package.json exports): the library compiled file by file in ./node/.\nexport * from './node/index.js';\n");
}

/** Declarations with `.js` specifiers: the sources import './x.ts' (allowImportingTsExtensions),
 *  and tsc copies those into .d.ts files, which older TypeScript versions reject. */
function buildTypes() {
  const out = join(root, 'build/types');
  rmSync(out, { recursive: true, force: true });
  const tsc = join(root, 'node_modules/.bin/tsc');
  const r = spawnSync(tsc, ['-p', 'tsconfig.types.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build-bundles: type declarations failed (tsc -p tsconfig.types.json)');
  for (const f of readdirSync(out, { recursive: true })) {
    if (!String(f).endsWith('.d.ts')) continue;
    const path = join(out, String(f));
    const text = readFileSync(path, 'utf8');
    const fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g, '$1$2$3.js$2');
    if (fixed !== text) writeFileSync(path, fixed);
  }
}

export const ALL = ['browser', 'iife', 'node', 'cli', 'types'];

export async function buildBundles(only = ALL) {
  const t0 = performance.now();
  const jobs = [];
  for (const name of only) {
    if (name === 'types' || name === 'node') continue;
    if (name === 'cli' && !existsSync(join(root, 'src/cli/entry.ts'))) continue;
    const make = entries[name];
    if (!make) throw new Error(`build-bundles: unknown entry '${name}' (${Object.keys(entries).join(', ')}, node, types)`);
    // Chunk names carry content hashes: clear the old ones.
    if (name === 'browser') rmSync(join(root, 'build/chunks'), { recursive: true, force: true });
    jobs.push(esbuild.build(make()));
  }
  await Promise.all(jobs);
  if (only.includes('node')) buildNode();
  if (only.includes('types')) buildTypes();
  return performance.now() - t0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const i = process.argv.indexOf('--only');
  const only = i >= 0 ? process.argv[i + 1].split(',') : undefined;
  const ms = await buildBundles(only);
  console.log(`build-bundles: ${(only ?? ALL).join(', ')} in ${Math.round(ms)} ms`);
}
