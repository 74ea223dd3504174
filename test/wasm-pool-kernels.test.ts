// wasm poolForward / poolBackward against ref-f64: every mode, with and without padding, global
// pooling, 1D/2D/3D, odd batches and batches of multiples of 4, ties for max, windows wholly in the
// padding, and l2 windows whose output is exactly 0.
import { test } from 'uvu';
import type { PoolMode, WindowGeometry } from '../src/kernels.ts';
import { compareWasm, describe, geometry, inputSize, outputSize, rand, refRun } from './wasm-harness.ts';

const cases: [WindowGeometry, number][] = [
  [geometry(3, 5, [7, 8], [3, 3], { stride: [2, 2], pad: [1, 1] }), 2],
  [geometry(2, 3, [6, 6], [2, 2], { stride: [2, 2] }), 2],
  [geometry(3, 5, [4, 5], [4, 5], { stride: [4, 5] }), 2],
  [geometry(1, 1, [9], [3], { pad: [1] }), 1],
  [geometry(2, 3, [3, 4, 4], [2, 2, 2], { pad: [1, 1, 1] }), 3],
  [geometry(1, 4, [8, 7], [2, 2], { stride: [3, 3], pad: [1, 1] }), 2],
  [geometry(2, 7, [3, 5], [1, 1]), 2],
  [geometry(1, 8, [7, 7], [3, 3], { stride: [2, 2], pad: [2, 2] }), 2],
  [geometry(2, 5, [4, 6, 6], [4, 6, 6], { stride: [4, 6, 6] }), 3],
  [geometry(2, 3, [7, 7], [2, 3], { stride: [1, 2], pad: [1, 1], dilation: [2, 1] }), 2],
  // A 3-D window dilated along every axis, strides and paddings differing per axis, an odd batch.
  [geometry(2, 5, [7, 5, 6], [2, 2, 3], { stride: [1, 2, 2], pad: [1, 0, 1], dilation: [2, 1, 2] }), 3],
  // Batches divisible by 4 (max pooling's register path): the course's 3×3 stride 2 padding 1,
  // dilation, 3-D, and windows that lie wholly in the padding (y = 0, argmax −1).
  [geometry(3, 8, [9, 8], [3, 3], { stride: [2, 2], pad: [1, 1] }), 2],
  [geometry(2, 4, [7, 7], [2, 3], { stride: [1, 2], pad: [1, 1], dilation: [2, 1] }), 2],
  [geometry(2, 12, [3, 4, 4], [2, 2, 2], { pad: [1, 1, 1] }), 3],
  [geometry(2, 4, [5, 5], [2, 2], { stride: [3, 3], pad: [2, 2] }), 2],
];
const MODES: PoolMode[] = ['max', 'avg', 'l2'];

/** x for a case: random, or small integers (many max ties), with channel 0 zeroed for l2 so some
 *  windows have y = 0 exactly. */
function input(g: WindowGeometry, seed: number, mode: PoolMode, ties: boolean): Float64Array {
  const x = ties ? rand(inputSize(g), seed, 0, 3).map(Math.floor) : rand(inputSize(g), seed);
  if (mode === 'l2') x.fill(0, 0, inputSize(g) / g.channels);
  return x;
}

cases.forEach(([g, dims], i) => {
  for (const mode of MODES) {
    for (const ties of mode === 'max' ? [false, true] : [false]) {
      const name = `${describe(g, dims)} ${mode}${ties ? ' (ties)' : ''}`;
      const x = input(g, 300 + i, mode, ties);
      const yi = { size: outputSize(g) }, ai = { size: outputSize(g), kind: 'int32' as const };

      test(`poolForward ${name}`, () => compareWasm({
        kernel: 'poolForward', label: name,
        buffers: { x, y: yi, argmax: ai },
        args: (b) => ({ x: b.x, y: b.y, argmax: mode === 'max' ? b.argmax : null, g, mode }),
        check: mode === 'max' ? ['y', 'argmax'] : ['y'],
      }));

      if (mode === 'max') {
        test(`poolForward ${name} without argmax`, () => compareWasm({
          kernel: 'poolForward', label: `${name} no argmax`,
          buffers: { x, y: yi },
          args: (b) => ({ x: b.x, y: b.y, argmax: null, g, mode }),
          check: ['y'],
        }));
      }

      test(`poolBackward ${name}`, async () => {
        const fwd = await refRun({
          kernel: 'poolForward', label: name,
          buffers: { x, y: yi, argmax: ai },
          args: (b) => ({ x: b.x, y: b.y, argmax: b.argmax, g, mode }),
          check: ['y', 'argmax'],
        });
        const y = fwd.y.map(Math.fround), dy = rand(outputSize(g), 400 + i);
        const withArgmax = mode === 'max' ? [true, false] : [false];
        for (const useArgmax of withArgmax) {
          await compareWasm({
            kernel: 'poolBackward', label: `${name}${useArgmax ? ' with argmax' : ''}`,
            buffers: { x, y, dy, argmax: { ints: fwd.argmax }, dx: { size: inputSize(g) } },
            args: (b) => ({ x: b.x, y: b.y, dy: b.dy, argmax: useArgmax ? b.argmax : null, dx: b.dx, g, mode }),
            check: ['dx'],
          });
        }
      });
    }
  }
});

test.run();
