// winogradWeightGrad glue: dw = Gᵀ·[Σ over tiles and images of Z ⊙ V]·G with Z = A·dy·Aᵀ and
// V = Bᵀ·x·B (assembly/winograd-conv.ts). Two ways, chosen by the shapes alone, since they sum in
// different orders (each is bit-identical for any thread count):
// - whole (the transforms of every column fit in WHOLE_BYTES: ResNet's stages 2–4 at 64 px, batch
//   32): transform every column first, then one sgemm per ξν and filter chunk over all columns;
// - in chunks (many columns: CNN-1, early layers at large batches): each chunk's transforms stay in
//   cache; chunks are summed in fixed groups, each into its own partial, then the partials in order.
import type { WindowGeometry } from '../../../kernels.ts';
import type { WasmKernel } from '../context.ts';
import { chunkGroups, MAX_WEIGHT_GRAD_GROUPS } from './common.ts';
import { checkConvWeightGrad } from './conv-checks.ts';
import { align64 } from './convForward.ts';
import { sgemmScratchBytes } from './gemm.ts';
import { checkWinograd, forwardConv, winoBlockBytes, winoTiles, writeWinoBlock, XI, xiStride } from './winograd-common.ts';

/** Bytes of one chunk's V and Z (16 × (C + K) × columns floats). The chunk's columns are the
 *  reduction of its 16 GEMMs, and short ones cost more (the micro-kernel's 4×8 block is loaded and
 *  stored once per call): 2 MiB measured best on CNN-1's and CNN-2's layers (0.5–4 MiB tried),
 *  though it leaves a core's L2 for the L3. */
const CHUNK_BYTES = 2 * 1024 * 1024;
/** The whole way when every column's V and Z fit in this. At 16 MiB ResNet-18's first stage (16 MiB
 *  of transforms at batch 32) took it and spent about 30 % longer in these kernels than in chunks
 *  (the transforms went out to memory and back): 47 against 36 ms for its four layers in a
 *  1-thread training step (2-vCPU Xeon, 2026-12-07). */
const WHOLE_BYTES = 8 * 1024 * 1024;
/** The bytes the groups' partial sums may take (fewer groups than MAX_WEIGHT_GRAD_GROUPS if need be). */
const MAX_PARTIAL_BYTES = 32 * 1024 * 1024;

/** How a weight gradient with K filters runs (a function of the shapes alone): whole, or in
 *  chunks of JC columns summed in groups; the scratch before the per-thread slots (`shared`) and
 *  each slot's bytes (`stride`). */
interface WeightGradLayout { whole: boolean; JC: number; perGroup: number; groups: number; vs: number; zs: number; zts: number; ztBytes: number; shared: number; stride: number }

function weightGradLayout(C: number, K: number, J: number, block: number): WeightGradLayout {
  if (XI * (C + K) * J * 4 <= WHOLE_BYTES) {
    // The summed products Zt (16/9 of the weights: 16 MiB for a 512 × 512 layer) are read back by
    // winoFilterGradPart 16 matrices at a time, so like every ξν buffer here (xiStride) their
    // matrices are not a multiple of 4 KiB apart, where the 16 streams would share one L1 set
    // (measured: no difference beyond the noise here, unlike the transformed filters' padding).
    const vs = xiStride(C * J * 4), zs = xiStride(K * J * 4), zts = xiStride(K * C * 4);
    return { whole: true, JC: J, perGroup: 1, groups: 1, vs, zs, zts, ztBytes: XI * zts, shared: block + XI * (vs + zs + zts), stride: sgemmScratchBytes(K, C, J) };
  }
  // In chunks Zt is the sum of the groups' partials, one K·C matrix after another (small here).
  const ztBytes = align64(XI * K * C * 4);
  const JC = Math.min(512, Math.max(8, Math.floor(CHUNK_BYTES / (XI * 4 * (C + K)) / 8) * 8));
  const partialsFit = Math.max(1, Math.floor(MAX_PARTIAL_BYTES / (XI * K * C * 4)));
  const { perGroup, groups } = chunkGroups(Math.ceil(J / JC), Math.min(MAX_WEIGHT_GRAD_GROUPS, partialsFit));
  const vs = xiStride(C * JC * 4), zs = xiStride(K * JC * 4);
  return {
    whole: false, JC, perGroup, groups, vs, zs, zts: K * C * 4, ztBytes,
    shared: block + align64(groups * XI * K * C * 4) + ztBytes, stride: XI * (vs + zs) + sgemmScratchBytes(K, C, JC),
  };
}

