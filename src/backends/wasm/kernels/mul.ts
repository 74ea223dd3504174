import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const mul: WasmKernel<'mul'> = (ctx, { x, y, out, n }) => {
  needFloat('mul', 'x', x, n);
  needFloat('mul', 'y', y, n);
  needFloat('mul', 'out', out, n);
  ctx.fn('mul')(ctx.ptr(x), ctx.ptr(y), ctx.ptr(out), n);
};
