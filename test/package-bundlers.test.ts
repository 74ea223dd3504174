// argon-nn as a user's bundler meets it: the package is packed (`npm pack`), unpacked into a
// consumer app's node_modules, and the app (test/fixtures/consumer: one training step of a small
// conv net, then predictions) is built by esbuild (ESM, and IIFE, its default format for browsers),
// Vite and webpack 5, each in its default configuration, plus a page using build/argon.iife.js from a
// <script> tag. Each build runs in headless Chromium and must give the values the same code gives
// in Node, and fetch its wasm from where that bundler puts it: Vite's and webpack's emitted assets,
// the files copied beside an esbuild bundle, bytes the app passes to setWasmSources, a CDN-like
// folder named by setWasmSources({ baseUrl }). No `node:` module may be reachable: the builds run
// with nothing external, and their warnings are checked.
// The bundlers come from the repository's node_modules (nothing is installed); the consumer's only
// dependency is the unpacked tarball. Skipped, with the reason, without Chromium.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { buildBundles } from '../scripts/build-bundles.mjs';
import { chromiumMissing, collectErrors, launch, REPO, serve } from './browser/harness.ts';
import { expectClose } from './helpers.ts';

const run = promisify(execFile);

interface StepResult { loss: number; one: number[]; batch: number[][]; labels: number[]; variant: string }

const FIXTURE = join(REPO, 'test/fixtures/consumer');
/** No favicon request (its 404 would count as a page error). */
const HEAD = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">';
const missing = chromiumMissing();
const timings: string[] = [];

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    timings.push(`${label} ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/** Packs the repository (with the bundles rebuilt) and unpacks it as the consumer's node_modules/argon-nn. */
async function consumerApp(root: string): Promise<string> {
  await buildBundles(['browser', 'iife']);
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], { cwd: REPO, maxBuffer: 16 << 20 });
  const [{ filename }] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string }[];
  const app = join(root, 'app');
  const pkg = join(app, 'node_modules/argon-nn');
  mkdirSync(pkg, { recursive: true });
  await run('tar', ['-xzf', join(root, filename), '-C', pkg, '--strip-components=1']);
  cpSync(FIXTURE, app, { recursive: true });
  return app;
}

/** The expected values: the same step in Node, on the sources, in a child process (setBackend is
 *  process-wide and the other suites share this one). */
async function expectedInNode(): Promise<StepResult> {
  const code = `const argon = await import(${JSON.stringify(join(REPO, 'src/index.ts'))});
    const { trainAndPredict } = await import(${JSON.stringify(join(FIXTURE, 'src/step.js'))});
    process.stdout.write(JSON.stringify(await trainAndPredict(argon)));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO, timeout: 120_000 });
  return JSON.parse(stdout) as StepResult;
}

/** The browser's values (actual) against Node's (expected). */
const close = (actual: number[], expected: number[], what: string) => expectClose(actual, expected, { rtol: 1e-4, atol: 1e-5 }, `${what}, the browser vs Node`);

function checkResult(r: StepResult, want: StepResult, variant: string): void {
  assert.is(r.variant, variant, 'wasm build');
  close([r.loss], [want.loss], 'loss');
  close(r.one, want.one, 'one sample');
  assert.is(r.batch.length, 2, 'one probability vector per row');
  r.batch.forEach((p, i) => close(p, want.batch[i], `batch row ${i}`));
  for (const p of [r.one, ...r.batch]) close([p.reduce((a, b) => a + b, 0)], [1], 'Softmax probabilities sum');
  assert.equal(r.labels, want.labels, 'predictClasses');
}

/** No input of a bundle may be a Node built-in. */
function noNodeInputs(meta: esbuild.Metafile, what: string): void {
  const node = Object.keys(meta.inputs).filter((p) => p.startsWith('node:') || /(^|\/)node:/.test(p));
  assert.equal(node, [], `${what}: node: modules in the bundle`);
}

