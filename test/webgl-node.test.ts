// The GPU path from Node's side: importing argon-nn without gpu.js installed still trains on the
// CPU, 'auto' is the CPU in Node, 'gpu' fails with a message saying how to get it, the bundles
// resolve through the package's exports map, and the browser bundle has no static Node imports.
// Needs the bundles (npm test builds them first).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { getBackend, setBackend } from '../src/backends/select.ts';
import { autoChoice } from '../src/backends/webgl/select.ts';
import { describeContext, isSoftwareRenderer } from '../src/backends/webgl/context.ts';
import { createWebglBackend } from '../src/backends/webgl/backend.ts';
import { webglKernels } from '../src/backends/webgl/kernels/index.ts';
import { KERNEL_NAMES } from '../src/kernels.ts';

const REPO = new URL('..', import.meta.url).pathname;
const OUT = join(REPO, 'build/test/node');
mkdirSync(OUT, { recursive: true });

/** A consumer script inside the package tree, so `import 'argon-nn'` resolves to this package
 *  through its exports map (package self-reference). */
const CONSUMER = `
import { Model, Affine, ArrayIterator, GeneralizedCost, CrossEntropyMulti, GradientDescentMomentum, Softmax, getBackend } from 'argon-nn';
const X = new Float32Array(8 * 4).map((_, i) => (i % 7) / 7), y = Int32Array.from([0, 1, 0, 1, 1, 0, 1, 0]);
const m = new Model([new Affine(2, { activation: new Softmax() })], { seed: 1 });
const h = await m.fit(new ArrayIterator(X, y, { nclass: 2, lshape: [4], batchSize: 4 }),
  { cost: new GeneralizedCost({ costfunc: new CrossEntropyMulti() }), optimizer: new GradientDescentMomentum(0.1), epochs: 2 });
let gpuError = null;
try { await getBackend('gpu'); } catch (e) { gpuError = e.message; }
console.log(JSON.stringify({ backend: m.backend.name, auto: (await getBackend('auto')).name, loss: h.loss, gpuError }));
`;

interface ConsumerResult { backend: string; auto: string; loss: number[]; gpuError: string | null }

