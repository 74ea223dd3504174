// SGEMM for at most SKINNY_N columns: C[m×n] = alpha·op(A)·op(B) + beta·C where n is tiny — the
// convolutions and Linear layers of a batch-1 inference on the late, small feature maps, where the
// product is a few matrix–vector products. sgemm (gemm.ts) would pack every value of A into panels
// (reading A and writing it once more, for one use) and run its 4×8 register block with at most
// SKINNY_N of the 8 columns valid; here A streams once from where it lies, four rows at a time, with
// one accumulator per column of C.
// Bit-identical to sgemm, so that a column's values never depend on n (a sample's prediction is the
// same in any batch, which ops/conv-plan.ts guarantees for the algorithms): each C entry sums its
// products in the same k order over the same k blocks with the same multiply–add (the product's
// operands swap places, which no rounding sees), and each block is written back as the
// micro-kernel does: alpha·sum, plus beta·C where the block's beta is not 0.
import { madd } from './simd-math';

/** The most columns this path takes: against the packed path on 512 × 4608 (1 thread, the two
 *  builds side by side) 1.8× faster at 1 column and 1.6× at 2, even at 3, slower at 4.
 *  `npm run bench -- gemm`'s 512x·x4608 rows keep 1, 2 and 3 (packed) columns side by side. */
export const SKINNY_N: i32 = 2;

/** op(B)(p, j) splatted: b[p·ldb + j], or b[j·ldb + p] when transB. */
// @ts-ignore: decorator
@inline function bSplat(b: usize, ldbBytes: usize, transB: bool, p: i32, j: i32): v128 {
  return v128.load32_splat(transB ? b + <usize>j * ldbBytes + (<usize>p << 2) : b + <usize>p * ldbBytes + (<usize>j << 2));
}

/** op(A)(i + l, p) in lane l for l < valid, 0 elsewhere. */
// @ts-ignore: decorator
@inline function aColumn(a: usize, ldaBytes: usize, transA: bool, i: i32, p: i32, valid: i32): v128 {
  const step: usize = transA ? 4 : ldaBytes;
  const at = transA ? a + <usize>p * ldaBytes + (<usize>i << 2) : a + <usize>i * ldaBytes + (<usize>p << 2);
  if (valid == 4 && transA) return v128.load(at);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (valid > 1) v = f32x4.replace_lane(v, 1, load<f32>(at + step));
  if (valid > 2) v = f32x4.replace_lane(v, 2, load<f32>(at + step * 2));
  if (valid > 3) v = f32x4.replace_lane(v, 3, load<f32>(at + step * 3));
  return v;
}

/** C[i + l, j] for lanes l < valid of acc: alpha·acc, plus beta·C when beta ≠ 0 (the micro-kernel's
 *  write-back, value for value). */
// @ts-ignore: decorator
@inline function storeColumn(acc: v128, c: usize, ldcBytes: usize, valid: i32, alpha: f32, beta: f32): void {
  storeLane(c, f32x4.extract_lane(acc, 0), alpha, beta);
  if (valid > 1) storeLane(c + ldcBytes, f32x4.extract_lane(acc, 1), alpha, beta);
  if (valid > 2) storeLane(c + ldcBytes * 2, f32x4.extract_lane(acc, 2), alpha, beta);
  if (valid > 3) storeLane(c + ldcBytes * 3, f32x4.extract_lane(acc, 3), alpha, beta);
}

// @ts-ignore: decorator
@inline function storeLane(q: usize, sum: f32, alpha: f32, beta: f32): void {
  const x = alpha * sum;
  store<f32>(q, beta != 0 ? x + beta * load<f32>(q) : x);
}

/** Rows [i, i + valid) of C over the k block [p0, p0 + kc), for a constant column count NC of 1
 *  or 2 (the branches on NC fold away where this is inlined; 3 and 4 columns, measured with two
 *  more accumulators, ran no faster than the packed path). */
// @ts-ignore: decorator
@inline function rowBlock(
  NC: i32, a: usize, ldaBytes: usize, transA: bool, i: i32, valid: i32,
  b: usize, ldbBytes: usize, transB: bool, p0: i32, kc: i32, c: usize, ldcBytes: usize, alpha: f32, beta: f32,
): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  const p1 = p0 + kc;
  let p = p0;
  if (valid == 4 && !transA) {
    // Four rows of A along p, transposed 4×4 in registers: column t holds op(A)(i..i+3, p + t).
    const row = a + <usize>i * ldaBytes;
    for (; p + 4 <= p1; p += 4) {
      const q = row + (<usize>p << 2);
      const r0 = v128.load(q), r1 = v128.load(q + ldaBytes), r2 = v128.load(q + ldaBytes * 2), r3 = v128.load(q + ldaBytes * 3);
      const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
      const a0 = f32x4.shuffle(t0, t2, 0, 1, 4, 5), a1 = f32x4.shuffle(t0, t2, 2, 3, 6, 7);
      const a2 = f32x4.shuffle(t1, t3, 0, 1, 4, 5), a3 = f32x4.shuffle(t1, t3, 2, 3, 6, 7);
      s0 = madd(a0, bSplat(b, ldbBytes, transB, p, 0), s0);
      if (NC > 1) s1 = madd(a0, bSplat(b, ldbBytes, transB, p, 1), s1);
      s0 = madd(a1, bSplat(b, ldbBytes, transB, p + 1, 0), s0);
      if (NC > 1) s1 = madd(a1, bSplat(b, ldbBytes, transB, p + 1, 1), s1);
      s0 = madd(a2, bSplat(b, ldbBytes, transB, p + 2, 0), s0);
      if (NC > 1) s1 = madd(a2, bSplat(b, ldbBytes, transB, p + 2, 1), s1);
      s0 = madd(a3, bSplat(b, ldbBytes, transB, p + 3, 0), s0);
      if (NC > 1) s1 = madd(a3, bSplat(b, ldbBytes, transB, p + 3, 1), s1);
    }
  }
  for (; p < p1; p++) {
    const av = aColumn(a, ldaBytes, transA, i, p, valid);
    s0 = madd(av, bSplat(b, ldbBytes, transB, p, 0), s0);
    if (NC > 1) s1 = madd(av, bSplat(b, ldbBytes, transB, p, 1), s1);
  }
  const ci = c + <usize>i * ldcBytes;
  storeColumn(s0, ci, ldcBytes, valid, alpha, beta);
  if (NC > 1) storeColumn(s1, ci + 4, ldcBytes, valid, alpha, beta);
}

/** sgemm's product for 1 ≤ n ≤ SKINNY_N and k ≥ 1, over sgemm's k blocks of kcStep. */
export function sgemmSkinny(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: bool,
  b: usize, ldb: i32, transB: bool,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, kcStep: i32,
): void {
  const ldaBytes = <usize>lda << 2, ldbBytes = <usize>ldb << 2, ldcBytes = <usize>ldc << 2;
  for (let i = 0; i < m; i += 4) {
    const valid = min(4, m - i);
    // The k blocks innermost: the four rows of A stream once, and C's rows stay in L1 between blocks.
    for (let p0 = 0; p0 < k; p0 += kcStep) {
      const kc = min(kcStep, k - p0);
      const betaBlock: f32 = p0 == 0 ? beta : 1;
      if (n == 1) rowBlock(1, a, ldaBytes, transA, i, valid, b, ldbBytes, transB, p0, kc, c, ldcBytes, alpha, betaBlock);
      else rowBlock(2, a, ldaBytes, transA, i, valid, b, ldbBytes, transB, p0, kc, c, ldcBytes, alpha, betaBlock);
    }
  }
}
