import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const rectlin: WasmKernel<'rectlin'> = (ctx, { x, y, n, slope }) => {
  needFloat('rectlin', 'x', x, n);
  needFloat('rectlin', 'y', y, n);
  ctx.call('rectlin', ctx.parts(n / 2), [ctx.ptr(x), ctx.out(y, n), n, slope]);
};