function runConsumer(args: string[], env: Record<string, string> = {}): ConsumerResult {
  const file = join(OUT, 'consumer.mjs');
  writeFileSync(file, CONSUMER);
  const r = spawnSync(process.execPath, [...args, file], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.is(r.status, 0, `consumer exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ConsumerResult;
}

const bundlesBuilt = existsSync(join(REPO, 'build/argon.node.mjs')) && existsSync(join(REPO, 'build/argon.js'));

test('the Node bundle exists (npm test / npm run build make it)', () => {
  assert.ok(bundlesBuilt, 'build/argon.node.mjs or build/argon.js is missing: run `npm run build`');
});

test("import 'argon-nn' in Node without gpu.js: trains on the CPU; 'gpu' says Node has no WebGL2", () => {
  const r = runConsumer(['--import', './test/browser/no-gpujs.mjs']);
  assert.is(r.backend, 'wasm');
  assert.is(r.auto, 'wasm');
  assert.is(r.loss.length, 2);
  assert.ok(r.loss.every(Number.isFinite));
  assert.ok(r.gpuError?.includes('needs WebGL2, which Node does not have') && r.gpuError.includes('use the cpu backend'), String(r.gpuError));
});

test("with gpu.js installed, 'gpu' in Node still says why not (headless-gl is WebGL 1 only)", () => {
  const r = runConsumer([]);
  assert.is(r.backend, 'wasm');
  assert.ok(r.gpuError?.includes('headless-gl') && r.gpuError.includes('WebGL 1 only'), String(r.gpuError));
});

test('ARGON_BACKEND=gpu reaches the model (and fails in Node saying it has no WebGL2)', () => {
  const file = join(OUT, 'env.mjs');
  writeFileSync(file, `import { Model, Affine } from 'argon-nn';
const m = new Model([new Affine(2)]);
try { await m.build([3]); console.log('built on ' + m.backend.name); } catch (e) { console.log('error: ' + e.message); }`);
  const r = spawnSync(process.execPath, [file], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ARGON_BACKEND: 'gpu' } });
  assert.match(r.stdout, /error: backend 'gpu' needs WebGL2, which Node does not have/);
});

test("'auto' is the CPU in Node, and says why", async () => {
  const c = autoChoice();
  assert.is(c.name, 'cpu');
  assert.match(c.reason, /Node/);
  assert.is((await getBackend('auto')).name, 'wasm');
  try {
    await setBackend('gpu');
    assert.unreachable('setBackend(gpu) should fail in Node');
  } catch (e) {
    assert.match((e as Error).message, /WebGL2/);
  }
});

test('the webgl backend registers every kernel of the contract', () => {
  assert.equal(KERNEL_NAMES.filter((k) => !webglKernels[k]), []);
});

test('software renderers are recognised (auto never picks them)', () => {
  for (const r of ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    'llvmpipe (LLVM 15.0.6, 256 bits)', 'Mesa softpipe', 'lavapipe', 'Microsoft Basic Render Driver']) {
    assert.ok(isSoftwareRenderer(r), r);
  }
  for (const r of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)', 'Apple M2', 'Mali-G78', 'AMD Radeon Pro 5500M']) {
    assert.not.ok(isSoftwareRenderer(r), r);
  }
});

/** A stand-in WebGL2 context reporting the given capabilities (no drawing). */
function fakeGl(floatRender: boolean, highpBits: number): WebGL2RenderingContext {
  const fake = {
    FRAGMENT_SHADER: 0x8b30, HIGH_FLOAT: 0x8df2, MAX_TEXTURE_SIZE: 0x0d33, RENDERER: 0x1f01, canvas: {},
    getExtension: (name: string) => (name === 'EXT_color_buffer_float' && floatRender ? {} : null),
    getShaderPrecisionFormat: () => ({ rangeMin: 127, rangeMax: 127, precision: highpBits }),
    getParameter: (p: number) => (p === 0x0d33 ? 16384 : 'Fake GPU'),
  };
  return fake as unknown as WebGL2RenderingContext;
}

test('honest numerics: a context without float32 render targets or with half-precision shaders is refused', async () => {
  assert.is(describeContext(fakeGl(true, 23)).problem, null);
  assert.match(describeContext(fakeGl(false, 23)).problem ?? '', /EXT_color_buffer_float/);
  assert.match(describeContext(fakeGl(true, 10)).problem ?? '', /10-bit highp/);
  for (const [float, bits, why] of [[false, 23, /float32 textures/], [true, 10, /IEEE single precision/]] as const) {
    try {
      await createWebglBackend({ context: fakeGl(float, bits) });
      assert.unreachable('the backend started on an unfit context');
    } catch (e) {
      const msg = (e as Error).message;
      assert.match(msg, /^backend 'gpu' refused: /);
      assert.match(msg, why);
      assert.match(msg, /use the cpu backend/);
    }
  }
});

test('the exports map sends bundlers to the browser bundle and Node to the Node bundle', async () => {
  const entry = join(OUT, 'bundler-entry.js');
  writeFileSync(entry, "import { Model } from 'argon-nn';\nconsole.log(typeof Model);\n");
  for (const [platform, expected] of [['browser', 'build/argon.js'], ['node', 'build/argon.node.mjs']] as const) {
    const r = await esbuild.build({
      entryPoints: [entry], bundle: true, write: false, metafile: true, platform, format: 'esm', logLevel: 'silent',
      target: platform === 'node' ? 'node20' : 'es2022', external: ['node:*', 'gpu.js', 'fast-png', 'jpeg-js', 'mnist', 'gl'],
    });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.includes(expected), `${platform}: resolved ${inputs.join(', ')}`);
  }
});

test('the browser bundle has no static Node imports and loads gpu.js only in a lazy chunk', () => {
  const main = readFileSync(join(REPO, 'build/argon.js'), 'utf8');
  assert.not.match(main, /from\s*"node:/);
  assert.not.match(main, /^import\s*"node:/m);
  const chunks = readdirSync(join(REPO, 'build/chunks'));
  assert.ok(chunks.some((c) => c.startsWith('gpu-browser')), chunks.join(', '));
  for (const c of chunks) assert.not.match(readFileSync(join(REPO, 'build/chunks', c), 'utf8'), /from\s*"node:/, c);
  assert.not.match(main, /GPU\.isWebGL2Supported|createKernelMap/, 'gpu.js code sits in the main bundle');
});

test('the Node build leaves gpu.js to a lazy import', () => {
  const dir = join(REPO, 'build/node');
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
  const lazy = files.filter((f) => /import\(\s*['"]gpu\.js['"]\s*\)/.test(readFileSync(join(dir, f), 'utf8')));
  assert.equal(lazy, ['backends/webgl/gpujs.js']);
  for (const f of files) assert.not.match(readFileSync(join(dir, f), 'utf8'), /from\s*['"]gpu\.js['"]/, f);
});

test('the type declarations (build/types) serve a strict TypeScript consumer of argon-nn', () => {
  const built = spawnSync(process.execPath, ['scripts/build-bundles.mjs', '--only', 'types'], { cwd: REPO, encoding: 'utf8' });
  assert.is(built.status, 0, built.stderr);
  const dir = join(OUT, 'types');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), `import { Model, Affine, Softmax, setBackend, type Backend, type ModelOptions } from 'argon-nn';
const opts: ModelOptions = { seed: 1, backend: 'gpu' };
const m: Model = new Model([new Affine(2, { activation: new Softmax() })], opts);
export const pick = (x: Model): Backend => x.backend;
export const useAuto = (): Promise<void> => setBackend('auto');
// @ts-expect-error backend names are checked
new Model([], { backend: 'cuda' });
void m;
`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false, types: [], lib: ['es2022', 'dom'] },
    files: ['consumer.ts'],
  }));
  const r = spawnSync(join(REPO, 'node_modules/.bin/tsc'), ['-p', join(dir, 'tsconfig.json')], { cwd: REPO, encoding: 'utf8' });
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test.run();
