// gemm glue: one call into assembly/gemm.ts. The wasm side packs op(A) and op(B) into the scratch
// region, so the transposes cost nothing here; leading dimensions follow from row-major storage.
// Threads split the wider of m and n (sgemmPart); each thread packs into its own scratch slot. A
// small C over a very long k (a thin layer's weight gradient) is split over k instead (splitK).
import type { WasmContext, WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

/** k per chunk when k is split (assembly/gemm-ksplit.ts): a function of nothing but constants, so
 *  the chunking, and with it every result bit, is the same for any thread count. */
const K_CHUNK = 16384;
/** Split k only for C this small (m·n values; partial products cost chunks·m·n floats)… */
const MAX_SPLIT_MN = 32768;
/** …and k this long (in chunks): then m and n are too small to keep the threads busy. */
const MIN_SPLIT_CHUNKS = 8;

interface SplitArgs { m: number; n: number; k: number; pa: number; pb: number; pc: number; transA: boolean; transB: boolean; alpha: number; beta: number }

/** C = alpha·Σ over k chunks of the chunk products + beta·C: products in parallel, then the sum. */
function splitK(ctx: WasmContext, { m, n, k, pa, pb, pc, transA, transB, alpha, beta }: SplitArgs): void {
  const chunks = Math.ceil(k / K_CHUNK);
  const partialBytes = (chunks * m * n * 4 + 63) & ~63;
  const stride = ctx.fn('sgemmScratchBytes')(m, n, K_CHUNK);
  const nparts = Math.min(chunks, ctx.parts((m * n * k) / 20));
  const partials = ctx.scratch(partialBytes + stride * ctx.slots(nparts));
  ctx.call('sgemmChunksPart', nparts, [
    m, n, k, pa, transA ? m : k, transA ? 1 : 0, pb, transB ? k : n, transB ? 1 : 0, partials, K_CHUNK, partials + partialBytes, stride,
  ]);
  ctx.call('gemmSumChunks', ctx.parts((m * n * chunks) / 2), [m, n, chunks, partials, pc, n, alpha, beta]);
}

// sgemm's blocking (assembly/gemm.ts, gemm-pack.ts), for sgemmScratchBytes.
const MR = 4, NR = 8, KC = 384, MC = 128, NC = 512;
const up = (v: number, to: number): number => Math.ceil(v / to) * to;
const align64 = (v: number): number => (v + 63) & ~63;

/** The wasm export of the same name, in TS for estimates made without a module (summary()): the
 *  packed A block, the packed B block and the staging tile. test/wasm-gemm.test.ts holds the two equal. */
export function sgemmScratchBytes(m: number, n: number, k: number): number {
  return align64(up(Math.min(m, MC), MR) * Math.min(k, KC) * 4) + align64(up(Math.min(n, NC), NR) * Math.min(k, KC) * 4) + MR * NR * 4;
}

function needDim(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw new Error(`wasm gemm: ${what} must be a non-negative integer, got ${v}`);
}

export const gemm: WasmKernel<'gemm'> = (ctx, { a, b, c, m, n, k, transA, transB, alpha, beta }) => {
  needDim('m', m);
  needDim('n', n);
  needDim('k', k);
  needFloat('gemm', 'a', a, m * k);
  needFloat('gemm', 'b', b, k * n);
  needFloat('gemm', 'c', c, m * n);
  if (m === 0 || n === 0) return;
  const pa = ctx.ptr(a), pb = ctx.ptr(b), pc = beta === 0 ? ctx.out(c, m * n) : ctx.ptr(c);
  if (k >= MIN_SPLIT_CHUNKS * K_CHUNK && m * n <= MAX_SPLIT_MN) {
    splitK(ctx, { m, n, k, pa, pb, pc, transA, transB, alpha, beta });
    return;
  }
  // About 20 multiply–adds per ns on one thread (40 GFLOP/s).
  const nparts = ctx.parts((m * n * k) / 20);
  const stride = ctx.fn('sgemmScratchBytes')(m, n, k);
  const work = ctx.scratch(stride * ctx.slots(nparts));
  ctx.call('sgemmPart', nparts, [
    m, n, k,
    pa, transA ? m : k, transA ? 1 : 0,
    pb, transB ? k : n, transB ? 1 : 0,
    pc, n,
    alpha, beta, work, stride,
  ]);
};
