// The Winograd F(2×2, 3×3) kernels against ref-f64's direct convolution on awkward shapes: odd
// sizes, padding 0 to 3 (3 > 2·dilation makes the input gradient's padding negative), dilation 2
// and 3 and per-axis, tiles crossing every edge, batch 1 and batches not divisible by 4 (the lane-
// by-lane path), channels and filters not divisible by 4, every epilogue; and shapes large enough
// for the chunked ways (many columns) next to the shared ones (few columns).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { WindowGeometry } from '../src/kernels.ts';
import { createWasmBackend } from '../src/backends/wasm/backend.ts';
import { CONV_PASS_KERNELS } from '../src/ops/conv-plan.ts';
import { describe, geometry, testConvPasses } from './wasm-harness.ts';

function checkAll(g: WindowGeometry, K: number, seed: number, lo: number, epilogue: { scale: boolean; shift: boolean; slope: number | null }): void {
  testConvPasses(CONV_PASS_KERNELS.winograd, g, K, `${describe(g, 2)} K${K}`, seed, lo, epilogue);
}

const small: [WindowGeometry, number][] = [
  [geometry(1, 1, [3, 3], [3, 3]), 1],
  [geometry(3, 5, [7, 9], [3, 3], { pad: [1, 1] }), 5],
  [geometry(2, 4, [6, 5], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 3],
  [geometry(5, 6, [9, 8], [3, 3], { pad: [0, 0] }), 7],
  [geometry(4, 8, [5, 6], [3, 3], { pad: [2, 2] }), 4],
  [geometry(3, 1, [8, 7], [3, 3], { pad: [3, 3] }), 2],
  [geometry(2, 3, [11, 10], [3, 3], { pad: [3, 1], dilation: [3, 2] }), 6],
  [geometry(6, 2, [6, 10], [3, 3], { pad: [0, 2], dilation: [1, 2] }), 9],
  [geometry(7, 12, [4, 4], [3, 3], { pad: [1, 1] }), 8],
  [geometry(4, 4, [2, 2], [3, 3], { pad: [1, 1] }), 4],
];
small.forEach(([g, K], i) => checkAll(g, K, 100 + 10 * i, -1, { scale: i % 2 === 0, shift: i % 3 !== 1, slope: [null, 0, 0.1][i % 3] }));

// Many columns (each part transforms its own chunk; the weight gradient in grouped chunks), few
// columns with many channels (one shared transform, parts over filters and ξν) and large filters. Non-negative
// values: sums over hundreds of taps without cancellation stay within F32 (as the tiled tests).
const large: [WindowGeometry, number][] = [
  [geometry(40, 4, [76, 75], [3, 3], { pad: [1, 1] }), 8],
  [geometry(24, 8, [33, 31], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 10],
  [geometry(130, 3, [5, 5], [3, 3], { pad: [1, 1] }), 66],
  // Filters too large to stream once per chunk (2.1 MB transformed): one shared input transform
  // although the columns would make 9 chunks.
  [geometry(192, 4, [12, 12], [3, 3], { pad: [1, 1] }), 176],
  // One column and filters transformed where they are used, in several runs per part (520 channels:
  // 28 filters a run in a part's 40; the input gradient 52 of 68), as ResNet's last stage trains.
  [geometry(520, 1, [2, 2], [3, 3], { pad: [1, 1] }), 302],
  // Many columns with few channels or filters: the weight gradient's chunks summed by row dot
  // products (3 channels as CNN-1's first layer; 2 filters over 26 channels in groups of two
  // chunks; a last chunk of 3 columns, a depth tail that is 0.6 % of the sum).
  [geometry(3, 15, [69, 69], [3, 3], { pad: [2, 2], dilation: [2, 2] }), 5],
  [geometry(26, 16, [48, 48], [3, 3], { pad: [0, 0] }), 2],
  [geometry(254, 5, [1, 206], [3, 3], { pad: [1, 1] }), 2],
];
large.forEach(([g, K], i) => checkAll(g, K, 500 + 10 * i, 0, { scale: false, shift: true, slope: 0 }));

test('a geometry Winograd F(2×2, 3×3) cannot take is an error naming the window', async () => {
  const be = await createWasmBackend({ threads: 1 });
  const g = geometry(1, 1, [5, 5], [3, 3], { stride: [2, 2] });
  const [x, w, y] = [be.alloc(25), be.alloc(9), be.alloc(4)];
  assert.throws(() => be.run('winogradForward', { x, w, y, g, k: 1, scale: null, shift: null, slope: null }), /3×3 window with stride 1.*stride 1×2×2/);
  await be.close();
});

test.run();
