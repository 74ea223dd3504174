// Costs (neon cost.py). Each returns the SUM over the batch as a one-element tensor: layer gradients
// are batch sums, as in neon, and GeneralizedCost reports the batch mean (sum / N) while the
// optimizers divide the gradients by N. Logs are neon's safelog: log(max(x, e^−50)).
// The fused pairs compute the loss from the pre-activation z; their gradient with respect to z is
// neon's shortcut delta y − t, which is the exact derivative (for targets summing to 1 per sample
// in the softmax case), so a numeric gradient check verifies it.
import { needsGrad, record } from '../autograd/mode.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectShape } from './util.ts';

const LOG_FLOOR = Math.exp(-50);
const safelog = (v: number) => Math.log(Math.max(v, LOG_FLOOR));

type HostCost = (y: ArrayLike<number>, t: ArrayLike<number>, units: number) => { loss: number; grad: Float64Array };

/** A cost whose value and gradient are computed on the host from y and t ([...units, N], the batch
 *  last); `units` is the number of values per sample (every axis but the last). */
function hostCost(op: string, y: Tensor, t: Tensor, f: HostCost): Tensor {
  const backend = backendOf(op, y, t);
  expectShape(op, 'targets', t.shape, y.shape);
  const { loss, grad } = f(y.toArray(), t.toArray(), y.size / y.shape[y.shape.length - 1]);
  const out = Tensor.scalar(backend, loss);
  if (!needsGrad(y)) return out;
  return record(out, {
    op,
    inputs: [y, t],
    backward: (dl) => {
      const s = dl.item();
      const g = new Float64Array(grad.length);
      for (let i = 0; i < g.length; i++) g[i] = s * grad[i];
      return [Tensor.fromArray(backend, g, y.shape), null];
    },
  });
}

/** Σ (y − t)² / 2 over every unit and sample. */
export function sumSquared(y: Tensor, t: Tensor): Tensor {
  return hostCost('sumSquared', y, t, (yv, tv) => {
    const grad = new Float64Array(yv.length);
    let loss = 0;
    for (let i = 0; i < yv.length; i++) { const d = yv[i] - tv[i]; grad[i] = d; loss += d * d / 2; }
    return { loss, grad };
  });
}

/** Σ over samples of mean over units of (y − t)² / 2. */
export function meanSquared(y: Tensor, t: Tensor): Tensor {
  return hostCost('meanSquared', y, t, (yv, tv, units) => {
    const grad = new Float64Array(yv.length);
    let loss = 0;
    for (let i = 0; i < yv.length; i++) { const d = yv[i] - tv[i]; grad[i] = d / units; loss += d * d / 2 / units; }
    return { loss, grad };
  });
}

/** Σ over samples of mean over units of |y − t|; the gradient sign(y − t) / units is 0 where y = t. */
export function l1(y: Tensor, t: Tensor): Tensor {
  return hostCost('l1', y, t, (yv, tv, units) => {
    const grad = new Float64Array(yv.length);
    let loss = 0;
    for (let i = 0; i < yv.length; i++) { const d = yv[i] - tv[i]; grad[i] = Math.sign(d) / units; loss += Math.abs(d) / units; }
    return { loss, grad };
  });
}

/** Σ −t·log y − (1 − t)·log(1 − y), with its true derivative (y − t) / (y(1 − y)). */
export function crossEntropyBinary(y: Tensor, t: Tensor): Tensor {
  return hostCost('crossEntropyBinary', y, t, (yv, tv) => {
    const grad = new Float64Array(yv.length);
    let loss = 0;
    for (let i = 0; i < yv.length; i++) {
      const p = yv[i], q = tv[i];
      loss += -q * safelog(p) - (1 - q) * safelog(1 - p);
      grad[i] = -q / Math.max(p, LOG_FLOOR) + (1 - q) / Math.max(1 - p, LOG_FLOOR);
    }
    return { loss, grad };
  });
}

