import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const biasGrad: WasmKernel<'biasGrad'> = (ctx, { dy, db, channels, inner }) => {
  needFloat('biasGrad', 'dy', dy, channels * inner);
  needFloat('biasGrad', 'db', db, channels);
  ctx.fn('biasGrad')(ctx.ptr(dy), ctx.ptr(db), channels, inner);
};
