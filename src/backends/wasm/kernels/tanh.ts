import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const tanh: WasmKernel<'tanh'> = (ctx, { x, y, n }) => {
  needFloat('tanh', 'x', x, n);
  needFloat('tanh', 'y', y, n);
  ctx.fn('tanh')(ctx.ptr(x), ctx.ptr(y), n);
};
