import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const mul: WasmKernel<'mul'> = (ctx, { x, y, out, n }) => {
  needFloat('mul', 'x', x, n);
  needFloat('mul', 'y', y, n);
  needFloat('mul', 'out', out, n);
  ctx.call('mul', ctx.parts(n / 2), [ctx.ptr(x), ctx.ptr(y), ctx.out(out, n), n]);
};
