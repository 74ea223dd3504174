// Concatenation along one axis: MergeBroadcast's depth merge (inception-style branches).
// Row-major, so for axis a every input is `outer` = prod(shape[:a]) contiguous blocks of
// prod(shape[a:]) values. Along axis 0 of [C, ..., N] (channel concat) outer = 1: one block copy per
// input. Backward slices the output gradient back with the same copy kernel.
import { needsGrad, record } from '../autograd/mode.ts';
import { shapeString, sizeOf } from '../shape.ts';
import { Tensor } from '../tensor.ts';
import { backendOf } from './util.ts';

export function concat(ts: readonly Tensor[], axis = 0): Tensor {
  if (ts.length === 0) throw new Error('concat: needs at least one tensor');
  const backend = backendOf('concat', ...ts);
  const first = ts[0].shape;
  const rank = first.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) throw new Error(`concat: axis ${axis} is out of range for rank ${rank}`);
  ts.forEach((t, i) => {
    if (t.shape.length !== rank || t.shape.some((d, j) => j !== axis && d !== first[j])) {
      throw new Error(`concat: input ${i} has shape ${shapeString(t.shape)}, input 0 ${shapeString(first)}; ` +
        `all dims but axis ${axis} must match`);
    }
  });
  const outer = sizeOf(first.slice(0, axis));
  const blocks = ts.map((t) => sizeOf(t.shape.slice(axis)));
  const total = blocks.reduce((a, b) => a + b, 0);
  const offsets = blocks.map((_, i) => blocks.slice(0, i).reduce((a, b) => a + b, 0));
  const shape = [...first];
  shape[axis] = ts.reduce((s, t) => s + t.shape[axis], 0);
  const y = Tensor.empty(backend, shape);
  ts.forEach((t, i) => {
    for (let o = 0; o < outer; o++) {
      backend.run('copy', { x: t.buf, out: y.buf, n: blocks[i], xOffset: o * blocks[i], outOffset: o * total + offsets[i] });
    }
  });
  if (!needsGrad(...ts)) return y;
  return record(y, {
    op: 'concat',
    inputs: [...ts],
    backward: (dy) => ts.map((t, i) => {
      if (!t.requiresGrad) return null;
      const dx = Tensor.empty(backend, t.shape);
      for (let o = 0; o < outer; o++) {
        backend.run('copy', { x: dy.buf, out: dx.buf, n: blocks[i], xOffset: o * total + offsets[i], outOffset: o * blocks[i] });
      }
      return dx;
    }),
  });
}
