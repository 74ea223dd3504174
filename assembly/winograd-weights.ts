// Winograd F(2×2, 3×3) transforms on the filter side (winograd-transform.ts has the matrices and
// the geometry block): U = G·g·Gᵀ of every 3×3 filter into A panels for the transformed-domain
// GEMMs, and for the weight gradient the output-gradient transform Z = A·dy·Aᵀ and the way back,
// dg = Gᵀ·Z·G. Filters w are [K, C, 3, 3]. Vectors run over 4 filters at a time.
import { partStart } from './parts';
import { gi } from './window-util';

// @ts-ignore: decorator
@inline function half(v: v128): v128 {
  return f32x4.mul(v, f32x4.splat(0.5));
}

/** Lane l of the result: w at a + l·step (bytes) when l < valid, else 0. */
// @ts-ignore: decorator
@inline function gather(a: usize, step: usize, valid: i32): v128 {
  let v = f32x4.splat(0);
  if (valid > 0) v = f32x4.replace_lane(v, 0, load<f32>(a));
  if (valid > 1) v = f32x4.replace_lane(v, 1, load<f32>(a + step));
  if (valid > 2) v = f32x4.replace_lane(v, 2, load<f32>(a + step * 2));
  if (valid > 3) v = f32x4.replace_lane(v, 3, load<f32>(a + step * 3));
  return v;
}

/** The row (a, b, c) → (a, ½(a + b + c), ½(a − b + c), c) of G, stored at dst + {0, 1, 2, 3}·xs. */
// @ts-ignore: decorator
@inline function gRow(a: v128, b: v128, c: v128, dst: usize, xs: usize): void {
  v128.store(dst, a);
  v128.store(dst + xs, half(f32x4.add(f32x4.add(a, b), c)));
  v128.store(dst + xs * 2, half(f32x4.add(f32x4.sub(a, b), c)));
  v128.store(dst + xs * 3, c);
}

/** U(ξν) = G·g·Gᵀ into A panels of 4 rows: value (ξν, r, col) at
 *  U + ξν·us + ((r/4·cols + col)·4 + r%4)·4, rows past the last 0 (us ≥ ceil(rows/4)·cols·16 bytes:
 *  the host pads it past a multiple of 4 KiB, since the 16 stores of a filter group would
 *  otherwise fall in one L1 set). flip = 0 (forward): rows = K, cols = C, g = w[r, col]. flip ≠ 0
 *  (input gradient): rows = C, cols = K, g = w[col, r] rotated by 180°. Parts split the row panels. */
export function winoFilterPart(w: usize, K: i32, C: i32, flip: i32, U: usize, us: usize, part: i32, nparts: i32): void {
  const RP = ((flip != 0 ? C : K) + 3) >> 2, cols = flip != 0 ? K : C;
  const p0 = partStart(RP, part, nparts, 1), p1 = partStart(RP, part + 1, nparts, 1);
  winoFilterPanels(w, K, C, flip, U + (<usize>p0 * <usize>cols << 4), us, p0, p1);
}

/** Row panels [p0, p1) of U (as winoFilterPart) into dst (ξν matrices xs bytes apart), panel p at
 *  position p − p0: a chunk of filters transformed right before its products use it
 *  (winoForwardPart), so they are read back from cache instead of memory. */
export function winoFilterPanels(w: usize, K: i32, C: i32, flip: i32, dst: usize, xs: usize, p0: i32, p1: i32): void {
  const rows = flip != 0 ? C : K, cols = flip != 0 ? K : C;
  // Between the 4 lanes: the next filter (forward) or the next input channel (flipped).
  const laneStep: usize = flip != 0 ? 36 : <usize>C * 36;
  for (let rp = p0; rp < p1; rp++) {
    const valid = min(4, rows - (rp << 2));
    for (let col = 0; col < cols; col++) {
      const first: usize = flip != 0 ? <usize>(col * C + (rp << 2)) * 36 : <usize>((rp << 2) * C + col) * 36;
      const a = w + first;
      // g[r][s] at tap r·3 + s, rotated when flipped.
      const g0 = gather(a + <usize>(flip != 0 ? 32 : 0), laneStep, valid), g1 = gather(a + <usize>(flip != 0 ? 28 : 4), laneStep, valid);
      const g2 = gather(a + <usize>(flip != 0 ? 24 : 8), laneStep, valid), g3 = gather(a + <usize>(flip != 0 ? 20 : 12), laneStep, valid);
      const g4 = gather(a + 16, laneStep, valid), g5 = gather(a + <usize>(flip != 0 ? 12 : 20), laneStep, valid);
      const g6 = gather(a + <usize>(flip != 0 ? 8 : 24), laneStep, valid), g7 = gather(a + <usize>(flip != 0 ? 4 : 28), laneStep, valid);
      const g8 = gather(a + <usize>(flip != 0 ? 0 : 32), laneStep, valid);
      const d = dst + (<usize>((rp - p0) * cols + col) << 4);
      // G·g row by row: (g0·), ½(g0· + g1· + g2·), ½(g0· − g1· + g2·), (g2·); then ·Gᵀ along each.
      gRow(g0, g1, g2, d, xs);
      gRow(half(f32x4.add(f32x4.add(g0, g3), g6)), half(f32x4.add(f32x4.add(g1, g4), g7)), half(f32x4.add(f32x4.add(g2, g5), g8)), d + xs * 4, xs);
      gRow(half(f32x4.add(f32x4.sub(g0, g3), g6)), half(f32x4.add(f32x4.sub(g1, g4), g7)), half(f32x4.add(f32x4.sub(g2, g5), g8)), d + xs * 8, xs);
      gRow(g6, g7, g8, d + xs * 12, xs);
    }
  }
}

