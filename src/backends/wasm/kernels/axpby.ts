import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const axpby: WasmKernel<'axpby'> = (ctx, { x, y, out, n, a, b }) => {
  needFloat('axpby', 'x', x, n);
  needFloat('axpby', 'y', y, n);
  needFloat('axpby', 'out', out, n);
  ctx.fn('axpby')(ctx.ptr(x), ctx.ptr(y), ctx.ptr(out), n, a, b);
};
