import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const explinGrad: WasmKernel<'explinGrad'> = (ctx, { y, dy, dx, n, alpha }) => {
  needFloat('explinGrad', 'y', y, n);
  needFloat('explinGrad', 'dy', dy, n);
  needFloat('explinGrad', 'dx', dx, n);
  ctx.call('explinGrad', ctx.parts(n / 2), [ctx.ptr(y), ctx.ptr(dy), ctx.out(dx, n), n, alpha]);
};
