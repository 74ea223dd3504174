// batchNormGrad, and the glue of the fused batchNormRectlinGrad, which takes the same arguments
// and beta and its slope after them.
import type { DeviceBuffer } from '../../backend.ts';
import type { KernelArgs } from '../../../kernels.ts';
import type { WasmContext, WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

/** Checks batchNormGrad's buffers (and beta, when the fused kernel's `rectlin` is given) and calls `kernel`. */
export function runBatchNormGrad(
  ctx: WasmContext, kernel: 'batchNormGrad' | 'batchNormRectlinGrad', a: KernelArgs<DeviceBuffer>['batchNormGrad'],
  rectlin: { beta: DeviceBuffer; slope: number } | null,
): void {
  const { channels: C, inner } = a;
  needFloat(kernel, 'x', a.x, C * inner);
  needFloat(kernel, 'dy', a.dy, C * inner);
  needFloat(kernel, 'dx', a.dx, C * inner);
  for (const [what, buf] of [['gamma', a.gamma], ['mean', a.mean], ['invStd', a.invStd], ['dgamma', a.dgamma],
    ['dbeta', a.dbeta]] as const) needFloat(kernel, what, buf, C);
  if (rectlin) needFloat(kernel, 'beta', rectlin.beta, C);
  // beta's pointer before the outputs' (ctx.out: an output may alias an input).
  const extra = rectlin ? [ctx.ptr(rectlin.beta), rectlin.slope] : [];
  ctx.call(kernel, ctx.parts(C * inner), [ctx.ptr(a.x), ctx.ptr(a.dy), ctx.ptr(a.gamma), ctx.ptr(a.mean), ctx.ptr(a.invStd),
    ctx.out(a.dx, C * inner), ctx.out(a.dgamma, C), ctx.out(a.dbeta, C), C, inner, ...extra]);
}

export const batchNormGrad: WasmKernel<'batchNormGrad'> = (ctx, a) => runBatchNormGrad(ctx, 'batchNormGrad', a, null);
