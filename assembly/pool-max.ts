// Max pooling's register path (assembly/pool.ts takes it for every window it fits, the general
// poolWindow for the rest): windows whose valid taps are a full 2-D 3×3 or 2×2 box, four images at
// a time. The same values and argmax as poolWindow's maxInit/maxStep (tested against ref-f64 with
// ties, and mutation-checked); 1.3–1.5× faster on CNN-1's first pool (32 × 64 × 64, batch 128, 1
// thread: 16.3 → 10.6 ms without argmax, 20.1 → 15.5 ms with), which then runs at the memory
// bandwidth the machine gives one thread (about 7 GB/s read here).
import { gi } from './window-util';

/** First valid tap along one axis of a window starting at input coordinate `at` (step d, k taps,
 *  input size n): the valid taps form the range [first, end) (endTap). */
// @ts-ignore: decorator
@inline function firstTap(at: i32, d: i32, k: i32): i32 {
  return at >= 0 ? 0 : min(k, (-at + d - 1) / d);
}

// @ts-ignore: decorator
@inline function endTap(at: i32, d: i32, k: i32, n: i32): i32 {
  return at >= n ? 0 : min(k, (n - 1 - at) / d + 1);
}

/** Max pooling of one window whose valid taps (a box, since each axis clips on its own) are a
 *  full 2-D 3×3 or 2×2 (the course's pools away from the edges), N a multiple of 4: four images at
 *  a time, straight-line over the taps (a loop per group of images costs more than its taps: V8
 *  checks the stack on every iteration) and stored once. The maximum is a chain of pmax in tap
 *  order (pmax(m, v) = m < v ? v : m, one instruction: the strictly-greater rule of maxStep, NaN
 *  included); argmax is then the first tap equal to it, found as the largest of (eq ? B − tap : 0),
 *  which is the tap maxStep would have kept (the running maximum first reaches its final value
 *  there), or the first tap where nothing equals it (a NaN first value). Returns false (nothing
 *  written) for any other window, which then takes poolWindow. */
export function maxWindow(xc: usize, yp: usize, ap: usize, g: usize, od: i32, oh: i32, ow: i32, argmax: bool): bool {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const t0 = firstTap(d0, dd, T), t1 = endTap(d0, dd, T, D);
  const r0 = firstTap(h0, dh, R), r1 = endTap(h0, dh, R, H);
  const s0 = firstTap(w0, dw, S), s1 = endTap(w0, dw, S, W);
  const rows = r1 - r0, cols = s1 - s0;
  if (t1 - t0 != 1 || rows != cols || (rows != 3 && rows != 2)) return false;
  const nb = <usize>N << 2;
  const rs = <usize>(dh * W) * nb, cs = <usize>dw * nb;
  const base = xc + <usize>(((d0 + t0 * dd) * H + h0 + r0 * dh) * W + w0 + s0 * dw) * nb;
  // B − tap for the box's cells (row r0 + i, column s0 + j of slice t0), B above every tap.
  const tap00 = (t0 * R + r0) * S + s0, B = tap00 + 2 * S + 3;
  const e00 = i32x4.splat(B - tap00), e01 = i32x4.splat(B - tap00 - 1), e02 = i32x4.splat(B - tap00 - 2);
  const e10 = i32x4.splat(B - tap00 - S), e11 = i32x4.splat(B - tap00 - S - 1), e12 = i32x4.splat(B - tap00 - S - 2);
  const e20 = i32x4.splat(B - tap00 - 2 * S), e21 = i32x4.splat(B - tap00 - 2 * S - 1), e22 = i32x4.splat(B - tap00 - 2 * S - 2);
  const bv = i32x4.splat(B), first = i32x4.splat(tap00), zero = i32x4.splat(0);
  const three = rows == 3;
  for (let o: usize = 0; o < nb; o += 16) {
    const p = base + o;
    const x00 = v128.load(p), x01 = v128.load(p + cs), x10 = v128.load(p + rs), x11 = v128.load(p + rs + cs);
    const x02 = three ? v128.load(p + 2 * cs) : x00, x12 = three ? v128.load(p + rs + 2 * cs) : x00;
    const x20 = three ? v128.load(p + 2 * rs) : x00, x21 = three ? v128.load(p + 2 * rs + cs) : x00;
    const x22 = three ? v128.load(p + 2 * rs + 2 * cs) : x00;
    let m = f32x4.pmax(x00, x01);
    if (three) m = f32x4.pmax(m, x02);
    m = f32x4.pmax(f32x4.pmax(m, x10), x11);
    if (three) m = f32x4.pmax(f32x4.pmax(f32x4.pmax(f32x4.pmax(m, x12), x20), x21), x22);
    v128.store(yp + o, m);
    if (!argmax) continue;
    let e = i32x4.max_s(v128.and(f32x4.eq(x00, m), e00), v128.and(f32x4.eq(x01, m), e01));
    e = i32x4.max_s(e, i32x4.max_s(v128.and(f32x4.eq(x10, m), e10), v128.and(f32x4.eq(x11, m), e11)));
    if (three) {
      e = i32x4.max_s(e, i32x4.max_s(v128.and(f32x4.eq(x02, m), e02), v128.and(f32x4.eq(x12, m), e12)));
      e = i32x4.max_s(e, i32x4.max_s(v128.and(f32x4.eq(x20, m), e20), v128.and(f32x4.eq(x21, m), e21)));
      e = i32x4.max_s(e, v128.and(f32x4.eq(x22, m), e22));
    }
    v128.store(ap + o, v128.bitselect(first, i32x4.sub(bv, e), i32x4.eq(e, zero)));
  }
  return true;
}
