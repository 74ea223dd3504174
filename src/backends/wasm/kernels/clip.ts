import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const clip: WasmKernel<'clip'> = (ctx, { x, out, n, limit }) => {
  needFloat('clip', 'x', x, n);
  needFloat('clip', 'out', out, n);
  ctx.call('clip', ctx.parts(n / 2), [ctx.ptr(x), ctx.out(out, n), n, limit]);
};
