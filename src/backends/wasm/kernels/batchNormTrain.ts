// rho and eps go to wasm as f64 (the kernel forms 1 − rho and var + eps in f64). The fused
// batchNormRectlinTrain takes the same arguments and its slope after them.
import type { DeviceBuffer } from '../../backend.ts';
import type { KernelArgs } from '../../../kernels.ts';
import type { WasmContext, WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

/** Checks batchNormTrain's buffers and calls `kernel` with its arguments, then `extra`. */
export function runBatchNormTrain(
  ctx: WasmContext, kernel: 'batchNormTrain' | 'batchNormRectlinTrain', a: KernelArgs<DeviceBuffer>['batchNormTrain'], extra: readonly number[],
): void {
  const { channels: C, inner } = a;
  needFloat(kernel, 'x', a.x, C * inner);
  needFloat(kernel, 'y', a.y, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['beta', a.beta], ['mean', a.mean], ['invStd', a.invStd],
    ['runMean', a.runMean], ['runVar', a.runVar]] as const) needFloat(kernel, what, buf, C);
  ctx.call(kernel, ctx.parts(C * inner), [ctx.ptr(a.x), ctx.ptr(a.gamma), ctx.ptr(a.beta), ctx.out(a.y, C * inner), ctx.out(a.mean, C),
    ctx.out(a.invStd, C), ctx.ptr(a.runMean), ctx.ptr(a.runVar), C, inner, a.rho, a.eps, ...extra]);
}

export const batchNormTrain: WasmKernel<'batchNormTrain'> = (ctx, a) => runBatchNormTrain(ctx, 'batchNormTrain', a, []);
