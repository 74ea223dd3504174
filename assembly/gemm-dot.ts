// C (m×n) = A·Bᵀ (+ C) with both A (m×depth) and B (n×depth) row-major along the depth: every
// entry is a dot product of two contiguous rows, so nothing is packed. The Winograd weight gradient
// (winograd-conv.ts) sums Z(ξν)·V(ξν)ᵀ over columns its transforms write row-major; where there are
// few filters or channels (CNN-2's 2-filter last layer, a 3-channel first layer) sgemm's 4×8
// register block would be mostly padding, this 2×4 block much less. It keeps 8 accumulators of 4
// depth lanes each, 2 + 4 row loads per 4 steps of depth (as many multiplies per load as sgemm's
// micro-kernel, 14 of V8's 15 xmm registers), and sums the lanes once at the end of the rows (on
// fully used blocks sgemm measured as fast or faster: winogradWeightGrad.ts dotWins). Every entry's
// arithmetic depends on the depth alone, whatever the blocking of m and n, so results do not
// depend on how callers split them.
import { madd } from './simd-math';

/** (Σ a0, Σ a1, Σ a2, Σ a3): the lane sums of four accumulators, in lane order 0 + 2, 1 + 3. */
// @ts-ignore: decorator
@inline function laneSums(a0: v128, a1: v128, a2: v128, a3: v128): v128 {
  const x = f32x4.add(f32x4.shuffle(a0, a1, 0, 1, 4, 5), f32x4.shuffle(a0, a1, 2, 3, 6, 7));
  const y = f32x4.add(f32x4.shuffle(a2, a3, 0, 1, 4, 5), f32x4.shuffle(a2, a3, 2, 3, 6, 7));
  return f32x4.add(f32x4.shuffle(x, y, 0, 2, 4, 6), f32x4.shuffle(x, y, 1, 3, 5, 7));
}

/** Depth values d ≥ depth4 (the last depth % 4) of a row, as lanes of a vector (0 past the row). */
// @ts-ignore: decorator
@inline function tail(row: usize, rest: i32): v128 {
  let v = f32x4.splat(0);
  if (rest > 0) v = f32x4.replace_lane(v, 0, load<f32>(row));
  if (rest > 1) v = f32x4.replace_lane(v, 1, load<f32>(row, 4));
  if (rest > 2) v = f32x4.replace_lane(v, 2, load<f32>(row, 8));
  return v;
}

/** Stores (or adds, when accumulate) `count` ≤ 4 lanes of v at c. */
// @ts-ignore: decorator
@inline function put(c: usize, v: v128, count: i32, accumulate: bool): void {
  if (count == 4) {
    v128.store(c, accumulate ? f32x4.add(v128.load(c), v) : v);
    return;
  }
  for (let l = 0; l < count; l++) {
    const q = c + (<usize>l << 2);
    const x = f32x4.extract_lane(v, 0);
    store<f32>(q, accumulate ? load<f32>(q) + x : x);
    v = f32x4.shuffle(v, v, 1, 2, 3, 0);
  }
}

/** Rows a0, a1 of A against rows b0..b3 of B (rows past the valid ones repeat a valid row and are
 *  not stored): 2 × count entries at c0 and c1. */
// @ts-ignore: decorator
@inline function block(
  a0: usize, a1: usize, b0: usize, b1: usize, b2: usize, b3: usize, depth: i32,
  c0: usize, c1: usize, rows: i32, count: i32, accumulate: bool,
): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  const depth4 = depth & ~3;
  const end = a0 + (<usize>depth4 << 2);
  let o: usize = 0;
  // Counting a pointer to its end, as gemm-micro.ts: V8 adds a stack check to every iteration.
  while (a0 + o < end) {
    const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
    let y = v128.load(b0 + o);
    s00 = madd(x0, y, s00); s10 = madd(x1, y, s10);
    y = v128.load(b1 + o);
    s01 = madd(x0, y, s01); s11 = madd(x1, y, s11);
    y = v128.load(b2 + o);
    s02 = madd(x0, y, s02); s12 = madd(x1, y, s12);
    y = v128.load(b3 + o);
    s03 = madd(x0, y, s03); s13 = madd(x1, y, s13);
    o += 16;
  }
  const rest = depth - depth4;
  if (rest > 0) {
    const x0 = tail(a0 + o, rest), x1 = tail(a1 + o, rest);
    let y = tail(b0 + o, rest);
    s00 = madd(x0, y, s00); s10 = madd(x1, y, s10);
    y = tail(b1 + o, rest);
    s01 = madd(x0, y, s01); s11 = madd(x1, y, s11);
    y = tail(b2 + o, rest);
    s02 = madd(x0, y, s02); s12 = madd(x1, y, s12);
    y = tail(b3 + o, rest);
    s03 = madd(x0, y, s03); s13 = madd(x1, y, s13);
  }
  put(c0, laneSums(s00, s01, s02, s03), count, accumulate);
  if (rows > 1) put(c1, laneSums(s10, s11, s12, s13), count, accumulate);
}

/** C[m×n] (row stride ldc floats) = A·Bᵀ, or C += A·Bᵀ when accumulate ≠ 0; A is m × depth (row
 *  stride lda floats), B n × depth (ldb). */
export function sgemmDotNT(
  m: i32, n: i32, depth: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: i32,
): void {
  const acc = accumulate != 0;
  const la = <usize>lda << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  for (let i = 0; i < m; i += 2) {
    const rows = min(2, m - i);
    const a0 = a + <usize>i * la, a1 = rows > 1 ? a0 + la : a0;
    const c0 = c + <usize>i * lc, c1 = c0 + lc;
    for (let j = 0; j < n; j += 4) {
      const count = min(4, n - j);
      const b0 = b + <usize>j * lb;
      const b1 = count > 1 ? b0 + lb : b0, b2 = count > 2 ? b0 + lb * 2 : b0, b3 = count > 3 ? b0 + lb * 3 : b0;
      const o = <usize>j << 2;
      if (acc) block(a0, a1, b0, b1, b2, b3, depth, c0 + o, c1 + o, rows, count, true);
      else block(a0, a1, b0, b1, b2, b3, depth, c0 + o, c1 + o, rows, count, false);
    }
  }
}
