import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const scale: WasmKernel<'scale'> = (ctx, { x, out, n, alpha }) => {
  needFloat('scale', 'x', x, n);
  needFloat('scale', 'out', out, n);
  ctx.call('scale', ctx.parts(n / 2), [ctx.ptr(x), ctx.out(out, n), n, alpha]);
};
