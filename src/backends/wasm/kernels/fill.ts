import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const fill: WasmKernel<'fill'> = (ctx, { x, n, value }) => {
  needFloat('fill', 'x', x, n);
  ctx.call('fill', ctx.parts(n / 4), [ctx.out(x, n), n, value]);
};
