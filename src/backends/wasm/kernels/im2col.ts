// cols = im2col(x); the geometry travels as a 20-i32 scratch block (common.ts geometryBlock).
import type { WasmKernel } from '../context.ts';
import { geometryBlock, needFloat, windowSizes } from './common.ts';

export const im2col: WasmKernel<'im2col'> = (ctx, { x, cols, g }) => {
  const z = windowSizes(g);
  needFloat('im2col', 'x', x, z.input);
  needFloat('im2col', 'cols', cols, z.rows * z.columns);
  ctx.fn('im2col')(ctx.ptr(x), ctx.ptr(cols), geometryBlock(ctx, g));
};
