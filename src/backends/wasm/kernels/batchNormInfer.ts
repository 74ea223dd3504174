// eps goes to wasm as f64 (runVar + eps is formed in f64).
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const batchNormInfer: WasmKernel<'batchNormInfer'> = (ctx, a) => {
  const { channels: C, inner } = a;
  needFloat('batchNormInfer', 'x', a.x, C * inner);
  needFloat('batchNormInfer', 'y', a.y, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['beta', a.beta], ['runMean', a.runMean], ['runVar', a.runVar]] as const) {
    needFloat('batchNormInfer', what, buf, C);
  }
  ctx.call('batchNormInfer', ctx.parts(C * inner / 2), [ctx.ptr(a.x), ctx.ptr(a.gamma), ctx.ptr(a.beta), ctx.ptr(a.runMean), ctx.ptr(a.runVar),
    ctx.out(a.y, C * inner), C, inner, a.eps]);
};
