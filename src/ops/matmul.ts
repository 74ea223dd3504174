// C = op(A)·op(B) on 2-D tensors, with op = transpose where asked. Affine layers use it as
// y[nout, N] = W[nout, nin] · x[nin, N].
import { needsGrad, record } from '../autograd/mode.ts';
import { Tensor } from '../tensor.ts';
import { backendOf, expectRank } from './util.ts';

export interface MatmulOptions { transA?: boolean; transB?: boolean }

/** out = op(a)·op(b) into a new tensor (no tape). */
function gemmInto(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const backend = a.backend;
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const n = transB ? b.shape[0] : b.shape[1];
  const c = Tensor.empty(backend, [m, n]);
  backend.run('gemm', { a: a.buf, b: b.buf, c: c.buf, m, n, k, transA, transB, alpha: 1, beta: 0 });
  return c;
}

export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const op = 'matmul';
  backendOf(op, a, b);
  expectRank(op, 'A', a.shape, [2], 'a matrix');
  expectRank(op, 'B', b.shape, [2], 'a matrix');
  const transA = opts.transA ?? false, transB = opts.transB ?? false;
  const kA = transA ? a.shape[0] : a.shape[1];
  const kB = transB ? b.shape[1] : b.shape[0];
  if (kA !== kB) {
    throw new Error(`matmul: inner dimensions differ: op(A) is ${transA ? a.shape[1] : a.shape[0]}×${kA}, op(B) is ${kB}×${transB ? b.shape[0] : b.shape[1]}`);
  }
  const out = gemmInto(a, b, transA, transB);
  if (!needsGrad(a, b)) return out;
  return record(out, {
    op,
    inputs: [a, b],
    // C = op(A)·op(B): d op(A) = dC·op(B)ᵀ and d op(B) = op(A)ᵀ·dC, transposed back where A or B was.
    backward: (dc) => [
      a.requiresGrad ? (transA ? gemmInto(b, dc, transB, true) : gemmInto(dc, b, false, !transB)) : null,
      b.requiresGrad ? (transB ? gemmInto(dc, a, true, transA) : gemmInto(a, dc, !transA, false)) : null,
    ],
  });
}
