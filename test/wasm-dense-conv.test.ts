// The dense convolution kernels (a window that covers the whole input from every output position:
// one product over x and y in place) against ref-f64's direct convolution: 2×2 and 1×1 maps under
// a 3×3 window with padding 1 (ResNet's last stage at 64 and 32 px), 1-D and 3-D geometries,
// strides, dilation and rectangular windows where every pair still has a tap, batch 1 and batches
// not divisible by 4 or 8, channels and filters not divisible by 4, output positions that split
// the 4-row panels (Po = 1, 2, 3), every epilogue; bit-identical on 1 and 2 threads (every call
// split); the taps table itself; and the error for a window that leaves a pair without a tap.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { WindowGeometry } from '../src/kernels.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { denseKeptBytes } from '../src/backends/wasm/kernels/denseConv.ts';
import { denseTaps } from '../src/shape.ts';
import { CONV_PASS_KERNELS } from '../src/ops/conv-plan.ts';
import { sameBytes } from './helpers.ts';
import { describe, geometry, inputSize, rand, testConvPasses } from './wasm-harness.ts';

const outs = (g: WindowGeometry): number => g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;

function checkAll(g: WindowGeometry, K: number, dims: number, seed: number, lo: number, epilogue: { scale: boolean; shift: boolean; slope: number | null }): void {
  testConvPasses(CONV_PASS_KERNELS.dense, g, K, `${describe(g, dims)} K${K}`, seed, lo, epilogue);
}

const cases: [WindowGeometry, number, number][] = [
  [geometry(5, 3, [2, 2], [3, 3], { pad: [1, 1] }), 7, 2],
  [geometry(8, 1, [2, 2], [3, 3], { pad: [1, 1] }), 4, 2],
  [geometry(3, 9, [1, 1], [3, 3], { pad: [1, 1] }), 6, 2],
  [geometry(6, 4, [2, 1], [3, 3], { pad: [1, 1] }), 5, 2],
  [geometry(4, 2, [3, 3], [3, 3], { pad: [0, 0] }), 3, 2],
  [geometry(2, 5, [3], [5], { pad: [2] }), 9, 1],
  [geometry(3, 6, [2, 2], [3, 3], { pad: [1, 1], stride: [2, 2] }), 5, 2],
  [geometry(2, 3, [1, 2], [3, 3], { pad: [2, 1], dilation: [2, 1] }), 3, 2],
  [geometry(3, 4, [2, 2], [2, 2]), 6, 2],
  [geometry(3, 2, [2, 2, 2], [3, 3, 3], { pad: [1, 1, 1] }), 4, 3],
];
cases.forEach(([g, K, dims], i) => checkAll(g, K, dims, 700 + 10 * i, -1, { scale: i % 2 === 0, shift: i % 3 !== 1, slope: [null, 0, 0.1][i % 3] }));
// Many channels: the depth split into blocks (576 = 2 × 288, 1296 = 4 × 324), several groups of
// row panels. Non-negative values: sums of hundreds of products without cancellation stay within
// F32 (as the Winograd and tiled tests' large shapes).
checkAll(geometry(144, 10, [2, 2], [3, 3], { pad: [1, 1] }), 40, 2, 900, 0, { scale: true, shift: true, slope: 0 });
checkAll(geometry(81, 7, [2, 2], [3, 3], { pad: [1, 1] }), 330, 2, 910, 0, { scale: false, shift: true, slope: null });

test('denseTaps: ResNet 3×3 on 2×2 joins each pair by its offset; a window that misses a pair gives null', () => {
  const g = geometry(1, 1, [2, 2], [3, 3], { pad: [1, 1] });
  const t = denseTaps(g);
  assert.ok(t);
  assert.equal([t.outPositions, t.inPositions], [4, 4]);
  // Output (0,0) sees input (0,0) through the centre tap 4, input (1,1) through tap 8; output (1,1)
  // sees input (0,0) through tap 0.
  assert.equal(Array.from(t.taps.slice(0, 4)), [4, 5, 7, 8]);
  assert.equal(t.taps[3 * 4 + 0], 0);
  assert.is(denseTaps(geometry(1, 1, [4, 4], [3, 3], { pad: [1, 1] })), null);
  assert.is(denseTaps(geometry(1, 1, [3, 3], [2, 2])), null);
  assert.is(denseTaps(geometry(1, 1, [3], [3], { pad: [1], dilation: [2] })), null);
});

