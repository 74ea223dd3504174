// wasm im2col / col2im against ref-f64 on awkward 1D, 2D and 3D geometries.
import { test } from 'uvu';
import type { WindowGeometry } from '../src/kernels.ts';
import { colsSize, compareWasm, describe, geometry, inputSize, rand } from './wasm-harness.ts';

const cases: [WindowGeometry, number][] = [
  [geometry(1, 1, [7], [3]), 1],
  [geometry(3, 5, [10], [3], { stride: [2], pad: [1], dilation: [2] }), 1],
  [geometry(3, 3, [6, 7], [3, 3], { pad: [1, 1] }), 2],
  [geometry(1, 5, [5, 5], [1, 1]), 2],
  [geometry(2, 3, [7, 6], [2, 2], { stride: [3, 3] }), 2],
  [geometry(3, 1, [6, 6], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 2],
  [geometry(2, 4, [5, 5], [3, 2], { stride: [2, 1], pad: [1, 2] }), 2],
  [geometry(1, 3, [3, 3], [2, 2], { pad: [2, 2] }), 2],
  [geometry(2, 8, [9, 9], [3, 3], { stride: [2, 2], pad: [1, 1] }), 2],
  [geometry(2, 3, [4, 5, 5], [3, 3, 3], { pad: [1, 1, 1] }), 3],
  [geometry(1, 5, [5, 4, 6], [2, 3, 2], { stride: [2, 1, 3], pad: [1, 0, 1], dilation: [1, 2, 1] }), 3],
];

cases.forEach(([g, dims], i) => {
  test(`im2col ${describe(g, dims)}`, () => compareWasm({
    kernel: 'im2col', label: describe(g, dims),
    buffers: { x: rand(inputSize(g), 100 + i), cols: { size: colsSize(g) } },
    args: (b) => ({ x: b.x, cols: b.cols, g }),
    check: ['cols'],
  }));
  test(`col2im ${describe(g, dims)}`, () => compareWasm({
    kernel: 'col2im', label: describe(g, dims),
    buffers: { cols: rand(colsSize(g), 200 + i), dx: { size: inputSize(g) } },
    args: (b) => ({ cols: b.cols, dx: b.dx, g }),
    check: ['dx'],
  }));
});

test.run();
