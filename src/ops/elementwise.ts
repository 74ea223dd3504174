// Sums, scaling and per-channel bias: the residual merge (add) and the small glue ops.
import { needsGrad, record } from '../autograd/mode.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectShape } from './util.ts';

function copyOf(t: Tensor): Tensor {
  const c = Tensor.empty(t.backend, t.shape);
  t.backend.run('scale', { x: t.buf, out: c.buf, n: t.size, alpha: 1 });
  return c;
}

/** a + b for equal shapes: MergeSum's merge. Both inputs receive the output gradient. */
export function add(a: Tensor, b: Tensor): Tensor {
  const backend = backendOf('add', a, b);
  expectShape('add', 'second input', b.shape, a.shape);
  const y = Tensor.empty(backend, a.shape);
  backend.run('axpby', { x: a.buf, y: b.buf, out: y.buf, n: a.size, a: 1, b: 1 });
  if (!needsGrad(a, b)) return y;
  return record(y, {
    op: 'add',
    inputs: [a, b],
    backward: (dy) => [a.requiresGrad ? dy : null, b.requiresGrad ? (a.requiresGrad ? copyOf(dy) : dy) : null],
  });
}

/** The sum of several equal-shaped tensors (a MergeSum of any number of branches). */
export function addN(ts: readonly Tensor[]): Tensor {
  if (ts.length === 0) throw new Error('addN: needs at least one tensor');
  let acc = ts[0];
  for (let i = 1; i < ts.length; i++) {
    const next = add(acc, ts[i]);
    if (i > 1 && !acc.requiresGrad) acc.dispose();
    acc = next;
  }
  return acc;
}

/** alpha·x. */
export function scale(x: Tensor, alpha: number): Tensor {
  const backend = backendOf('scale', x);
  const y = Tensor.empty(backend, x.shape);
  backend.run('scale', { x: x.buf, out: y.buf, n: x.size, alpha });
  if (!needsGrad(x)) return y;
  return record(y, {
    op: 'scale',
    inputs: [x],
    backward: (dy) => {
      const dx = Tensor.empty(backend, x.shape);
      backend.run('scale', { x: dy.buf, out: dx.buf, n: x.size, alpha });
      return [dx];
    },
  });
}

/** x ⊙ m elementwise (m is usually a constant mask). */
export function mul(x: Tensor, m: Tensor): Tensor {
  const backend = backendOf('mul', x, m);
  expectShape('mul', 'second input', m.shape, x.shape);
  const y = Tensor.empty(backend, x.shape);
  backend.run('mul', { x: x.buf, y: m.buf, out: y.buf, n: x.size });
  if (!needsGrad(x, m)) return y;
  return record(y, {
    op: 'mul',
    inputs: [x, m],
    backward: (dy) => {
      const grad = (other: Tensor) => {
        const g = Tensor.empty(backend, x.shape);
        backend.run('mul', { x: dy.buf, y: other.buf, out: g.buf, n: x.size });
        return g;
      };
      return [x.requiresGrad ? grad(m) : null, m.requiresGrad ? grad(x) : null];
    },
  });
}

/** y[c, …] = x[c, …] + b[c]: one bias per channel (axis 0), as neon's Bias layer. */
export function biasAdd(x: Tensor, b: Tensor): Tensor {
  const backend = backendOf('biasAdd', x, b);
  const channels = x.shape[0], inner = x.size / channels;
  expectShape('biasAdd', 'bias', b.shape, [channels]);
  const y = Tensor.empty(backend, x.shape);
  backend.run('biasAdd', { x: x.buf, bias: b.buf, y: y.buf, channels, inner });
  if (!needsGrad(x, b)) return y;
  return record(y, {
    op: 'biasAdd',
    inputs: [x, b],
    backward: (dy) => {
      let db: Tensor | null = null;
      if (b.requiresGrad) {
        db = Tensor.empty(backend, [channels]);
        backend.run('biasGrad', { dy: dy.buf, db: db.buf, channels, inner });
      }
      return [dy, db];
    },
  });
}
