// Inference convolution fused with its per-channel affine and Rectlin, tiled over output positions
// so each tile's im2col columns stay in cache (L2) between being written and being packed by the
// GEMM, and the full column matrix is never allocated:
//   for each tile of positions [p0, p1):  cols = im2col(x)[:, p0·N : p1·N]   (rows × tile, in scratch)
//                                        y[:, p0·N : p1·N] = W · cols        (sgemm with ldc = P·N)
//                                        y = act(scale ⊙ y + shift)          (per output channel)
// Threads take whole tiles; a tile's arithmetic does not depend on which thread runs it or how many
// there are, so results are bit-identical for any thread count. The tile size comes from the host
// (a function of the shapes only). 1×1 stride-1 unpadded windows read x directly (ldb = P·N).
// Geometry block `g`: the 20 i32 of assembly/im2col.ts.
import { sgemm } from './gemm';
import { partStart } from './parts';
import { rectlin1, rectlin4 } from './simd-math';
import { copyF32, endValid, firstValid, gi } from './window-util';

/** cols[q, (p − p0)·N + n] = im2col(x)[q, p·N + n] for positions p in [p0, p1); ld = (p1 − p0)·N. */
export function im2colTile(x: usize, cols: usize, g: usize, p0: i32, p1: i32): void {
  const C = gi(g, 0), N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const sd = gi(g, 8), sh = gi(g, 9), sw = gi(g, 10);
  const pd = gi(g, 11), ph = gi(g, 12), pw = gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const OH = gi(g, 18), OW = gi(g, 19);
  const nb = <usize>N << 2;
  const rowBytes = <usize>(p1 - p0) * nb;
  const rows = C * T * R * S;
  for (let q = 0; q < rows; q++) {
    const c = q / (T * R * S), t = (q / (R * S)) % T, r = (q / S) % R, s = q % S;
    const base = s * dw - pw;
    // Valid output columns ow ∈ [lo, hi): ow·sw + base inside [0, W).
    const lo = firstValid(base, sw, OW);
    const hi = endValid(base, sw, W, OW, lo);
    const rowStart = cols + <usize>q * rowBytes;
    let p = p0;
    while (p < p1) {
      const od = p / (OH * OW), rem = p % (OH * OW);
      const oh = rem / OW, ow0 = rem % OW;
      const ow1 = min(OW, ow0 + (p1 - p));
      const dst = rowStart + <usize>(p - p0) * nb;
      const id = od * sd - pd + t * dd, ih = oh * sh - ph + r * dh;
      const a = max(ow0, lo), b = min(ow1, hi);
      if (id < 0 || id >= D || ih < 0 || ih >= H || b <= a) {
        memory.fill(dst, 0, <usize>(ow1 - ow0) * nb);
      } else {
        if (a > ow0) memory.fill(dst, 0, <usize>(a - ow0) * nb);
        const src = x + <usize>(((c * D + id) * H + ih) * W) * nb;
        const out = dst + <usize>(a - ow0) * nb;
        if (sw == 1) {
          copyF32(out, src + <usize>(a + base) * nb, (b - a) * N);
        } else {
          for (let ow = a; ow < b; ow++) copyF32(out + <usize>(ow - a) * nb, src + <usize>(ow * sw + base) * nb, N);
        }
        if (ow1 > b) memory.fill(dst + <usize>(b - ow0) * nb, 0, <usize>(ow1 - b) * nb);
      }
      p += ow1 - ow0;
    }
  }
}

/** y[k, 0:n] = act(scale[k]·y + shift[k]) for K rows of stride ldy; scale/shift 0 = absent. The
 *  affine is one multiply then one add (as batchNormInfer's folded form), Rectlin as the rectlin
 *  kernel: max(v, 0) + slope·min(v, 0). */
function epilogue(y: usize, ldyBytes: usize, K: i32, n: i32, scale: usize, shift: usize, act: i32, slope: f32): void {
  const sv = f32x4.splat(slope);
  for (let k = 0; k < K; k++) {
    const row = y + <usize>k * ldyBytes;
    const a: f32 = scale != 0 ? load<f32>(scale + (<usize>k << 2)) : 1;
    const b: f32 = shift != 0 ? load<f32>(shift + (<usize>k << 2)) : 0;
    const av = f32x4.splat(a), bv = f32x4.splat(b);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      let v = v128.load(row + o);
      if (scale != 0) v = f32x4.mul(v, av);
      if (shift != 0) v = f32x4.add(v, bv);
      if (act != 0) v = rectlin4(v, sv);
      v128.store(row + o, v);
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let v = load<f32>(row + o);
      if (scale != 0) v = v * a;
      if (shift != 0) v = v + b;
      if (act != 0) v = rectlin1(v, slope);
      store<f32>(row + o, v);
    }
  }
}

/** Part `part` of the fused inference convolution: tiles of `tile` positions, this part's share of
 *  them. `work + thread·workStride` is this thread's scratch: the tile's columns (none when
 *  pointwise ≠ 0), then sgemm's packing space (convForwardScratchBytes). */
export function convForwardPart(
  x: usize, w: usize, y: usize, g: usize, K: i32, pointwise: i32, tile: i32,
  scale: usize, shift: usize, act: i32, slope: f32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const rows = C * gi(g, 5) * gi(g, 6) * gi(g, 7);
  const P = gi(g, 17) * gi(g, 18) * gi(g, 19);
  const ldy = P * N;
  const tiles = (P + tile - 1) / tile;
  const t0 = partStart(tiles, part, nparts, 1), t1 = partStart(tiles, part + 1, nparts, 1);
  const base = work + <usize>max(thread, 0) * <usize>workStride;
  const colBytes: usize = pointwise != 0 ? 0 : (<usize>rows * <usize>tile * <usize>N * 4 + 63) & ~(<usize>63);
  for (let t = t0; t < t1; t++) {
    const p0 = t * tile, p1 = min(P, p0 + tile);
    const n = (p1 - p0) * N;
    const yTile = y + (<usize>p0 * <usize>N << 2);
    if (pointwise != 0) {
      sgemm(K, n, rows, w, rows, 0, x + (<usize>p0 * <usize>N << 2), ldy, 0, yTile, ldy, 1, 0, base);
    } else {
      im2colTile(x, base, g, p0, p1);
      sgemm(K, n, rows, w, rows, 0, base, n, 0, yTile, ldy, 1, 0, base + colBytes);
    }
    if (scale != 0 || shift != 0 || act != 0) epilogue(yTile, <usize>ldy << 2, K, n, scale, shift, act, slope);
  }
}

/** The epilogue alone over rows [partStart(K), partStart(K, part + 1)) of y (K rows of n values, row
 *  stride ldy): for convolutions whose output positions are too few to tile (the glue then runs
 *  im2col and sgemmPart over the whole column matrix first). */
export function convEpiloguePart(
  y: usize, ldy: i32, K: i32, n: i32, scale: usize, shift: usize, act: i32, slope: f32, part: i32, nparts: i32,
): void {
  const k0 = partStart(K, part, nparts, 1), k1 = partStart(K, part + 1, nparts, 1);
  if (k1 <= k0) return;
  const off = <usize>k0 << 2;
  epilogue(y + <usize>k0 * (<usize>ldy << 2), <usize>ldy << 2, k1 - k0, n, scale != 0 ? scale + off : 0, shift != 0 ? shift + off : 0, act, slope);
}