// @ts-ignore: decorator
@inline function ldLanes(a: usize, lanes: i32): v128 {
  return lanes == 4 ? v128.load(a) : v128.load32_zero(a);
}

// @ts-ignore: decorator
@inline function stLanes(a: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(a, v);
  else v128.store32_lane(a, v, 0);
}

/** One output-gradient row (u, v) → (u, u + v, u − v, −v) at dst + {0, 1, 2, 3}·xs. */
// @ts-ignore: decorator
@inline function aRow(u: v128, v: v128, dst: usize, xs: usize, lanes: i32): void {
  stLanes(dst, u, lanes);
  stLanes(dst + xs, f32x4.add(u, v), lanes);
  stLanes(dst + xs * 2, f32x4.sub(u, v), lanes);
  stLanes(dst + xs * 3, f32x4.neg(v), lanes);
}

/** Z = A·dy·Aᵀ of the 2×2 output-gradient tiles of columns [j0, j1) and channels [k0, k1) of dy
 *  ([K, OH, OW, N]; taps outside the output read as 0), row-major [ξν][K][J] relative to column jb
 *  with ξν matrices xs bytes apart. Tiles outermost, as winoInputTransform. */
export function winoGradOutputTransform(dy: usize, g: usize, dst: usize, xs: usize, jb: i32, J: i32, j0: i32, j1: i32, k0: i32, k1: i32): void {
  const N = gi(g, 1), OH = gi(g, 4), OW = gi(g, 5), dh = gi(g, 8), dw = gi(g, 9), TH = gi(g, 10), TW = gi(g, 11);
  const nb = <usize>N << 2, planeBytes = <usize>OH * <usize>OW * nb;
  const vec = (N & 3) == 0;
  const zero = f32x4.splat(0);
  const rowStep = <usize>dh * <usize>OW * nb, colStep = <usize>dw * nb;
  let j = j0;
  while (j < j1) {
    const t = j / N, n0 = j - t * N, jEnd = min(j1, j + (N - n0));
    const oh0 = gi(g, 12 + t / TW), ow0 = gi(g, 12 + TH + t % TW);
    const rowOk = oh0 + dh < OH, colOk = ow0 + dw < OW;
    const at0 = (<usize>oh0 * <usize>OW + <usize>ow0) * nb + (<usize>n0 << 2);
    const jv = vec ? j + ((jEnd - j) & ~3) : j;
    for (let k = k0; k < k1; k++) {
      const p = dy + <usize>k * planeBytes + at0;
      const drow = dst + (<usize>(k * J + j - jb) << 2);
      let jj = j;
      while (jj < jEnd) {
        const lanes = jj < jv ? 4 : 1;
        const o = <usize>(jj - j) << 2;
        const a = p + o, d = drow + o;
        const p00 = ldLanes(a, lanes);
        const p01 = colOk ? ldLanes(a + colStep, lanes) : zero;
        const p10 = rowOk ? ldLanes(a + rowStep, lanes) : zero;
        const p11 = rowOk && colOk ? ldLanes(a + rowStep + colStep, lanes) : zero;
        if (lanes == 4) {
          aRow(p00, p01, d, xs, 4);
          aRow(f32x4.add(p00, p10), f32x4.add(p01, p11), d + xs * 4, xs, 4);
          aRow(f32x4.sub(p00, p10), f32x4.sub(p01, p11), d + xs * 8, xs, 4);
          aRow(f32x4.neg(p10), f32x4.neg(p11), d + xs * 12, xs, 4);
        } else {
          aRow(p00, p01, d, xs, 1);
          aRow(f32x4.add(p00, p10), f32x4.add(p01, p11), d + xs * 4, xs, 1);
          aRow(f32x4.sub(p00, p10), f32x4.sub(p01, p11), d + xs * 8, xs, 1);
          aRow(f32x4.neg(p10), f32x4.neg(p11), d + xs * 12, xs, 1);
        }
        jj += lanes;
      }
    }
    j = jEnd;
  }
}

