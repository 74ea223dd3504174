// batchNormTrain and Rectlin in one sweep (assembly/batchnorm.ts); rho and eps go to wasm as f64.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const batchNormRectlinTrain: WasmKernel<'batchNormRectlinTrain'> = (ctx, a) => {
  const { channels: C, inner } = a;
  needFloat('batchNormRectlinTrain', 'x', a.x, C * inner);
  needFloat('batchNormRectlinTrain', 'y', a.y, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['beta', a.beta], ['mean', a.mean], ['invStd', a.invStd],
    ['runMean', a.runMean], ['runVar', a.runVar]] as const) needFloat('batchNormRectlinTrain', what, buf, C);
  ctx.call('batchNormRectlinTrain', ctx.parts(C * inner), [ctx.ptr(a.x), ctx.ptr(a.gamma), ctx.ptr(a.beta), ctx.out(a.y, C * inner),
    ctx.out(a.mean, C), ctx.out(a.invStd, C), ctx.ptr(a.runMean), ctx.ptr(a.runVar), C, inner, a.rho, a.eps, a.slope]);
};
