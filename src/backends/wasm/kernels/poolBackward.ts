// Pooling backward (overwrites dx). The geometry travels as a 20-i32 scratch block (common.ts);
// max without the forward's argmax recomputes each window's argmax from x into 2·N words of
// scratch per part after the block (N f32 maxima, N i32 indices). Parts split the channels.
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, geometryBlock, needFloat, needInt, windowSizes } from './common.ts';
import { poolMode, poolWork } from './poolForward.ts';

export const poolBackward: WasmKernel<'poolBackward'> = (ctx, args) => {
  const { x, y, dy, argmax, dx, g, mode } = args;
  const { code, param } = poolMode('poolBackward', args);
  const z = windowSizes(g);
  needFloat('poolBackward', 'x', x, z.input);
  needFloat('poolBackward', 'y', y, z.output);
  needFloat('poolBackward', 'dy', dy, z.output);
  needFloat('poolBackward', 'dx', dx, z.input);
  const own = mode === 'max' && argmax !== null;
  if (own) needInt('poolBackward', 'argmax', argmax, z.output);
  const nparts = ctx.parts(poolWork(z.output, g, code));
  const geo = geometryBlock(ctx, g, own ? 0 : ctx.slots(nparts) * 8 * g.batch);
  const am = own ? ctx.ptr(argmax) : geo + GEOMETRY_BYTES;
  ctx.call('poolBackward', nparts, [ctx.ptr(x), ctx.ptr(y), ctx.ptr(dy), am, own ? 1 : 0, ctx.out(dx, z.input), geo, code, param]);
};
