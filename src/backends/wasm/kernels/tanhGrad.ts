import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const tanhGrad: WasmKernel<'tanhGrad'> = (ctx, { y, dy, dx, n }) => {
  needFloat('tanhGrad', 'y', y, n);
  needFloat('tanhGrad', 'dy', dy, n);
  needFloat('tanhGrad', 'dx', dx, n);
  ctx.call('tanhGrad', ctx.parts(n / 2), [ctx.ptr(y), ctx.ptr(dy), ctx.out(dx, n), n]);
};
