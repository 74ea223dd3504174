import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const batchNormGrad: WasmKernel<'batchNormGrad'> = (ctx, a) => {
  const { channels: C, inner } = a;
  needFloat('batchNormGrad', 'x', a.x, C * inner);
  needFloat('batchNormGrad', 'dy', a.dy, C * inner);
  needFloat('batchNormGrad', 'dx', a.dx, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['mean', a.mean], ['invStd', a.invStd], ['dgamma', a.dgamma],
    ['dbeta', a.dbeta]] as const) needFloat('batchNormGrad', what, buf, C);
  ctx.call('batchNormGrad', ctx.parts(C * inner), [ctx.ptr(a.x), ctx.ptr(a.dy), ctx.ptr(a.gamma), ctx.ptr(a.mean), ctx.ptr(a.invStd),
    ctx.out(a.dx, C * inner), ctx.out(a.dgamma, C), ctx.out(a.dbeta, C), C, inner]);
};
