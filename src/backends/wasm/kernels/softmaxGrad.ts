// The kernel walks rows (batch is contiguous) and keeps each column's Σ y·dy in scratch: batch f64,
// then the same rounded to f32.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const softmaxGrad: WasmKernel<'softmaxGrad'> = (ctx, { y, dy, dx, classes, batch }) => {
  const len = classes * batch;
  needFloat('softmaxGrad', 'y', y, len);
  needFloat('softmaxGrad', 'dy', dy, len);
  needFloat('softmaxGrad', 'dx', dx, len);
  if (len === 0) return;
  ctx.fn('softmaxGrad')(ctx.ptr(y), ctx.ptr(dy), ctx.ptr(dx), classes, batch, ctx.scratch(12 * batch));
};
