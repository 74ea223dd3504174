// Hyperparameters go to wasm as f64.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const adagradUpdate: WasmKernel<'adagradUpdate'> = (ctx, { w, g, acc, n, lr, eps, gradScale }) => {
  needFloat('adagradUpdate', 'w', w, n);
  needFloat('adagradUpdate', 'g', g, n);
  needFloat('adagradUpdate', 'acc', acc, n);
  ctx.call('adagradUpdate', ctx.parts(n * 2), [ctx.ptr(w), ctx.ptr(g), ctx.ptr(acc), n, lr, eps, gradScale]);
};
