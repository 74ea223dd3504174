// cols = im2col(x); the geometry travels as a 20-i32 scratch block (common.ts geometryBlock).
import type { WasmKernel } from '../context.ts';
import { geometryBlock, needFloat, windowSizes } from './common.ts';

export const im2col: WasmKernel<'im2col'> = (ctx, { x, cols, g }) => {
  const z = windowSizes(g);
  needFloat('im2col', 'x', x, z.input);
  needFloat('im2col', 'cols', cols, z.rows * z.columns);
  ctx.call('im2col', ctx.parts((z.rows * z.columns) / 2), [ctx.ptr(x), ctx.out(cols, z.rows * z.columns), geometryBlock(ctx, g)]);
};
