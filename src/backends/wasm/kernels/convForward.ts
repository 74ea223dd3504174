// convForward glue: the fused inference convolution of assembly/conv-forward.ts, tiled over output
// positions. The tile (positions per tile) depends on the shapes alone, never on the thread count,
// so every thread count gives the same bits.
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, geometryBlock, needFloat, windowSizes } from './common.ts';

/** Bytes of im2col columns per tile: small enough to stay in a core's L2 (≥ 1 MiB on current x64
 *  and Arm cores) next to sgemm's packed blocks; measured on CNN-1 and ResNet-18 (bench/). */
export const CONV_TILE_BYTES = 512 * 1024;
/** Fewest columns per tile: narrower GEMMs waste the 8-wide register block's edge work. */
const MIN_TILE_COLUMNS = 64;
/** The thread pool's limit on parts per call (threads.ts MAX_PARTS). */
const MAX_TILE_PARTS = 255;

export const convForward: WasmKernel<'convForward'> = (ctx, { x, w, y, g, k, scale, shift, slope }) => {
  const z = windowSizes(g);
  if (!Number.isInteger(k) || k < 1) throw new Error(`wasm convForward: k must be a positive integer, got ${k}`);
  needFloat('convForward', 'x', x, z.input);
  needFloat('convForward', 'w', w, k * z.rows);
  needFloat('convForward', 'y', y, k * z.columns);
  if (scale) needFloat('convForward', 'scale', scale, k);
  if (shift) needFloat('convForward', 'shift', shift, k);
  const N = g.batch, positions = z.columns / N;
  if (z.columns === 0) return;
  const pointwise = g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);
  const fit = Math.floor(CONV_TILE_BYTES / (z.rows * N * 4));
  const tile = Math.min(positions, Math.max(Math.ceil(MIN_TILE_COLUMNS / N), fit, 1));
  const tiles = Math.ceil(positions / tile);
  const colBytes = pointwise ? 0 : (z.rows * tile * N * 4 + 63) & ~63;
  const stride = colBytes + ctx.fn('sgemmScratchBytes')(k, tile * N, z.rows);
  // About 20 multiply–adds per ns on one thread, as the gemm glue assumes. Worth splitting at all,
  // every tile is a part: threads claim tiles one at a time, so they finish together (a few big
  // parts on 2 threads leave one thread idle for up to a part).
  const nparts = ctx.parts((k * z.rows * z.columns) / 20) > 1 ? Math.min(tiles, MAX_TILE_PARTS) : 1;
  const px = ctx.ptr(x), pw = ctx.ptr(w);
  const ps = scale ? ctx.ptr(scale) : 0, pt = shift ? ctx.ptr(shift) : 0;
  const py = ctx.out(y, k * z.columns);
  const gb = geometryBlock(ctx, g, stride * ctx.slots(nparts) + 64);
  const work = (gb + GEOMETRY_BYTES + 63) & ~63;
  ctx.call('convForwardPart', nparts, [
    px, pw, py, gb, k, pointwise ? 1 : 0, tile, ps, pt, slope === null ? 0 : 1, slope ?? 0, work, stride,
  ]);
};
