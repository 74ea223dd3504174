// convWeightGrad glue: dW = dy·im2col(x)ᵀ tile by tile (assembly/conv-backward.ts), the tiles in a
// fixed number of groups (a function of the shapes alone, so every thread count gives the same
// bits), each group summed into its own partial, then the partials added in order.
import type { WasmKernel } from '../context.ts';
import { chunkGroups, GEOMETRY_BYTES, geometryBlock } from './common.ts';
import { checkConvWeightGrad } from './conv-checks.ts';
import { align64, convTile } from './convForward.ts';

export const convWeightGrad: WasmKernel<'convWeightGrad'> = (ctx, args) => {
  const { x, dy, dw, g, k } = args;
  const z = checkConvWeightGrad('convWeightGrad', args);
  const N = g.batch, positions = z.columns / N;
  if (z.columns === 0) {
    ctx.fn('fill')(ctx.out(dw, k * z.rows), k * z.rows, 0, 0, 1);
    return;
  }
  const tile = convTile(g), tiles = Math.ceil(positions / tile);
  const { perGroup, groups } = chunkGroups(tiles);
  const partialBytes = align64(groups * k * z.rows * 4);
  const stride = align64(z.rows * tile * N * 4) + ctx.fn('sgemmScratchBytes')(k, z.rows, tile * N);
  const nparts = Math.min(groups, ctx.parts((k * z.rows * z.columns) / 20));
  const px = ctx.ptr(x), pdy = ctx.ptr(dy), pdw = ctx.out(dw, k * z.rows);
  const gb = geometryBlock(ctx, g, partialBytes + stride * ctx.slots(nparts) + 128);
  const partials = align64(gb + GEOMETRY_BYTES), work = partials + partialBytes;
  ctx.call('convWeightGradPart', nparts, [px, pdy, partials, gb, k, tile, perGroup, work, stride]);
  ctx.call('gemmSumChunks', ctx.parts((k * z.rows * groups) / 2), [k, z.rows, groups, partials, pdw, z.rows, 1, 0]);
};
