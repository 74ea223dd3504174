// Elementwise and per-channel kernels. Scalars (a, b, alpha, value, limit) are kernel arguments,
// not constants, so a changing value never recompiles. A call over n values of a larger buffer
// writes the first n and keeps the rest (runtime.assign).
import type { KernelThis } from '../gpujs.ts';
import { buf, type Arr, type WebglKernel } from './common.ts';

export function axpbyK(this: KernelThis, x: Arr, y: Arr, a: number, b: number): number {
  return a * x[this.thread.x] + b * y[this.thread.x];
}

export function mulK(this: KernelThis, x: Arr, y: Arr): number {
  return x[this.thread.x] * y[this.thread.x];
}

export function scaleK(this: KernelThis, x: Arr, alpha: number): number {
  return alpha * x[this.thread.x];
}

export function clipK(this: KernelThis, x: Arr, limit: number): number {
  return Math.min(Math.max(x[this.thread.x], -limit), limit);
}

/** out[i] = x[i − outOffset + xOffset] inside [outOffset, outOffset + n), old[i] elsewhere. */
export function copyK(this: KernelThis, x: Arr, old: Arr): number {
  if (this.thread.x >= this.constants.outOffset && this.thread.x < this.constants.outOffset + this.constants.n) {
    return x[this.thread.x - this.constants.outOffset + this.constants.xOffset];
  }
  return old[this.thread.x];
}

/** y[c, j] = x[c, j] + bias[c] over [channels, inner]. */
export function biasAddK(this: KernelThis, x: Arr, bias: Arr): number {
  return x[this.thread.x] + bias[anDiv(this.thread.x, this.constants.inner)];
}

export const axpby: WebglKernel<'axpby'> = (rt, { x, y, out, n, a, b }) => {
  if (n === 0) return;
  const X = buf(x, n, 'axpby x'), Y = buf(y, n, 'axpby y'), O = buf(out, n, 'axpby out');
  rt.assign(O, rt.run('axpby', axpbyK, n, {}, [X, Y, a, b]), 0, n);
};

export const mul: WebglKernel<'mul'> = (rt, { x, y, out, n }) => {
  if (n === 0) return;
  const X = buf(x, n, 'mul x'), Y = buf(y, n, 'mul y'), O = buf(out, n, 'mul out');
  rt.assign(O, rt.run('mul', mulK, n, {}, [X, Y]), 0, n);
};

export const scale: WebglKernel<'scale'> = (rt, { x, out, n, alpha }) => {
  if (n === 0) return;
  const X = buf(x, n, 'scale x'), O = buf(out, n, 'scale out');
  rt.assign(O, rt.run('scale', scaleK, n, {}, [X, alpha]), 0, n);
};

export const clip: WebglKernel<'clip'> = (rt, { x, out, n, limit }) => {
  if (n === 0) return;
  const X = buf(x, n, 'clip x'), O = buf(out, n, 'clip out');
  rt.assign(O, rt.run('clip', clipK, n, {}, [X, limit]), 0, n);
};

export const fill: WebglKernel<'fill'> = (rt, { x, n, value }) => {
  if (n === 0) return;
  rt.fill(buf(x, n, 'fill x'), value, n);
};

export const copy: WebglKernel<'copy'> = (rt, { x, out, n, xOffset, outOffset }) => {
  if (n === 0) return;
  const X = buf(x, xOffset + n, 'copy x'), O = buf(out, outOffset + n, 'copy out');
  const tex = rt.run('copy', copyK, O.size, { n, xOffset, outOffset }, [X, rt.texture(O)]);
  rt.assign(O, tex);
};

export const biasAdd: WebglKernel<'biasAdd'> = (rt, { x, bias, y, channels, inner }) => {
  const len = channels * inner;
  if (len === 0) return;
  const X = buf(x, len, 'biasAdd x'), B = buf(bias, channels, 'biasAdd bias'), Y = buf(y, len, 'biasAdd y');
  rt.assign(Y, rt.run('biasAdd', biasAddK, len, { inner }, [X, B]), 0, len);
};
