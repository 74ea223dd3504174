import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const logistic: WasmKernel<'logistic'> = (ctx, { x, y, n }) => {
  needFloat('logistic', 'x', x, n);
  needFloat('logistic', 'y', y, n);
  ctx.fn('logistic')(ctx.ptr(x), ctx.ptr(y), n);
};
