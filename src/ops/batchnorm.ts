// Batch normalisation with neon's semantics (layer.py:2352-2580, nervanacpu.py:1707-1760):
// statistics per channel (axis 0) over every other position (H·W·N for images, N for dense),
// biased variance, eps 1e-3, running stats updated as rho·old + (1 − rho)·batch (rho = kept fraction),
// inference normalises with the running stats.
import { needsGrad, record } from '../autograd/mode.ts';
import type { Backend } from '../backends/backend.ts';
import { Tensor } from '../tensor.ts';
import { rectlin } from './activation.ts';
import { backendOf, expectShape } from './util.ts';

export interface BatchNormState { runMean: Tensor; runVar: Tensor }
export interface BatchNormOptions { training: boolean; rho?: number; eps?: number }

interface Checked { backend: Backend; channels: number; inner: number; rho: number; eps: number }

/** The checks both ops share: gamma, beta and the running stats one value per channel, rho in [0, 1], eps > 0. */
function checked(op: string, x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, opts: BatchNormOptions): Checked {
  const backend = backendOf(op, x, gamma, beta, state.runMean, state.runVar);
  if (x.shape.length < 2) throw new Error(`${op}: input must be [C, ..., N], got [${x.shape.join(', ')}]`);
  const channels = x.shape[0];
  for (const [name, t] of [['gamma', gamma], ['beta', beta], ['runMean', state.runMean], ['runVar', state.runVar]] as const) {
    expectShape(op, name, t.shape, [channels]);
  }
  const rho = opts.rho ?? 0.9, eps = opts.eps ?? 1e-3;
  if (!(rho >= 0 && rho <= 1)) throw new Error(`${op}: rho must be in [0, 1], got ${rho}`);
  if (!(eps > 0)) throw new Error(`${op}: eps must be > 0, got ${eps}`);
  return { backend, channels, inner: x.size / channels, rho, eps };
}

export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, opts: BatchNormOptions): Tensor {
  const op = 'batchNorm';
  const c = checked(op, x, gamma, beta, state, opts);
  if (opts.training) return train(op, c, x, gamma, beta, state, null);
  const { backend, channels, inner, eps } = c;
  const y = Tensor.empty(backend, x.shape);
  const { runMean, runVar } = state;
  backend.run('batchNormInfer', { x: x.buf, gamma: gamma.buf, beta: beta.buf, runMean: runMean.buf, runVar: runVar.buf, y: y.buf, channels, inner, eps });
  if (!needsGrad(x, gamma, beta)) return y;
  return record(y, {
    op: `${op}(inference)`,
    inputs: [x, gamma, beta],
    // y = xhat·gamma + beta with xhat = (x − runMean)/√(runVar + eps) fixed: the gradients reuse
    // batchNormInfer as an affine map per channel, so no extra kernel is needed.
    backward: (dy) => {
      const zeros = Tensor.zeros(backend, [channels]);
      const ones = Tensor.empty(backend, [channels]);
      backend.run('fill', { x: ones.buf, n: channels, value: 1 });
      let dx: Tensor | null = null, dgamma: Tensor | null = null, dbeta: Tensor | null = null;
      if (x.requiresGrad) {
        dx = Tensor.empty(backend, x.shape);
        backend.run('batchNormInfer', { x: dy.buf, gamma: gamma.buf, beta: zeros.buf, runMean: zeros.buf, runVar: runVar.buf, y: dx.buf, channels, inner, eps });
      }
      if (gamma.requiresGrad) {
        const xhatDy = Tensor.empty(backend, x.shape);
        backend.run('batchNormInfer', { x: x.buf, gamma: ones.buf, beta: zeros.buf, runMean: runMean.buf, runVar: runVar.buf, y: xhatDy.buf, channels, inner, eps });
        backend.run('mul', { x: xhatDy.buf, y: dy.buf, out: xhatDy.buf, n: x.size });
        dgamma = Tensor.empty(backend, [channels]);
        backend.run('biasGrad', { dy: xhatDy.buf, db: dgamma.buf, channels, inner });
        xhatDy.dispose();
      }
      if (beta.requiresGrad) {
        dbeta = Tensor.empty(backend, [channels]);
        backend.run('biasGrad', { dy: dy.buf, db: dbeta.buf, channels, inner });
      }
      zeros.dispose();
      ones.dispose();
      return [dx, dgamma, dbeta];
    },
  });
}

/** Training mode: batchNormTrain/batchNormGrad, or with a Rectlin slope the fused
 *  batchNormRectlinTrain/batchNormRectlinGrad. */
function train(op: string, c: Checked, x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, slope: number | null): Tensor {
  const { backend, channels, inner, rho, eps } = c;
  const y = Tensor.empty(backend, x.shape);
  const mean = backend.alloc(channels), invStd = backend.alloc(channels);
  const args = {
    x: x.buf, gamma: gamma.buf, beta: beta.buf, y: y.buf, mean, invStd,
    runMean: state.runMean.buf, runVar: state.runVar.buf, channels, inner, rho, eps,
  };
  if (slope === null) backend.run('batchNormTrain', args);
  else backend.run('batchNormRectlinTrain', { ...args, slope });
  const release = () => { backend.dispose(mean); backend.dispose(invStd); };
  if (!needsGrad(x, gamma, beta)) {
    release();
    return y;
  }
  return record(y, {
    op,
    inputs: [x, gamma, beta],
    backward: (dy) => {
      const dx = Tensor.empty(backend, x.shape);
      const dgamma = Tensor.empty(backend, [channels]), dbeta = Tensor.empty(backend, [channels]);
      const grad = { x: x.buf, dy: dy.buf, gamma: gamma.buf, mean, invStd, dx: dx.buf, dgamma: dgamma.buf, dbeta: dbeta.buf, channels, inner };
      if (slope === null) backend.run('batchNormGrad', grad);
      else backend.run('batchNormRectlinGrad', { ...grad, beta: beta.buf, slope });
      return [dx, dgamma, dbeta];
    },
    release,
  });
}

export interface BatchNormRectlinOptions extends BatchNormOptions { slope?: number }

/** Rectlin(batchNorm(x)) with Rectlin's slope ≥ 0 (default 0): in training, where the backend has
 *  the fused kernels (batchNormRectlinTrain/Grad, src/kernels.ts), the forward pass writes the
 *  activated output directly (Rectlin's own pass over the output saved; the statistics still take
 *  their passes over x) and the backward pass needs neither the normalised values nor the output,
 *  two sweeps over x and dy instead of five; otherwise the two ops. The values are batchNorm then
 *  rectlin's, up to float32 rounding of the normalising multiplier. */
export function batchNormRectlin(x: Tensor, gamma: Tensor, beta: Tensor, state: BatchNormState, opts: BatchNormRectlinOptions): Tensor {
  const op = 'batchNormRectlin';
  const slope = opts.slope ?? 0;
  // Either path checks the arguments (batchNorm, or checked() here) once.
  const fused = opts.training && slope >= 0 && x.backend.has('batchNormRectlinTrain') && x.backend.has('batchNormRectlinGrad');
  if (!fused) return rectlin(batchNorm(x, gamma, beta, state, opts), slope);
  return train(op, checked(op, x, gamma, beta, state, opts), x, gamma, beta, state, slope);
}
