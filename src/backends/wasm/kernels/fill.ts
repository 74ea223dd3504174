import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const fill: WasmKernel<'fill'> = (ctx, { x, n, value }) => {
  needFloat('fill', 'x', x, n);
  ctx.fn('fill')(ctx.ptr(x), n, value);
};
