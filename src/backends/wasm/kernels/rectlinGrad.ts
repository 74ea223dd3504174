import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const rectlinGrad: WasmKernel<'rectlinGrad'> = (ctx, { y, dy, dx, n, slope }) => {
  needFloat('rectlinGrad', 'y', y, n);
  needFloat('rectlinGrad', 'dy', dy, n);
  needFloat('rectlinGrad', 'dx', dx, n);
  ctx.call('rectlinGrad', ctx.parts(n / 2), [ctx.ptr(y), ctx.ptr(dy), ctx.out(dx, n), n, slope]);
};