test('dense kernels: bit-identical on 1 and 2 threads (every call split), kept weights or not', async () => {
  const one = await createWasmBackend({ threads: 1 }), two = await createWasmBackend({ threads: 2, minPartNs: 0 });
  const g = geometry(70, 12, [2, 2], [3, 3], { pad: [1, 1] }), K = 33;
  const x = rand(inputSize(g), 1), w = rand(K * 70 * 9, 2), dy = rand(K * outs(g), 3);
  const results = [one, two].map((be) => {
    const up = (v: ArrayLike<number>) => { const b = be.alloc(v.length); be.write(b, v); return b; };
    const [bx, bw, bdy] = [up(x), up(w), up(dy)];
    const y = be.alloc(K * outs(g)), yKept = be.alloc(K * outs(g)), dx = be.alloc(inputSize(g)), dw = be.alloc(K * 70 * 9);
    be.run('denseConvForward', { x: bx, w: bw, y, g, k: K, scale: null, shift: null, slope: 0 });
    be.run('denseConvForward', { x: bx, w: bw, y: yKept, g, k: K, scale: null, shift: null, slope: 0, keepFilters: true });
    be.run('denseConvForward', { x: bx, w: bw, y: yKept, g, k: K, scale: null, shift: null, slope: 0, keepFilters: true });
    be.run('denseConvInputGrad', { dy: bdy, w: bw, dx, g, k: K });
    be.run('denseConvWeightGrad', { x: bx, dy: bdy, dw, g, k: K });
    return [y, yKept, dx, dw].map((b) => be.read(b));
  });
  sameBytes(results[0][0], results[0][1], 'kept or not');
  results[0].forEach((r, i) => sameBytes(r, results[1][i], `output ${i}, 1 vs 2 threads`));
  await one.close();
  await two.close();
});

test('dense kernels: kept gathered weights are made again after the weights change, and freed with them', async () => {
  const be = await createWasmBackend({ threads: 1 });
  const g = geometry(9, 3, [1, 1], [3, 3], { pad: [1, 1] }), K = 6;
  const up = (v: ArrayLike<number>) => { const b = be.alloc(v.length); be.write(b, v); return b; };
  const x = up(rand(inputSize(g), 11)), w = up(rand(K * 81, 12)), y = be.alloc(K * outs(g)), fresh = be.alloc(K * outs(g));
  const run = (out: typeof y, keepFilters: boolean) => be.run('denseConvForward', { x, w, y: out, g, k: K, scale: null, shift: null, slope: null, keepFilters });
  const before = be.memory().bytesInUse;
  run(y, true);
  // 6 filters × 1 position: 2 panels of 4 rows, 9 channels × 1 position deep: 2 × (9 × 16 + 64)
  // bytes (a cache line between panels), 448 aligned to 64.
  assert.is(denseKeptBytes(g, K), 448);
  assert.is(be.memory().bytesInUse - before, 448, 'the gathered weights are kept');
  be.write(w, rand(K * 81, 13));
  assert.is(be.memory().bytesInUse - before, 0, 'freed as soon as the weights change');
  run(y, true);
  run(fresh, false);
  sameBytes(be.read(y), be.read(fresh), 'kept after the change = made fresh');
  be.dispose(w);
  assert.is(be.memory().bytesInUse, before - K * 81 * 4, 'freed with the weights');
  await be.close();
});

test('dense kernels: a backend that keeps nothing packs the weights on every call, with the same bits', async () => {
  const keeps = await createWasmBackend({ threads: 2, minPartNs: 0 });
  const none = await createWasmBackend({ threads: 2, minPartNs: 0, keepFilterTransforms: false });
  // 600 filters × 4 positions: several groups of row panels per part, packed into each thread's scratch.
  const g = geometry(40, 5, [2, 2], [3, 3], { pad: [1, 1] }), K = 600;
  const x = rand(inputSize(g), 21), w = rand(K * 40 * 9, 22);
  const results = [keeps, none].map((be) => {
    const up = (v: ArrayLike<number>) => { const b = be.alloc(v.length); be.write(b, v); return b; };
    const [bx, bw] = [up(x), up(w)], y = be.alloc(K * outs(g));
    const before = be.memory().bytesInUse;
    be.run('denseConvForward', { x: bx, w: bw, y, g, k: K, scale: null, shift: null, slope: 0.1, keepFilters: true });
    return { y: be.read(y), held: be.memory().bytesInUse - before };
  });
  assert.ok(results[0].held > 0, 'kept where the backend keeps');
  assert.is(results[1].held, 0, 'nothing kept where it does not');
  sameBytes(results[0].y, results[1].y, 'kept or packed per call');
  await keeps.close();
  await none.close();
});

test('a geometry the dense kernels cannot take is an error naming the window', async () => {
  const be = await createWasmBackend({ threads: 1 });
  const g = geometry(1, 1, [5, 5], [3, 3], { pad: [1, 1] });
  const [x, w, y] = [be.alloc(25), be.alloc(9), be.alloc(25)];
  assert.throws(() => be.run('denseConvForward', { x, w, y, g, k: 1, scale: null, shift: null, slope: null }), /whole input from every output position.*window 1×3×3 input 1×5×5/);
  await be.close();
});

test.run();
