import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const axpby: WasmKernel<'axpby'> = (ctx, { x, y, out, n, a, b }) => {
  needFloat('axpby', 'x', x, n);
  needFloat('axpby', 'y', y, n);
  needFloat('axpby', 'out', out, n);
  ctx.call('axpby', ctx.parts(n / 2), [ctx.ptr(x), ctx.ptr(y), ctx.out(out, n), n, a, b]);
};
