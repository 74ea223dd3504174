// Reshape and flatten: views over the same storage; the gradient is the output gradient reshaped back.
import { needsGrad, record } from '../autograd/mode.ts';
import { shapeString, sizeOf } from '../shape.ts';
import type { Tensor } from '../tensor.ts';

/** A view with another shape of the same size; one dimension may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const free = shape.indexOf(-1);
  const known = sizeOf(shape.filter((_, i) => i !== free));
  const full = free >= 0 ? shape.map((d, i) => (i === free ? x.size / known : d)) : [...shape];
  if (sizeOf(full) !== x.size || full.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`reshape: cannot reshape ${shapeString(x.shape)} (${x.size} values) to ${shapeString(shape)}`);
  }
  const y = x.view(full);
  if (!needsGrad(x)) return y;
  return record(y, { op: 'reshape', inputs: [x], backward: (dy) => [dy.view(x.shape)] });
}

/** [C, ...spatial, N] → [C·spatial, N]: what an Affine layer after a conv stack reads. */
export function flatten(x: Tensor): Tensor {
  const n = x.shape[x.shape.length - 1];
  return reshape(x, [x.size / n, n]);
}
