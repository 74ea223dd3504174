// dx = col2im(cols), the adjoint of im2col; geometry as a 20-i32 scratch block (common.ts).
import type { WasmKernel } from '../context.ts';
import { geometryBlock, needFloat, windowSizes } from './common.ts';

export const col2im: WasmKernel<'col2im'> = (ctx, { cols, dx, g }) => {
  const z = windowSizes(g);
  needFloat('col2im', 'cols', cols, z.rows * z.columns);
  needFloat('col2im', 'dx', dx, z.input);
  // Threads split the channels (every row of a channel adds into the same slab of dx).
  const nparts = Math.min(g.channels, ctx.parts((z.rows * z.columns) / 2));
  ctx.call('col2im', nparts, [ctx.ptr(cols), ctx.out(dx, z.input), geometryBlock(ctx, g)]);
};
