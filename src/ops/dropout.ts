// neon's Dropout (layer.py:1970-2084): training multiplies by a mask drawn as U(0,1) < keep, with no
// 1/keep rescaling; inference multiplies by keep instead.
import type { Random } from '../random.ts';
import { Tensor } from '../tensor.ts';
import { mul, scale } from './elementwise.ts';

export interface DropoutOptions { keep: number; training: boolean; random: Random }

export function dropout(x: Tensor, opts: DropoutOptions): Tensor {
  if (!(opts.keep > 0 && opts.keep <= 1)) throw new Error(`dropout: keep must be in (0, 1], got ${opts.keep}`);
  if (!opts.training) return scale(x, opts.keep);
  const mask = new Float32Array(x.size);
  for (let i = 0; i < mask.length; i++) mask[i] = opts.random.uniform() < opts.keep ? 1 : 0;
  const m = Tensor.fromArray(x.backend, mask, x.shape);
  const y = mul(x, m);
  if (!y.requiresGrad) m.dispose();
  return y;
}
