// The gradient of batchNormRectlinTrain from its input (assembly/batchnorm.ts).
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const batchNormRectlinGrad: WasmKernel<'batchNormRectlinGrad'> = (ctx, a) => {
  const { channels: C, inner } = a;
  needFloat('batchNormRectlinGrad', 'x', a.x, C * inner);
  needFloat('batchNormRectlinGrad', 'dy', a.dy, C * inner);
  needFloat('batchNormRectlinGrad', 'dx', a.dx, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['beta', a.beta], ['mean', a.mean], ['invStd', a.invStd], ['dgamma', a.dgamma],
    ['dbeta', a.dbeta]] as const) needFloat('batchNormRectlinGrad', what, buf, C);
  ctx.call('batchNormRectlinGrad', ctx.parts(C * inner), [ctx.ptr(a.x), ctx.ptr(a.dy), ctx.ptr(a.gamma), ctx.ptr(a.beta),
    ctx.ptr(a.mean), ctx.ptr(a.invStd), ctx.out(a.dx, C * inner), ctx.out(a.dgamma, C), ctx.out(a.dbeta, C), C, inner, a.slope]);
};