/** Gᵀ on a row of 4: (z0 + ½(z1 + z2), ½(z1 − z2), ½(z1 + z2) + z3). */
// @ts-ignore: decorator
@inline function gtA(z0: v128, z1: v128, z2: v128): v128 {
  return f32x4.add(z0, half(f32x4.add(z1, z2)));
}

// @ts-ignore: decorator
@inline function gtB(z1: v128, z2: v128): v128 {
  return half(f32x4.sub(z1, z2));
}

// @ts-ignore: decorator
@inline function gtC(z1: v128, z2: v128, z3: v128): v128 {
  return f32x4.add(half(f32x4.add(z1, z2)), z3);
}

/** Stores lane l of v at a + l·36 (the same tap of 4 consecutive filters' input channels). */
// @ts-ignore: decorator
@inline function scatter(a: usize, v: v128, lanes: i32): void {
  v128.store32_lane(a, v, 0);
  if (lanes == 4) {
    v128.store32_lane(a + 36, v, 1);
    v128.store32_lane(a + 72, v, 2);
    v128.store32_lane(a + 108, v, 3);
  }
}

/** Gᵀ·Z(ξν)·G back to the filter taps: Gᵀ down each column ν of Z (rows a, b, c of Gᵀ·Z), then G
 *  along each of those rows; tap r·3 + s of lane l goes to dw + (r·3 + s)·4 + l·36. Z(ξν) is read at
 *  zt + ξν·xs. */
// @ts-ignore: decorator
@inline function backOne(zt: usize, xs: usize, dw: usize, lanes: i32): void {
  let z0 = ldLanes(zt, lanes), z1 = ldLanes(zt + xs * 4, lanes), z2 = ldLanes(zt + xs * 8, lanes), z3 = ldLanes(zt + xs * 12, lanes);
  const a0 = gtA(z0, z1, z2), b0 = gtB(z1, z2), c0 = gtC(z1, z2, z3);
  z0 = ldLanes(zt + xs, lanes); z1 = ldLanes(zt + xs * 5, lanes); z2 = ldLanes(zt + xs * 9, lanes); z3 = ldLanes(zt + xs * 13, lanes);
  const a1 = gtA(z0, z1, z2), b1 = gtB(z1, z2), c1 = gtC(z1, z2, z3);
  z0 = ldLanes(zt + xs * 2, lanes); z1 = ldLanes(zt + xs * 6, lanes); z2 = ldLanes(zt + xs * 10, lanes); z3 = ldLanes(zt + xs * 14, lanes);
  const a2 = gtA(z0, z1, z2), b2 = gtB(z1, z2), c2 = gtC(z1, z2, z3);
  z0 = ldLanes(zt + xs * 3, lanes); z1 = ldLanes(zt + xs * 7, lanes); z2 = ldLanes(zt + xs * 11, lanes); z3 = ldLanes(zt + xs * 15, lanes);
  const a3 = gtA(z0, z1, z2), b3 = gtB(z1, z2), c3 = gtC(z1, z2, z3);
  scatter(dw, gtA(a0, a1, a2), lanes);
  scatter(dw + 4, gtB(a1, a2), lanes);
  scatter(dw + 8, gtC(a1, a2, a3), lanes);
  scatter(dw + 12, gtA(b0, b1, b2), lanes);
  scatter(dw + 16, gtB(b1, b2), lanes);
  scatter(dw + 20, gtC(b1, b2, b3), lanes);
  scatter(dw + 24, gtA(c0, c1, c2), lanes);
  scatter(dw + 28, gtB(c1, c2), lanes);
  scatter(dw + 32, gtC(c1, c2, c3), lanes);
}

/** dw[k, c, ·] = Gᵀ·Z·G with Z(ξν)[k, c] at Zt + ξν·xs + (k·C + c)·4, for this part's filters k. */
export function winoFilterGradPart(Zt: usize, xs: usize, K: i32, C: i32, dw: usize, part: i32, nparts: i32): void {
  const k0 = partStart(K, part, nparts, 1), k1 = partStart(K, part + 1, nparts, 1);
  for (let k = k0; k < k1; k++) {
    const zrow = Zt + (<usize>k * <usize>C << 2);
    const out = dw + <usize>k * <usize>C * 36;
    let c = 0;
    for (; c + 4 <= C; c += 4) backOne(zrow + (<usize>c << 2), xs, out + <usize>c * 36, 4);
    for (; c < C; c++) backOne(zrow + (<usize>c << 2), xs, out + <usize>c * 36, 1);
  }
}