/** Σ −t·log y, with its true derivative −t / y. */
export function crossEntropyMulti(y: Tensor, t: Tensor): Tensor {
  return hostCost('crossEntropyMulti', y, t, (yv, tv) => {
    const grad = new Float64Array(yv.length);
    let loss = 0;
    for (let i = 0; i < yv.length; i++) { loss += -tv[i] * safelog(yv[i]); grad[i] = -tv[i] / Math.max(yv[i], LOG_FLOOR); }
    return { loss, grad };
  });
}

export interface FusedCost { loss: Tensor; y: Tensor }

/** The loss, and (when some columns carry no label) a 0/1 mask over z's values: 0 in those columns. */
type FusedLoss = (y: ArrayLike<number>, t: ArrayLike<number>, classes: number) => { loss: number; mask?: Float32Array };

function fused(op: string, kernel: 'logistic' | 'softmax', z: Tensor, t: Tensor, lossOf: FusedLoss): FusedCost {
  const backend = backendOf(op, z, t);
  expectShape(op, 'targets', t.shape, z.shape);
  const classes = z.shape[0];
  const y = Tensor.empty(backend, z.shape);
  if (kernel === 'logistic') backend.run('logistic', { x: z.buf, y: y.buf, n: z.size });
  else backend.run('softmax', { x: z.buf, y: y.buf, classes, batch: z.size / classes });
  const { loss: value, mask } = lossOf(y.toArray(), t.toArray(), classes);
  const loss = Tensor.scalar(backend, value);
  if (!needsGrad(z)) return { loss, y };
  record(loss, {
    op,
    inputs: [z, t],
    backward: (dl) => {
      const s = dl.item();
      const dz = Tensor.empty(backend, z.shape);
      backend.run('axpby', { x: y.buf, y: t.buf, out: dz.buf, n: z.size, a: s, b: -s });
      if (!mask) return [dz, null];
      const m = Tensor.fromArray(backend, mask, z.shape);
      const masked = Tensor.empty(backend, z.shape);
      backend.run('mul', { x: dz.buf, y: m.buf, out: masked.buf, n: z.size });
      dz.dispose();
      m.dispose();
      return [masked, null];
    },
  });
  return { loss, y };
}

/** Logistic + CrossEntropyBinary from the pre-activation z: d loss / dz = y − t exactly. */
export function logisticCrossEntropyBinary(z: Tensor, t: Tensor): FusedCost {
  return fused('logisticCrossEntropyBinary', 'logistic', z, t, (yv, tv) => {
    let loss = 0;
    for (let i = 0; i < yv.length; i++) loss += -tv[i] * safelog(yv[i]) - (1 - tv[i]) * safelog(1 - yv[i]);
    return { loss };
  });
}

/** Softmax (over axis 0) + CrossEntropyMulti from z: d loss / dz = y − t, exact when each column's
 *  targets sum to 1 (one-hot or a probability vector), which is checked. With `unlabelled: 'ignore'`
 *  (per-pixel maps with an ignore label) a column whose targets are all 0 adds no loss and gets a
 *  zero gradient; otherwise such a column is an error. */
export function softmaxCrossEntropyMulti(z: Tensor, t: Tensor, opts: { unlabelled?: 'error' | 'ignore' } = {}): FusedCost {
  const ignore = opts.unlabelled === 'ignore';
  return fused('softmaxCrossEntropyMulti', 'softmax', z, t, (yv, tv, classes) => {
    const batch = yv.length / classes;
    let loss = 0;
    let mask: Float32Array | undefined;
    for (let n = 0; n < batch; n++) {
      let total = 0;
      for (let k = 0; k < classes; k++) { const q = tv[k * batch + n]; total += q; loss += -q * safelog(yv[k * batch + n]); }
      if (ignore && total === 0) {
        if (!mask) mask = new Float32Array(yv.length).fill(1);
        for (let k = 0; k < classes; k++) mask[k * batch + n] = 0;
      } else if (Math.abs(total - 1) > 1e-3) {
        throw new Error(`softmaxCrossEntropyMulti: the targets of sample ${n} sum to ${total}, expected 1 (one-hot or probabilities)` +
          (ignore ? ', or 0 for an unlabelled position' : ''));
      }
    }
    return { loss, mask };
  });
}
