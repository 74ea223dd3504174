import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const tanh: WasmKernel<'tanh'> = (ctx, { x, y, n }) => {
  needFloat('tanh', 'x', x, n);
  needFloat('tanh', 'y', y, n);
  ctx.call('tanh', ctx.parts(n * 6), [ctx.ptr(x), ctx.out(y, n), n]);
};
