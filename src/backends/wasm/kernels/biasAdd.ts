import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const biasAdd: WasmKernel<'biasAdd'> = (ctx, { x, bias, y, channels, inner }) => {
  needFloat('biasAdd', 'x', x, channels * inner);
  needFloat('biasAdd', 'bias', bias, channels);
  needFloat('biasAdd', 'y', y, channels * inner);
  ctx.call('biasAdd', ctx.parts(channels * inner / 2), [ctx.ptr(x), ctx.ptr(bias), ctx.out(y, channels * inner), channels, inner]);
};
