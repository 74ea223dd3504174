// convForward glue: the fused inference convolution of assembly/conv-forward.ts. Two ways, chosen
// by shape alone (never by the thread count, so every thread count gives the same bits):
// - tiled (most layers): threads take tiles of output positions, each doing im2col into its own
//   cache-sized buffer, a GEMM and the epilogue (convForwardPart);
// - whole (few output positions, e.g. ResNet's last stages): a tile would be too narrow for the
//   GEMM and every tile would repack all of W, so im2col runs once over all positions, then one
//   GEMM split over the output channels, then the epilogue (im2col, sgemmPart, convEpiloguePart).
import type { WasmContext, WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, geometryBlock, windowSizes } from './common.ts';
import { checkConvForward } from './conv-checks.ts';

/** Bytes of im2col columns per tile: small enough to stay in a core's L2 (≥ 1 MiB on current x64
 *  and Arm cores) next to sgemm's packed blocks; 128 KiB–2 MiB measured on CNN-1 and ResNet-18,
 *  512 KiB best. */
const CONV_TILE_BYTES = 512 * 1024;
/** Fewest columns per tile: narrower GEMMs waste the 8-wide register block's edge work. */
const MIN_TILE_COLUMNS = 64;
/** Tiles narrower than this repack W too often for their work: run whole if it fits... */
const MIN_EFFICIENT_TILE_COLUMNS = 256;
/** ...in this many bytes of columns. */
const MAX_WHOLE_BYTES = 16 * 1024 * 1024;
/** The thread pool's limit on parts per call (threads.ts MAX_PARTS). */
const MAX_TILE_PARTS = 255;

export const align64 = (n: number): number => (n + 63) & ~63;

/** Output positions per tile: CONV_TILE_BYTES of columns, at least MIN_TILE_COLUMNS columns, at
 *  most all positions. A function of the shapes alone (the kernels' results depend on it). */
export function convTile(g: Args['g']): number {
  const z = windowSizes(g), N = g.batch, positions = z.columns / N;
  const fit = Math.floor(CONV_TILE_BYTES / (z.rows * N * 4));
  return Math.min(positions, Math.max(Math.ceil(MIN_TILE_COLUMNS / N), fit, 1));
}

/** The forward pass cuts a layer into at least this many tiles where MIN_TILE_COLUMNS allows, so
 *  that threads share it: ResNet's strided 1×1 shortcuts fit one tile and ran on one thread (at
 *  64 px, batch 32: 0.9 → 0.5 ms each on 2 threads, measured). */
const MIN_FORWARD_TILES = 8;

/** convTile, narrowed to make MIN_FORWARD_TILES tiles where it can. */
function forwardTile(g: Args['g']): number {
  const N = g.batch, positions = windowSizes(g).columns / N;
  return Math.min(convTile(g), Math.max(Math.ceil(MIN_TILE_COLUMNS / N), Math.ceil(positions / MIN_FORWARD_TILES)));
}

export const convForward: WasmKernel<'convForward'> = (ctx, args) => {
  const z = checkConvForward('convForward', args), g = args.g;
  if (z.columns === 0) return;
  const N = g.batch, positions = z.columns / N;
  const tile = forwardTile(g);
  const whole = tile < positions && tile * N < MIN_EFFICIENT_TILE_COLUMNS && z.rows * z.columns * 4 <= MAX_WHOLE_BYTES;
  if (whole) runWhole(ctx, args);
  else runTiled(ctx, args, tile);
};

type Args = Parameters<WasmKernel<'convForward'>>[1];

const isPointwise = (g: Args['g']): boolean =>
  g.window.every((v) => v === 1) && g.stride.every((v) => v === 1) && g.pad.every((v) => v === 0);

/** Common pointers: x, w, scale, shift (0 = absent), y (fully overwritten). */
function pointers(ctx: WasmContext, { x, w, y, k, scale, shift, g }: Args): number[] {
  const columns = windowSizes(g).columns;
  return [ctx.ptr(x), ctx.ptr(w), scale ? ctx.ptr(scale) : 0, shift ? ctx.ptr(shift) : 0, ctx.out(y, k * columns)];
}

function runTiled(ctx: WasmContext, args: Args, tile: number): void {
  const { g, k, slope } = args;
  const z = windowSizes(g), N = g.batch;
  const tiles = Math.ceil(z.columns / N / tile);
  const pointwise = isPointwise(g);
  const colBytes = pointwise ? 0 : align64(z.rows * tile * N * 4);
  const stride = colBytes + ctx.fn('sgemmScratchBytes')(k, tile * N, z.rows);
  // About 20 multiply–adds per ns on one thread, as the gemm glue assumes. Worth splitting at all,
  // every tile is a part: threads claim tiles one at a time, so they finish together (a few big
  // parts on 2 threads leave one thread idle for up to a part).
  const nparts = ctx.parts((k * z.rows * z.columns) / 20) > 1 ? Math.min(tiles, MAX_TILE_PARTS) : 1;
  const [px, pw, ps, pt, py] = pointers(ctx, args);
  const gb = geometryBlock(ctx, g, stride * ctx.slots(nparts) + 64);
  const work = align64(gb + GEOMETRY_BYTES);
  ctx.call('convForwardPart', nparts, [
    px, pw, py, gb, k, pointwise ? 1 : 0, tile, ps, pt, slope === null ? 0 : 1, slope ?? 0, work, stride,
  ]);
}

function runWhole(ctx: WasmContext, args: Args): void {
  const { g, k, slope } = args;
  const z = windowSizes(g), n = z.columns;
  const pointwise = isPointwise(g);
  const colBytes = pointwise ? 0 : align64(z.rows * n * 4);
  const work = (k * z.rows * n) / 20;
  const nparts = ctx.parts(work);
  const stride = ctx.fn('sgemmScratchBytes')(k, n, z.rows);
  const [px, pw, ps, pt, py] = pointers(ctx, args);
  const gb = geometryBlock(ctx, g, colBytes + stride * ctx.slots(nparts) + 128);
  const cols = pointwise ? px : align64(gb + GEOMETRY_BYTES);
  const gemmWork = align64(gb + GEOMETRY_BYTES) + colBytes;
  if (!pointwise) ctx.call('im2col', ctx.parts((z.rows * n) / 2), [px, cols, gb]);
  ctx.call('sgemmPart', nparts, [k, n, z.rows, pw, z.rows, 0, cols, n, 0, py, n, 1, 0, gemmWork, stride]);
  if (ps !== 0 || pt !== 0 || slope !== null) {
    ctx.call('convEpiloguePart', ctx.parts((k * n) / 2), [py, n, k, n, ps, pt, slope === null ? 0 : 1, slope ?? 0]);
  }
}
