import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const explin: WasmKernel<'explin'> = (ctx, { x, y, n, alpha }) => {
  needFloat('explin', 'x', x, n);
  needFloat('explin', 'y', y, n);
  ctx.call('explin', ctx.parts(n * 4), [ctx.ptr(x), ctx.out(y, n), n, alpha]);
};
