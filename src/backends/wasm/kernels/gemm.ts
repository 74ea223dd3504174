// gemm glue: one call into assembly/gemm.ts. The wasm side packs op(A) and op(B) into the scratch
// region, so the transposes cost nothing here; leading dimensions follow from row-major storage.
// Threads split the wider of m and n (sgemmPart); each thread packs into its own scratch slot.
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

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
