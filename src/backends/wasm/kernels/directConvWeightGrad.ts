// directConvWeightGrad glue (assembly/conv-direct.ts): a zero N-vector for padded taps, threads over
// fixed groups of position chunks whose partial sums are then added in order, so every thread count
// gives the same bits.
import type { WindowGeometry } from '../../../kernels.ts';
import { directEligible } from '../../../shape.ts';
import type { WasmContext, WasmKernel } from '../context.ts';
import { chunkGroups, GEOMETRY_BYTES, geometryBlock } from './common.ts';
import { checkConvWeightGrad } from './conv-checks.ts';
import { align64 } from './convForward.ts';

/** Bytes of dy a weight-gradient chunk of positions keeps in cache (K × positions × N floats). */
const CHUNK_BYTES = 256 * 1024;

/** Geometry block, then the zero N-vector, then `extra` bytes; returns their offsets. */
function layout(ctx: WasmContext, g: WindowGeometry, extra: number): { gb: number; zero: number; rest: number } {
  const zeroBytes = align64(g.batch * 4);
  const gb = geometryBlock(ctx, g, zeroBytes + extra + 128);
  const zero = align64(gb + GEOMETRY_BYTES);
  ctx.f32().fill(0, zero >>> 2, (zero + zeroBytes) >>> 2);
  return { gb, zero, rest: zero + zeroBytes };
}

export const directConvWeightGrad: WasmKernel<'directConvWeightGrad'> = (ctx, args) => {
  const { x, dy, dw, g, k } = args;
  if (!directEligible(g)) throw new Error(`wasm directConvWeightGrad: needs a batch divisible by 4, got ${g.batch}`);
  const z = checkConvWeightGrad('directConvWeightGrad', args), taps = z.rows;
  if (z.columns === 0) {
    ctx.fn('fill')(ctx.out(dw, k * taps), k * taps, 0, 0, 1);
    return;
  }
  const px = ctx.ptr(x), pdy = ctx.ptr(dy), pdw = ctx.out(dw, k * taps);
  const positions = z.columns / g.batch;
  const PC = Math.min(positions, Math.max(1, Math.floor(CHUNK_BYTES / (k * g.batch * 4))));
  const chunks = Math.ceil(positions / PC);
  const { perGroup, groups } = chunkGroups(chunks);
  const partialBytes = align64(groups * k * taps * 4), stride = align64(PC * taps * 4);
  const nparts = Math.min(groups, ctx.parts((k * taps * z.columns) / 20));
  const { gb, zero, rest } = layout(ctx, g, partialBytes + stride * ctx.slots(nparts));
  ctx.call('directConvWeightGradPart', nparts, [gb, px, pdy, rest, k, zero, PC, perGroup, rest + partialBytes, stride]);
  ctx.call('gemmSumChunks', ctx.parts((k * taps * groups) / 2), [k, taps, groups, rest, pdw, taps, 1, 0]);
};
