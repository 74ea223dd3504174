import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const scale: WasmKernel<'scale'> = (ctx, { x, out, n, alpha }) => {
  needFloat('scale', 'x', x, n);
  needFloat('scale', 'out', out, n);
  ctx.fn('scale')(ctx.ptr(x), ctx.ptr(out), n, alpha);
};
