// Hyperparameters go to wasm as f64; the bias correction lr·√(1 − β2ᵗ)/(1 − β1ᵗ) is formed there.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const adamUpdate: WasmKernel<'adamUpdate'> = (ctx, { w, g, m, v, n, lr, beta1, beta2, eps, gradScale, step }) => {
  if (!Number.isInteger(step) || step < 1) throw new Error(`wasm adamUpdate: step must be an integer ≥ 1, got ${step}`);
  needFloat('adamUpdate', 'w', w, n);
  needFloat('adamUpdate', 'g', g, n);
  needFloat('adamUpdate', 'm', m, n);
  needFloat('adamUpdate', 'v', v, n);
  ctx.call('adamUpdate', ctx.parts(n * 2), [ctx.ptr(w), ctx.ptr(g), ctx.ptr(m), ctx.ptr(v), n, lr, beta1, beta2, eps, gradScale, step]);
};
