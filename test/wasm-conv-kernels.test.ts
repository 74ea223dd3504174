// wasm im2col / col2im and the fused inference convolution against ref-f64 on awkward 1D, 2D and 3D
// geometries.
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
  // Alternate the fused extras so every combination of scale, shift and Rectlin slope is covered.
  const K = [1, 5, 8][i % 3];
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2], outs = colsSize(g) / rows;
  const withScale = i % 2 === 0, withShift = i % 3 !== 1, slope = [null, 0, 0.1][i % 3];
  test(`convWeightGrad and convInputGrad ${describe(g, dims)} K${K}`, async () => {
    await compareWasm({
      kernel: 'convWeightGrad', label: describe(g, dims),
      buffers: { x: rand(inputSize(g), 310 + i), dy: rand(K * outs, 320 + i), dw: { size: K * rows } },
      args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }),
      check: ['dw'],
    });
    await compareWasm({
      kernel: 'convInputGrad', label: describe(g, dims),
      buffers: { dy: rand(K * outs, 330 + i), w: rand(K * rows, 340 + i), dx: { size: inputSize(g) } },
      args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: K }),
      check: ['dx'],
    });
  });
  test(`convForward ${describe(g, dims)} K${K} scale ${withScale} shift ${withShift} slope ${slope}`, () => compareWasm({
    kernel: 'convForward', label: describe(g, dims),
    buffers: {
      x: rand(inputSize(g), 300 + i), w: rand(K * rows, 400 + i), y: { size: K * outs },
      scale: rand(K, 500 + i, 0.5, 2), shift: rand(K, 600 + i),
    },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: K, scale: withScale ? b.scale : null, shift: withShift ? b.shift : null, slope }),
    check: ['y'],
  }));
});

// Shapes that the wasm kernel cuts into many tiles (rows·N·4 bytes per position against its 512 KiB
// tile), with a last tile shorter than the others, and a pointwise (1×1) one read straight from x;
// and shapes whose tiles would be narrow, which it runs whole (the first and the last 1×1).
const tiled: [WindowGeometry, number, number | null][] = [
  [geometry(64, 8, [13, 11], [3, 3], { pad: [1, 1] }), 6, 0],
  [geometry(40, 33, [9, 10], [3, 3], { stride: [2, 2], pad: [1, 1], dilation: [2, 2] }), 3, 0.2],
  [geometry(300, 16, [7, 5], [1, 1]), 7, null],
  [geometry(3, 3, [70, 65], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 4, 0],
  // 21 tiles: more than the 16 weight-gradient groups, so a group sums two tiles.
  [geometry(128, 1, [48, 48], [3, 3], { pad: [1, 1] }), 4, 0],
  [geometry(1200, 2, [8, 8], [1, 1]), 9, 0.5],
];
tiled.forEach(([g, K, slope], i) => {
  const rowsT = g.channels * g.window[0] * g.window[1] * g.window[2];
  const outsT = colsSize(g) / rowsT;
  test(`convWeightGrad, many tiles: ${describe(g, 2)} K${K}`, () => compareWasm({
    kernel: 'convWeightGrad', label: describe(g, 2),
    buffers: { x: rand(inputSize(g), 1000 + i, 0, 1), dy: rand(K * outsT, 1100 + i, 0, 1), dw: { size: K * rowsT } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }),
    check: ['dw'],
  }));
  test(`convInputGrad, many tiles: ${describe(g, 2)} K${K}`, () => compareWasm({
    kernel: 'convInputGrad', label: describe(g, 2),
    buffers: { dy: rand(K * outsT, 1200 + i, 0, 1), w: rand(K * rowsT, 1300 + i, 0, 1), dx: { size: inputSize(g) } },
    args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: K }),
    check: ['dx'],
  }));
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2];
  const outs = colsSize(g) / rows;
  test(`convForward, many tiles: ${describe(g, 2)} K${K}`, () => compareWasm({
    kernel: 'convForward', label: describe(g, 2),
    // Non-negative inputs: sums over hundreds of taps without cancellation keep float32 within F32.
    buffers: { x: rand(inputSize(g), 700 + i, 0, 1), w: rand(K * rows, 800 + i, 0, 1), y: { size: K * outs }, shift: rand(K, 900 + i) },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: K, scale: null, shift: b.shift, slope }),
    check: ['y'],
  }));
});

test.run();
