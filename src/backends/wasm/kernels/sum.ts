import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const sum: WasmKernel<'sum'> = (ctx, { x, out, n }) => {
  needFloat('sum', 'x', x, n);
  needFloat('sum', 'out', out, 1);
  ctx.fn('sum')(ctx.ptr(x), ctx.ptr(out), n);
};