if (missing) {
  test.skip(`bundlers: skipped, ${missing}`, () => {});
} else {
  const root = mkdtempSync(join(tmpdir(), 'argon-bundlers-'));
  let app = '', want: StepResult | null = null, browser: Browser | null = null;
  const out = (name: string) => join(root, 'out', name);
  const kernels = () => join(app, 'node_modules/argon-nn/build');
  const wasmFiles = () => readdirSync(kernels()).filter((f) => f.endsWith('.wasm'));

  /** Serves `dir`, opens `page`, waits for window.result; returns it and the wasm URLs fetched. */
  async function runPage(dir: string, page = '/index.html'): Promise<{ result: StepResult; wasm: string[] }> {
    const server = await serve(dir);
    const p = await browser!.newPage();
    const errors = collectErrors(p);
    const wasm: string[] = [];
    p.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
    try {
      await p.goto(server.url + page);
      // A hang guard, not a timing check: the page loads wasm and trains a step, which on a busy CI
      // machine took longer than 60 s.
      await p.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, null, { timeout: 180_000 });
      const r = await p.evaluate(() => (window as unknown as { result: Promise<{ ok?: StepResult; error?: string }> }).result);
      if (!r.ok) throw new Error(`the page failed: ${r.error}\n${errors.join('\n')}`);
      assert.equal(errors, [], 'no page errors');
      return { result: r.ok, wasm };
    } finally {
      await p.close();
      await server.close();
    }
  }

  test('npm pack → a consumer app; the expected values from Node', async () => {
    app = await timed('pack', () => consumerApp(root));
    for (const f of ['package.json', 'LICENSE', 'build/argon.js', 'build/argon.iife.js', 'build/argon.node.mjs', 'build/node/index.js', 'build/node/index.js.map', 'build/argon.wasm']) {
      assert.ok(existsSync(join(app, 'node_modules/argon-nn', f)), `the package ships ${f}`);
    }
    want = await timed('node', expectedInNode);
    browser = await timed('chromium', () => launch());
  });

  test('esbuild, ESM: builds with no flags; the app hands the wasm bytes to setWasmSources', async () => {
    const r = await timed('esbuild esm', () => esbuild.build({
      absWorkingDir: app, entryPoints: ['src/bytes.js'], bundle: true, format: 'esm', outdir: out('esbuild-esm'), metafile: true, logLevel: 'silent',
    }));
    assert.equal(r.errors, []);
    noNodeInputs(r.metafile, 'esbuild ESM');
    writeFileSync(join(out('esbuild-esm'), 'index.html'), `${HEAD}<script type="module" src="bytes.js"></script>`);
    mkdirSync(join(out('esbuild-esm'), 'kernels'));
    cpSync(join(kernels(), 'argon.wasm'), join(out('esbuild-esm'), 'kernels/argon.wasm'));
    const { result, wasm } = await timed('page esbuild esm', () => runPage(out('esbuild-esm')));
    assert.equal(wasm, ['/kernels/argon.wasm'], 'only the bytes the app fetched itself');
    checkResult(result, want!, 'simd');
  });

  test("esbuild, default (IIFE) format: import.meta is empty there, so the wasm files come from beside the script", async () => {
    const r = await timed('esbuild iife', () => esbuild.build({
      absWorkingDir: app, entryPoints: ['src/index.js'], bundle: true, outfile: join(out('esbuild-iife'), 'app.js'), metafile: true, logLevel: 'silent',
    }));
    assert.equal(r.errors, []);
    noNodeInputs(r.metafile, 'esbuild IIFE');
    for (const f of wasmFiles()) cpSync(join(kernels(), f), join(out('esbuild-iife'), f));
    writeFileSync(join(out('esbuild-iife'), 'index.html'), `${HEAD}<script src="app.js"></script>`);
    const { result, wasm } = await timed('page esbuild iife', () => runPage(out('esbuild-iife')));
    assert.equal(wasm, ['/argon-relaxed.wasm']);
    checkResult(result, want!, 'relaxed');
  });

  test('Vite: builds with its defaults and emits the wasm files as assets', async () => {
    const warnings: string[] = [];
    const vite = await import('vite');
    const logger = vite.createLogger('warn');
    logger.warn = (msg) => { warnings.push(msg); };
    await timed('vite', () => vite.build({ root: app, customLogger: logger, logLevel: 'warn' }));
    renameSync(join(app, 'dist'), out('vite'));
    const assets = readdirSync(join(out('vite'), 'assets'));
    for (const f of ['argon', 'argon-relaxed', 'argon-mt', 'argon-relaxed-mt']) {
      assert.ok(assets.some((a) => new RegExp(`^${f}-[\\w-]+\\.wasm$`).test(a)), `${f}.wasm emitted (assets: ${assets.join(', ')})`);
    }
    const bad = warnings.filter((w) => /node:|externalized|import\.meta/i.test(w));
    assert.equal(bad, [], 'no warning about Node built-ins or import.meta');
    const { result, wasm } = await timed('page vite', () => runPage(out('vite')));
    assert.is(wasm.length, 1);
    assert.match(wasm[0], /^\/assets\/argon-relaxed-[\w-]+\.wasm$/);
    checkResult(result, want!, 'relaxed');
  });

  test('webpack 5: builds with its defaults and emits the wasm files as assets', async () => {
    const { default: webpack } = await import('webpack');
    const stats = await timed('webpack', () => new Promise<import('webpack').Stats>((ok, fail) => {
      // The defaults, with the folders `npx webpack` run in the app resolves (context and output.path
      // default to the working directory; mode defaults to 'production', with a warning when unset).
      webpack({ context: app, output: { path: join(app, 'dist') }, mode: 'production' }, (err, s) => (err || !s ? fail(err ?? new Error('no stats')) : ok(s)));
    }));
    const info = stats.toJson({ all: false, errors: true, warnings: true });
    assert.equal((info.errors ?? []).map((e) => e.message), [], 'no errors');
    const bad = (info.warnings ?? []).map((w) => w.message).filter((m) => /node:|Critical dependency|Module not found|import\.meta/i.test(m));
    assert.equal(bad, [], 'no warning about Node built-ins, dynamic requests or import.meta');
    const wasmAssets = Object.keys(stats.compilation.assets).filter((a) => a.endsWith('.wasm'));
    assert.is(wasmAssets.length, 4, 'the four wasm builds emitted');
    renameSync(join(app, 'dist'), out('webpack'));
    writeFileSync(join(out('webpack'), 'index.html'), `${HEAD}<script src="main.js"></script>`);
    const { result, wasm } = await timed('page webpack', () => runPage(out('webpack')));
    assert.is(wasm.length, 1);
    assert.match(wasm[0], /^\/[0-9a-f]{16,}\.wasm$/);
    checkResult(result, want!, 'relaxed');
  });

  test('build/argon.iife.js in a <script> tag: the global `argon`, wasm from setWasmSources({ baseUrl })', async () => {
    const dir = out('script');
    mkdirSync(join(dir, 'cdn'), { recursive: true });
    mkdirSync(join(dir, 'wasm'));
    cpSync(join(kernels(), 'argon.iife.js'), join(dir, 'cdn/argon.iife.js'));
    for (const f of wasmFiles()) cpSync(join(kernels(), f), join(dir, 'wasm', f));
    cpSync(join(FIXTURE, 'src/step.js'), join(dir, 'step.js'));
    writeFileSync(join(dir, 'index.html'), `${HEAD}
      <script src="/cdn/argon.iife.js"></script>
      <script type="module">
        import { trainAndPredict } from '/step.js';
        argon.setWasmSources({ baseUrl: '/wasm/' });
        window.result = trainAndPredict(argon).then((ok) => ({ ok }), (e) => ({ error: String(e && e.stack || e) }));
      </script>`);
    const { result, wasm } = await timed('page iife', () => runPage(dir));
    assert.equal(wasm, ['/wasm/argon-relaxed.wasm']);
    checkResult(result, want!, 'relaxed');
  });

  test('clean up', async () => {
    await browser?.close();
    rmSync(root, { recursive: true, force: true });
    console.log(`bundlers: ${timings.join(', ')}`);
  });
}

test.run();
