import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const logisticGrad: WasmKernel<'logisticGrad'> = (ctx, { y, dy, dx, n }) => {
  needFloat('logisticGrad', 'y', y, n);
  needFloat('logisticGrad', 'dy', dy, n);
  needFloat('logisticGrad', 'dx', dx, n);
  ctx.call('logisticGrad', ctx.parts(n / 2), [ctx.ptr(y), ctx.ptr(dy), ctx.out(dx, n), n]);
};
