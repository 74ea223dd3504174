import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const biasAdd: WasmKernel<'biasAdd'> = (ctx, { x, bias, y, channels, inner }) => {
  needFloat('biasAdd', 'x', x, channels * inner);
  needFloat('biasAdd', 'bias', bias, channels);
  needFloat('biasAdd', 'y', y, channels * inner);
  ctx.fn('biasAdd')(ctx.ptr(x), ctx.ptr(bias), ctx.ptr(y), channels, inner);
};
