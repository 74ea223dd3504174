import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const rectlin: WasmKernel<'rectlin'> = (ctx, { x, y, n, slope }) => {
  needFloat('rectlin', 'x', x, n);
  needFloat('rectlin', 'y', y, n);
  ctx.fn('rectlin')(ctx.ptr(x), ctx.ptr(y), n, slope);
};
