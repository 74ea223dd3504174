// Hyperparameters go to wasm as f64; nesterov as i32. With momentum 0 the velocity is neither read
// nor written, so v is only checked when momentum ≠ 0 (its pointer is still passed).
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const sgdUpdate: WasmKernel<'sgdUpdate'> = (ctx, { w, g, v, n, lr, momentum, wdecay, gradScale, nesterov }) => {
  needFloat('sgdUpdate', 'w', w, n);
  needFloat('sgdUpdate', 'g', g, n);
  if (momentum !== 0) needFloat('sgdUpdate', 'v', v, n);
  ctx.call('sgdUpdate', ctx.parts(n), [ctx.ptr(w), ctx.ptr(g), ctx.ptr(v), n, lr, momentum, wdecay, gradScale, nesterov ? 1 : 0]);
};
