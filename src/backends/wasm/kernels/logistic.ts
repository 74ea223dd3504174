import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const logistic: WasmKernel<'logistic'> = (ctx, { x, y, n }) => {
  needFloat('logistic', 'x', x, n);
  needFloat('logistic', 'y', y, n);
  ctx.call('logistic', ctx.parts(n * 4), [ctx.ptr(x), ctx.out(y, n), n]);
};
