// Pooling backward (overwrites dx). The geometry travels as a 20-i32 scratch block (common.ts);
// max without the forward's argmax recomputes each window's argmax from x into 2·N words of
// scratch after the block (N f32 maxima, N i32 indices).
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, POOL_MODES, geometryBlock, needFloat, needInt, windowSizes } from './common.ts';

export const poolBackward: WasmKernel<'poolBackward'> = (ctx, { x, y, dy, argmax, dx, g, mode }) => {
  const z = windowSizes(g);
  needFloat('poolBackward', 'x', x, z.input);
  needFloat('poolBackward', 'y', y, z.output);
  needFloat('poolBackward', 'dy', dy, z.output);
  needFloat('poolBackward', 'dx', dx, z.input);
  const own = mode === 'max' && argmax !== null;
  if (own) needInt('poolBackward', 'argmax', argmax, z.output);
  const geo = geometryBlock(ctx, g, own ? 0 : 8 * g.batch);
  const am = own ? ctx.ptr(argmax) : geo + GEOMETRY_BYTES;
  ctx.fn('poolBackward')(ctx.ptr(x), ctx.ptr(y), ctx.ptr(dy), am, own ? 1 : 0, ctx.ptr(dx), geo, POOL_MODES[mode]);
};
