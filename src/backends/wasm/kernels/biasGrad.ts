import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const biasGrad: WasmKernel<'biasGrad'> = (ctx, { dy, db, channels, inner }) => {
  needFloat('biasGrad', 'dy', dy, channels * inner);
  needFloat('biasGrad', 'db', db, channels);
  ctx.call('biasGrad', ctx.parts(channels * inner / 2), [ctx.ptr(dy), ctx.out(db, channels), channels, inner]);
};
