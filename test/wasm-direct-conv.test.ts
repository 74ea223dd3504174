// The direct weight gradient (assembly/conv-direct.ts) against ref-f64 on awkward geometries: 1, 2
// and 3 spatial dims, strides above 1, padding on every edge, dilation, windows from 1×1 to 7×7, 1 to
// 5 input channels (an odd tap count), filter counts not divisible by 4, batches of 4, 8 and 16.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import type { WindowGeometry } from '../src/kernels.ts';
import { colsSize, compareWasm, describe, geometry, inputSize, rand } from './wasm-harness.ts';

const cases: [WindowGeometry, number, number][] = [
  [geometry(3, 8, [9, 10], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 5, 2],
  [geometry(1, 4, [7, 8], [3, 3], { pad: [1, 1] }), 32, 2],
  [geometry(3, 8, [13, 11], [7, 7], { stride: [2, 2], pad: [3, 3] }), 6, 2],
  [geometry(5, 8, [6, 7], [3, 2], { stride: [1, 2], pad: [0, 1] }), 3, 2],
  [geometry(2, 8, [11], [4], { stride: [3], pad: [2], dilation: [2] }), 7, 1],
  [geometry(2, 8, [4, 5, 5], [2, 3, 3], { pad: [1, 1, 1] }), 4, 3],
  [geometry(4, 16, [5, 5], [1, 1]), 9, 2],
];

cases.forEach(([g, K, dims], i) => {
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2], outs = colsSize(g) / rows;
  const label = `${describe(g, dims)} K${K}`;
  test(`directConvWeightGrad ${label}`, () => compareWasm({
    kernel: 'directConvWeightGrad', label,
    buffers: { x: rand(inputSize(g), 90 + i), dy: rand(K * outs, 95 + i), dw: { size: K * rows } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }),
    check: ['dw'],
  }));
});

// Many position chunks (more than the 16 groups, so a group sums several) with large sums: values
// in [0, 1) keep float32 within F32 without cancellation, as the other many-tile tests.
test('directConvWeightGrad, many chunks: 3→32 3×3 pad 2 dilation 2, 40×40, batch 16', () => {
  const g = geometry(3, 16, [40, 40], [3, 3], { pad: [2, 2], dilation: [2, 2] }), K = 32;
  const rows = 27, outs = colsSize(g) / rows;
  return compareWasm({
    kernel: 'directConvWeightGrad', label: describe(g, 2),
    buffers: { x: rand(inputSize(g), 7, 0, 1), dy: rand(K * outs, 8, 0, 1), dw: { size: K * rows } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }),
    check: ['dw'],
  });
});

test('a batch the direct kernel cannot take is an error naming it', async () => {
  const be = await createWasmBackend({ threads: 1 });
  const g = geometry(1, 6, [5, 5], [3, 3]);
  const [x, dy, dw] = [be.alloc(150), be.alloc(54), be.alloc(9)];
  assert.throws(() => be.run('directConvWeightGrad', { x, dy, dw, g, k: 1 }), /batch divisible by 4, got 6/);
  await be.close();
});

test.run();
