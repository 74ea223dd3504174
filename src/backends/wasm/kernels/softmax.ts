// The kernel walks rows (batch is contiguous) and keeps each column's max and exp sum in scratch:
// batch f32 then batch f64, the f64 part 8-byte aligned.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const softmax: WasmKernel<'softmax'> = (ctx, { x, y, classes, batch }) => {
  needFloat('softmax', 'x', x, classes * batch);
  needFloat('softmax', 'y', y, classes * batch);
  if (classes === 0 || batch === 0) return;
  const work = ctx.scratch(((4 * batch + 7) & ~7) + 8 * batch);
  ctx.fn('softmax')(ctx.ptr(x), ctx.ptr(y), classes, batch, work);
};
