// Hyperparameters go to wasm as f64.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const rmspropUpdate: WasmKernel<'rmspropUpdate'> = (ctx, { w, g, m, n, lr, decay, eps, gradScale }) => {
  needFloat('rmspropUpdate', 'w', w, n);
  needFloat('rmspropUpdate', 'g', g, n);
  needFloat('rmspropUpdate', 'm', m, n);
  ctx.call('rmspropUpdate', ctx.parts(n * 2), [ctx.ptr(w), ctx.ptr(g), ctx.ptr(m), n, lr, decay, eps, gradScale]);
};
