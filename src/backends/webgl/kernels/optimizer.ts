// Optimizer steps (neon optimizer.py: GradientDescentMomentum :416-539, RMSProp :542-633,
// Adam :825-930). A kernel has one output, so each state buffer gets its own pass; every pass
// reads the OLD values and the new textures replace the buffers only at the end.
import type { KernelThis } from '../gpujs.ts';
import { buf, type Arr, type WebglKernel } from './common.ts';

/** v' = μ·v − lr·(gradScale·g + wdecay·w). */
export function sgdVelocityK(this: KernelThis, w: Arr, g: Arr, v: Arr, lr: number, momentum: number, wdecay: number, gradScale: number): number {
  return momentum * v[this.thread.x] - lr * (gradScale * g[this.thread.x] + wdecay * w[this.thread.x]);
}

/** w' = w + v' (nesterov: w + μ·v' − lr·g'). */
export function sgdWeightK(this: KernelThis, w: Arr, g: Arr, vNew: Arr, lr: number, momentum: number, wdecay: number, gradScale: number): number {
  const gp = gradScale * g[this.thread.x] + wdecay * w[this.thread.x];
  if (this.constants.nesterov === 1) return w[this.thread.x] + momentum * vNew[this.thread.x] - lr * gp;
  return w[this.thread.x] + vNew[this.thread.x];
}

/** Momentum 0: w' = w − lr·g'. */
export function sgdPlainK(this: KernelThis, w: Arr, g: Arr, lr: number, wdecay: number, gradScale: number): number {
  return w[this.thread.x] - lr * (gradScale * g[this.thread.x] + wdecay * w[this.thread.x]);
}

/** m' = β·m + (1 − β)·(gradScale·g)^power, power 1 or 2 (Adam's moments, RMSProp's mean square). */
export function momentK(this: KernelThis, g: Arr, m: Arr, beta: number, gradScale: number): number {
  const gp = gradScale * g[this.thread.x];
  if (this.constants.power === 2) return beta * m[this.thread.x] + (1 - beta) * gp * gp;
  return beta * m[this.thread.x] + (1 - beta) * gp;
}

/** Adam: w' = w − l·m'/(√v' + eps), l the bias-corrected rate. */
export function adamWeightK(this: KernelThis, w: Arr, mNew: Arr, vNew: Arr, l: number, eps: number): number {
  return w[this.thread.x] - l * mNew[this.thread.x] / (Math.sqrt(vNew[this.thread.x]) + eps);
}

/** Adagrad: acc' = acc + g'². */
export function adagradAccK(this: KernelThis, g: Arr, acc: Arr, gradScale: number): number {
  const gp = gradScale * g[this.thread.x];
  return acc[this.thread.x] + gp * gp;
}

/** w' = w − lr·g'/(√(s + eps) + eps2): Adagrad (eps2 = 0) and RMSProp (eps2 = eps). */
export function rootScaledK(this: KernelThis, w: Arr, g: Arr, sNew: Arr, lr: number, eps: number, eps2: number, gradScale: number): number {
  return w[this.thread.x] - lr * gradScale * g[this.thread.x] / (Math.sqrt(sNew[this.thread.x] + eps) + eps2);
}

export const sgdUpdate: WebglKernel<'sgdUpdate'> = (rt, { w, g, v, n, lr, momentum, wdecay, gradScale, nesterov }) => {
  if (n === 0) return;
  const W = buf(w, n, 'sgdUpdate w'), G = buf(g, n, 'sgdUpdate g');
  if (momentum === 0) {
    rt.assign(W, rt.run('sgdPlain', sgdPlainK, n, {}, [W, G, lr, wdecay, gradScale]), 0, n);
    return;
  }
  const V = buf(v, n, 'sgdUpdate v');
  const vNew = rt.run('sgdVelocity', sgdVelocityK, n, {}, [W, G, V, lr, momentum, wdecay, gradScale]);
  const wNew = rt.run('sgdWeight', sgdWeightK, n, { nesterov: nesterov ? 1 : 0 }, [W, G, vNew, lr, momentum, wdecay, gradScale]);
  rt.assign(V, vNew, 0, n);
  rt.assign(W, wNew, 0, n);
};

export const adamUpdate: WebglKernel<'adamUpdate'> = (rt, { w, g, m, v, n, lr, beta1, beta2, eps, gradScale, step }) => {
  if (!Number.isInteger(step) || step < 1) throw new Error(`webgl backend: adamUpdate step must be an integer ≥ 1, got ${step}`);
  if (n === 0) return;
  const W = buf(w, n, 'adamUpdate w'), G = buf(g, n, 'adamUpdate g');
  const M = buf(m, n, 'adamUpdate m'), V = buf(v, n, 'adamUpdate v');
  const l = lr * Math.sqrt(1 - beta2 ** step) / (1 - beta1 ** step);
  const mNew = rt.run('moment', momentK, n, { power: 1 }, [G, M, beta1, gradScale]);
  const vNew = rt.run('moment', momentK, n, { power: 2 }, [G, V, beta2, gradScale]);
  const wNew = rt.run('adamWeight', adamWeightK, n, {}, [W, mNew, vNew, l, eps]);
  rt.assign(M, mNew, 0, n);
  rt.assign(V, vNew, 0, n);
  rt.assign(W, wNew, 0, n);
};

export const adagradUpdate: WebglKernel<'adagradUpdate'> = (rt, { w, g, acc, n, lr, eps, gradScale }) => {
  if (n === 0) return;
  const W = buf(w, n, 'adagradUpdate w'), G = buf(g, n, 'adagradUpdate g'), A = buf(acc, n, 'adagradUpdate acc');
  const aNew = rt.run('adagradAcc', adagradAccK, n, {}, [G, A, gradScale]);
  const wNew = rt.run('rootScaled', rootScaledK, n, {}, [W, G, aNew, lr, eps, 0, gradScale]);
  rt.assign(A, aNew, 0, n);
  rt.assign(W, wNew, 0, n);
};

export const rmspropUpdate: WebglKernel<'rmspropUpdate'> = (rt, { w, g, m, n, lr, decay, eps, gradScale }) => {
  if (n === 0) return;
  const W = buf(w, n, 'rmspropUpdate w'), G = buf(g, n, 'rmspropUpdate g'), M = buf(m, n, 'rmspropUpdate m');
  const mNew = rt.run('moment', momentK, n, { power: 2 }, [G, M, decay, gradScale]);
  const wNew = rt.run('rootScaled', rootScaledK, n, {}, [W, G, mNew, lr, eps, eps, gradScale]);
  rt.assign(M, mNew, 0, n);
  rt.assign(W, wNew, 0, n);
};
