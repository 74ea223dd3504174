// Activations, their gradients (from the forward OUTPUT y, as neon), softmax over the class axis.
import type { KernelThis } from '../gpujs.ts';
import { buf, type Arr, type WebglKernel } from './common.ts';

export function rectlinK(this: KernelThis, x: Arr, slope: number): number {
  const v = x[this.thread.x];
  return Math.max(v, 0) + slope * Math.min(v, 0);
}

export function rectlinGradK(this: KernelThis, y: Arr, dy: Arr, slope: number): number {
  const v = y[this.thread.x];
  if (v > 0) return dy[this.thread.x];
  if (v < 0) return slope * dy[this.thread.x];
  return 0;
}

export function explinK(this: KernelThis, x: Arr, alpha: number): number {
  const v = x[this.thread.x];
  return Math.max(v, 0) + alpha * (Math.exp(Math.min(v, 0)) - 1);
}

export function explinGradK(this: KernelThis, y: Arr, dy: Arr, alpha: number): number {
  const v = y[this.thread.x];
  if (v > 0) return dy[this.thread.x];
  if (v < 0) return dy[this.thread.x] * (v + alpha);
  return 0;
}

/** Only ever exponentiates a non-positive number, so it cannot overflow. */
export function logisticK(this: KernelThis, x: Arr): number {
  const v = x[this.thread.x];
  const e = Math.exp(-Math.abs(v));
  if (v >= 0) return 1 / (1 + e);
  return e / (1 + e);
}

export function logisticGradK(this: KernelThis, y: Arr, dy: Arr): number {
  const v = y[this.thread.x];
  return dy[this.thread.x] * v * (1 - v);
}

/** tanh from e^(−2|x|) ≤ 1 (GLSL's tanh may give NaN for large |x| on some drivers); the
 *  polynomial near 0 avoids the cancellation of 1 − e^(−2|x|). */
export function tanhK(this: KernelThis, x: Arr): number {
  const v = x[this.thread.x];
  const a = Math.abs(v);
  if (a < 0.125) {
    const v2 = v * v;
    return v * (1 + v2 * (-0.3333333333 + v2 * (0.1333333333 - v2 * 0.0539682540)));
  }
  const e = Math.exp(-2 * a);
  const t = (1 - e) / (1 + e);
  if (v < 0) return -t;
  return t;
}

export function tanhGradK(this: KernelThis, y: Arr, dy: Arr): number {
  const v = y[this.thread.x];
  return dy[this.thread.x] * (1 - v * v);
}

/** Column n of x ([classes, batch]) is x[k·batch + n]; each thread recomputes its column's max and
 *  sum (classes is small). */
export function softmaxK(this: KernelThis, x: Arr): number {
  let m = x[anMod(this.thread.x, this.constants.batch)];
  for (let k = 1; k < this.constants.classes; k++) {
    m = Math.max(m, x[k * this.constants.batch + anMod(this.thread.x, this.constants.batch)]);
  }
  let total = 0;
  for (let k = 0; k < this.constants.classes; k++) {
    total += Math.exp(x[k * this.constants.batch + anMod(this.thread.x, this.constants.batch)] - m);
  }
  return Math.exp(x[this.thread.x] - m) / total;
}

export function softmaxGradK(this: KernelThis, y: Arr, dy: Arr): number {
  let dot = 0;
  for (let k = 0; k < this.constants.classes; k++) {
    dot += y[k * this.constants.batch + anMod(this.thread.x, this.constants.batch)] *
      dy[k * this.constants.batch + anMod(this.thread.x, this.constants.batch)];
  }
  return y[this.thread.x] * (dy[this.thread.x] - dot);
}

export const rectlin: WebglKernel<'rectlin'> = (rt, { x, y, n, slope }) => {
  if (n === 0) return;
  rt.assign(buf(y, n, 'rectlin y'), rt.run('rectlin', rectlinK, n, {}, [buf(x, n, 'rectlin x'), slope]), 0, n);
};

export const rectlinGrad: WebglKernel<'rectlinGrad'> = (rt, { y, dy, dx, n, slope }) => {
  if (n === 0) return;
  const tex = rt.run('rectlinGrad', rectlinGradK, n, {}, [buf(y, n, 'rectlinGrad y'), buf(dy, n, 'rectlinGrad dy'), slope]);
  rt.assign(buf(dx, n, 'rectlinGrad dx'), tex, 0, n);
};

export const explin: WebglKernel<'explin'> = (rt, { x, y, n, alpha }) => {
  if (n === 0) return;
  rt.assign(buf(y, n, 'explin y'), rt.run('explin', explinK, n, {}, [buf(x, n, 'explin x'), alpha]), 0, n);
};

export const explinGrad: WebglKernel<'explinGrad'> = (rt, { y, dy, dx, n, alpha }) => {
  if (n === 0) return;
  const tex = rt.run('explinGrad', explinGradK, n, {}, [buf(y, n, 'explinGrad y'), buf(dy, n, 'explinGrad dy'), alpha]);
  rt.assign(buf(dx, n, 'explinGrad dx'), tex, 0, n);
};

export const logistic: WebglKernel<'logistic'> = (rt, { x, y, n }) => {
  if (n === 0) return;
  rt.assign(buf(y, n, 'logistic y'), rt.run('logistic', logisticK, n, {}, [buf(x, n, 'logistic x')]), 0, n);
};

export const logisticGrad: WebglKernel<'logisticGrad'> = (rt, { y, dy, dx, n }) => {
  if (n === 0) return;
  const tex = rt.run('logisticGrad', logisticGradK, n, {}, [buf(y, n, 'logisticGrad y'), buf(dy, n, 'logisticGrad dy')]);
  rt.assign(buf(dx, n, 'logisticGrad dx'), tex, 0, n);
};

export const tanh: WebglKernel<'tanh'> = (rt, { x, y, n }) => {
  if (n === 0) return;
  rt.assign(buf(y, n, 'tanh y'), rt.run('tanh', tanhK, n, {}, [buf(x, n, 'tanh x')]), 0, n);
};

export const tanhGrad: WebglKernel<'tanhGrad'> = (rt, { y, dy, dx, n }) => {
  if (n === 0) return;
  const tex = rt.run('tanhGrad', tanhGradK, n, {}, [buf(y, n, 'tanhGrad y'), buf(dy, n, 'tanhGrad dy')]);
  rt.assign(buf(dx, n, 'tanhGrad dx'), tex, 0, n);
};

export const softmax: WebglKernel<'softmax'> = (rt, { x, y, classes, batch }) => {
  const len = classes * batch;
  if (len === 0) return;
  const tex = rt.run('softmax', softmaxK, len, { classes, batch }, [buf(x, len, 'softmax x')]);
  rt.assign(buf(y, len, 'softmax y'), tex, 0, len);
};

export const softmaxGrad: WebglKernel<'softmaxGrad'> = (rt, { y, dy, dx, classes, batch }) => {
  const len = classes * batch;
  if (len === 0) return;
  const tex = rt.run('softmaxGrad', softmaxGradK, len, { classes, batch }, [buf(y, len, 'softmaxGrad y'), buf(dy, len, 'softmaxGrad dy')]);
  rt.assign(buf(dx, len, 'softmaxGrad dx'), tex, 0, len);
};