/** Whether row dot products (assembly/gemm-dot.ts, blocks of 2 filters × 4 channels) sum the
 *  chunks' products with less padding than sgemm's 4 × 8 block, by more than a quarter: CNN-2's
 *  2-filter last layer (2 of 4 rows used, 2 of 2: 30.9–31.9 → 24.9–29.5 ms, 1 thread, batch 128)
 *  or a 3-channel layer (3 of 8 columns, 3 of 4: CNN-1's first layer shape 80 → 44 ms, though the
 *  planner runs that one column-free). Where both fill their blocks sgemm is as fast or faster. */
function dotWins(K: number, C: number): boolean {
  const used = (n: number, block: number): number => n / (Math.ceil(n / block) * block);
  return used(K, 2) * used(C, 4) > 1.25 * used(K, 4) * used(C, 8);
}

/** Scratch bytes of one winogradWeightGrad call with `slots` thread slots, for memory estimates. */
export function winogradWeightGradScratchBytes(g: WindowGeometry, k: number, slots: number): number {
  const tiles = winoTiles(forwardConv(g));
  const l = weightGradLayout(g.channels, k, tiles.columns, winoBlockBytes(tiles));
  return l.shared + l.stride * slots + 64;
}

export const winogradWeightGrad: WasmKernel<'winogradWeightGrad'> = (ctx, args) => {
  const { x, dy, dw, g, k: K } = args;
  checkWinograd('winogradWeightGrad', g);
  const z = checkConvWeightGrad('winogradWeightGrad', args);
  const C = g.channels;
  if (z.columns === 0) {
    ctx.fn('fill')(ctx.out(dw, K * z.rows), K * z.rows, 0, 0, 1);
    return;
  }
  const conv = forwardConv(g), tiles = winoTiles(conv), J = tiles.columns;
  const px = ctx.ptr(x), pdy = ctx.ptr(dy), pdw = ctx.out(dw, K * z.rows);
  const block = winoBlockBytes(tiles);
  const l = weightGradLayout(C, K, J, block);
  const { vs, zs, stride } = l;
  const macs = XI * K * C * J;
  const backParts = ctx.parts((K * C * 16) / 2);
  const nparts = l.whole ? Math.min(XI, ctx.parts(macs / 20)) : Math.min(l.groups, ctx.parts(macs / 20));
  const base = ctx.scratch(l.shared + stride * ctx.slots(nparts) + 64);
  writeWinoBlock(ctx, base, conv, tiles);
  const pZt = base + l.shared - l.ztBytes, work = base + l.shared;
  if (l.whole) {
    const pV = base + block, pZ = pV + XI * vs;
    ctx.call('winoGradTransformPart', ctx.parts((XI * (C + K) * J) / 4), [px, pdy, base, K, pV, vs, pZ, zs]);
    ctx.call('winoGradGemmPart', nparts, [pV, vs, pZ, zs, pZt, l.zts, C, K, J, K, work, stride]);
  } else {
    const partials = base + block;
    ctx.call('winoWeightGradPart', nparts, [px, pdy, base, partials, K, l.JC, l.perGroup, vs, zs, dotWins(K, C) ? 1 : 0, work, stride]);
    ctx.call('gemmSumChunks', ctx.parts((XI * K * C * l.groups) / 2), [XI * K, C, l.groups, partials, pZt, C, 1, 0]);
  }
  ctx.call('winoFilterGradPart', backParts, [pZt, l.zts, K, C, pdw]);
};
