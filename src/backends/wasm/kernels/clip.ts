import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const clip: WasmKernel<'clip'> = (ctx, { x, out, n, limit }) => {
  needFloat('clip', 'x', x, n);
  needFloat('clip', 'out', out, n);
  ctx.fn('clip')(ctx.ptr(x), ctx.ptr(out), n, limit);
};
