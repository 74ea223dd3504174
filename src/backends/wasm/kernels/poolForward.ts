// Pooling forward. The geometry travels as a 20-i32 scratch block (common.ts); for max without a
// caller's argmax the kernel still tracks indices, in N i32 of scratch after the block.
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, POOL_MODES, geometryBlock, needFloat, needInt, windowSizes } from './common.ts';

export const poolForward: WasmKernel<'poolForward'> = (ctx, { x, y, argmax, g, mode }) => {
  const z = windowSizes(g);
  needFloat('poolForward', 'x', x, z.input);
  needFloat('poolForward', 'y', y, z.output);
  const own = mode === 'max' && argmax !== null;
  if (own) needInt('poolForward', 'argmax', argmax, z.output);
  const geo = geometryBlock(ctx, g, own ? 0 : 4 * g.batch);
  const am = own ? ctx.ptr(argmax) : geo + GEOMETRY_BYTES;
  ctx.fn('poolForward')(ctx.ptr(x), ctx.ptr(y), am, own ? 1 : 0, geo, POOL_MODES[mode]);
};
