// The weight gradient of a convolution with few taps per filter (C·T·R·S: a network's first layers,
// such as CNN-1's 3-channel and MNIST's 1-channel 3×3 convolutions), computed directly: no column
// matrix, no packing pass. The batch is innermost, so one tap of one output position is N contiguous
// floats: dw[k, q] = Σ over positions p and images n of dy[k, p, n]·x(p, q)[n], 4 filters × 2 taps
// at a time with 4 images in the lanes, x read through a list of each position's tap addresses (a
// padded tap points at zeros). For such layers the tiled im2col path spends more on copying and
// packing the columns than on the products (bench: algos). Needs a batch divisible by 4.
// Geometry block `g`: the 20 i32 of assembly/im2col.ts. Taps run in the weights' order
// q = ((c·T + t)·R + r)·S + s, so dw[k, q] is the weight gradient as stored.
import { partStart } from './parts';
import { madd } from './simd-math';
import { gi } from './window-util';


/** list[q] = the address of tap q's N-vector for output position p, or `zero` where the tap falls
 *  in the padding. */
function tapList(x: usize, g: usize, p: i32, zero: usize, list: usize): void {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4), C = gi(g, 0);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const OH = gi(g, 18), OW = gi(g, 19);
  const od = p / (OH * OW), oh = (p / OW) % OH, ow = p % OW;
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const nb = <usize>N << 2;
  let q: usize = list;
  for (let c = 0; c < C; c++) {
    for (let t = 0; t < T; t++) {
      const id = d0 + t * dd;
      for (let r = 0; r < R; r++) {
        const ih = h0 + r * dh;
        const rowOk = id >= 0 && id < D && ih >= 0 && ih < H;
        const row = x + <usize>(((c * D + id) * H + ih) * W) * nb;
        for (let s = 0; s < S; s++) {
          const iw = w0 + s * dw;
          store<u32>(q, rowOk && iw >= 0 && iw < W ? <u32>(row + <usize>iw * nb) : <u32>zero);
          q += 4;
        }
      }
    }
  }
}

/** lanes summed in a fixed order. */
// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Part of the weight gradient: positions in chunks of PC, chunks in fixed groups of perGroup; group
 *  j sums its chunks into partials + j·K·taps·4: dw[k, q] = Σ over positions and images of
 *  dy[k, p, n]·x(p, q)[n], 4 filters × 2 taps at a time with the images in the lanes. Scratch per
 *  thread: the chunk's tap lists (PC × taps × 4 bytes). */
export function directConvWeightGradPart(
  g: usize, x: usize, dy: usize, partials: usize, K: i32, zero: usize, PC: i32, perGroup: i32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const N = gi(g, 1), taps = gi(g, 0) * gi(g, 5) * gi(g, 6) * gi(g, 7);
  const P = gi(g, 17) * gi(g, 18) * gi(g, 19);
  const chunks = (P + PC - 1) / PC, groups = (chunks + perGroup - 1) / perGroup;
  const g0 = partStart(groups, part, nparts, 1), g1 = partStart(groups, part + 1, nparts, 1);
  const lists = work + <usize>max(thread, 0) * <usize>workStride;
  const listBytes = <usize>taps << 2, rowBytes = <usize>P * <usize>N << 2;
  for (let grp = g0; grp < g1; grp++) {
    const out = partials + (<usize>grp * <usize>K * <usize>taps << 2);
    memory.fill(out, 0, <usize>K * <usize>taps << 2);
    const c1 = min(chunks, (grp + 1) * perGroup);
    for (let ch = grp * perGroup; ch < c1; ch++) {
      const pa = ch * PC, pb = min(P, pa + PC);
      for (let p = pa; p < pb; p++) tapList(x, g, p, zero, lists + <usize>(p - pa) * listBytes);
      for (let k = 0; k < K; k += 4) {
        // dy rows of the 4 filters (past K, row k is read again and its sums dropped).
        const r0 = dy + <usize>k * rowBytes, r1 = k + 1 < K ? r0 + rowBytes : r0;
        const r2 = k + 2 < K ? r0 + rowBytes * 2 : r0, r3 = k + 3 < K ? r0 + rowBytes * 3 : r0;
        for (let q = 0; q < taps; q += 2) {
          const two = q + 1 < taps;
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
          for (let p = pa; p < pb; p++) {
            const lp = lists + <usize>(p - pa) * listBytes + (<usize>q << 2);
            // Past the last tap, tap q is read again and its sums dropped.
            const x0 = <usize>load<u32>(lp), x1 = two ? <usize>load<u32>(lp, 4) : x0;
            const at = <usize>p * <usize>N << 2;
            for (let n = 0; n < N; n += 4) {
              const o = <usize>n << 2;
              const u = v128.load(x0 + o), v = v128.load(x1 + o);
              const d0 = v128.load(r0 + at + o), d1 = v128.load(r1 + at + o);
              const d2 = v128.load(r2 + at + o), d3 = v128.load(r3 + at + o);
              a0 = madd(d0, u, a0); a1 = madd(d1, u, a1); a2 = madd(d2, u, a2); a3 = madd(d3, u, a3);
              b0 = madd(d0, v, b0); b1 = madd(d1, v, b1); b2 = madd(d2, v, b2); b3 = madd(d3, v, b3);
            }
          }
          for (let i = 0; i < 4 && k + i < K; i++) {
            const row = out + (<usize>((k + i) * taps + q) << 2);
            const sa = i == 0 ? hsum(a0) : i == 1 ? hsum(a1) : i == 2 ? hsum(a2) : hsum(a3);
            store<f32>(row, load<f32>(row) + sa);
            if (two) {
              const sb = i == 0 ? hsum(b0) : i == 1 ? hsum(b1) : i == 2 ? hsum(b2) : hsum(b3);
              store<f32>(row, load<f32>(row, 4) + sb, 4);
            }
          }
        }
      }
    }
  }
}
