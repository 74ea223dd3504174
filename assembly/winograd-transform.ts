// Winograd F(2×2, 3×3) transforms (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", CVPR 2016): a 2×2 tile of a 3×3 correlation is y = Aᵀ·[(G·g·Gᵀ) ⊙ (Bᵀ·d·B)]·A over the
// 4×4 input tile d, with
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// so 16 products replace 36. Summed over input channels, each of the 16 transformed-domain
// positions ξν is one GEMM (winograd-conv.ts). The weight gradient is the adjoint in g:
//   dg = Gᵀ·[(A·dy·Aᵀ) ⊙ (Bᵀ·d·B)]·G.
// Every multiplier is 0, ±1 or ±½, so the transforms add no rounding beyond their additions; F(4×4,
// 3×3) was measured against the tests' float32 tolerances and left out (bench/winograd-error.bench.ts).
//
// Data are [C, H, W, N] with the batch innermost, so every tile value is an N-vector: transforms run
// on f32x4 over 4 images at a time (a batch not divisible by 4 runs them lane by lane). Dilation d
// reads the tile on a grid of step d: output rows oh0, oh0 + d come from input rows
// oh0 − pad + d·{0, 1, 2, 3}, so a dilated convolution is a Winograd one over interleaved grids.
//
// Winograd geometry block `g` (i32, written by src/backends/wasm/kernels/winograd-common.ts):
//   0 C, 1 N, 2 H, 3 W (input), 4 OH, 5 OW, 6 pad h, 7 pad w (either may be negative),
//   8 dilation h, 9 dilation w, 10 TH, 11 TW (tile rows and columns), then TH row origins oh0 and
//   TW column origins ow0. Column j of the transformed matrices is (tile j / N, image j % N), tile
//   t = th·TW + tw; a tile covers output rows oh0 + {0, dh} and columns ow0 + {0, dw} (the second
//   may fall outside the output: then it is neither read (dy) nor written (y)).
import { rectlin4 } from './simd-math';
import { gi } from './window-util';

/** Transformed-domain positions ξν per tile (4×4). */
export const XI: i32 = 16;

// @ts-ignore: decorator
@inline function origin(g: usize, i: i32): i32 {
  return gi(g, 12 + i);
}

// @ts-ignore: decorator
@inline function ld(a: usize, lanes: i32): v128 {
  return lanes == 4 ? v128.load(a) : v128.load32_zero(a);
}

// @ts-ignore: decorator
@inline function st(a: usize, v: v128, lanes: i32): void {
  if (lanes == 4) v128.store(a, v);
  else v128.store32_lane(a, v, 0);
}

/** A tap of the input tile: the load at a (a clamped, always in-bounds address), zeroed by mask
 *  (all ones or all zeros) when the tap falls in the padding. */
// @ts-ignore: decorator
@inline function tap(a: usize, mask: i32, lanes: i32, masked: bool): v128 {
  const v = ld(a, lanes);
  return masked ? v128.and(v, i32x4.splat(mask)) : v;
}

/** Where tile values go: `packed` B panels of NR = 8 columns (value (ξν, c, jl) at
 *  ((ξν·P + jl/8)·C + c)·8 + jl%8, the layout microKernel streams), or row-major [ξν][C][J]. */
// @ts-ignore: decorator
@inline function dstOffset(packed: bool, c: i32, jl: i32, C: i32, J: i32): usize {
  return packed ? <usize>((((jl >> 3) * C + c) << 3) + (jl & 7)) << 2 : <usize>(c * J + jl) << 2;
}

/** Bᵀ·d·B for one group of `lanes` images: 4 row addresses r·, 4 column offsets k·, masks rm·/cm·
 *  (used when masked), 16 outputs at dst + ξν·xs. Rows 1 and 2 first: each output row needs two
 *  input rows, and this order keeps at most three rows of four vectors live. */
// @ts-ignore: decorator
@inline function inputGroup(
  r0: usize, r1: usize, r2: usize, r3: usize, k0: usize, k1: usize, k2: usize, k3: usize,
  rm0: i32, rm1: i32, rm2: i32, rm3: i32, cm0: i32, cm1: i32, cm2: i32, cm3: i32,
  dst: usize, xs: usize, lanes: i32, masked: bool,
): void {
  let a0 = tap(r1 + k0, rm1 & cm0, lanes, masked), a1 = tap(r1 + k1, rm1 & cm1, lanes, masked);
  let a2 = tap(r1 + k2, rm1 & cm2, lanes, masked), a3 = tap(r1 + k3, rm1 & cm3, lanes, masked);
  const e10 = f32x4.sub(a0, a2), e11 = f32x4.add(a1, a2), e12 = f32x4.sub(a2, a1), e13 = f32x4.sub(a1, a3);
  a0 = tap(r2 + k0, rm2 & cm0, lanes, masked); a1 = tap(r2 + k1, rm2 & cm1, lanes, masked);
  a2 = tap(r2 + k2, rm2 & cm2, lanes, masked); a3 = tap(r2 + k3, rm2 & cm3, lanes, masked);
  const e20 = f32x4.sub(a0, a2), e21 = f32x4.add(a1, a2), e22 = f32x4.sub(a2, a1), e23 = f32x4.sub(a1, a3);
  st(dst + xs * 4, f32x4.add(e10, e20), lanes);
  st(dst + xs * 5, f32x4.add(e11, e21), lanes);
  st(dst + xs * 6, f32x4.add(e12, e22), lanes);
  st(dst + xs * 7, f32x4.add(e13, e23), lanes);
  st(dst + xs * 8, f32x4.sub(e20, e10), lanes);
  st(dst + xs * 9, f32x4.sub(e21, e11), lanes);
  st(dst + xs * 10, f32x4.sub(e22, e12), lanes);
  st(dst + xs * 11, f32x4.sub(e23, e13), lanes);
  a0 = tap(r0 + k0, rm0 & cm0, lanes, masked); a1 = tap(r0 + k1, rm0 & cm1, lanes, masked);
  a2 = tap(r0 + k2, rm0 & cm2, lanes, masked); a3 = tap(r0 + k3, rm0 & cm3, lanes, masked);
  st(dst, f32x4.sub(f32x4.sub(a0, a2), e20), lanes);
  st(dst + xs, f32x4.sub(f32x4.add(a1, a2), e21), lanes);
  st(dst + xs * 2, f32x4.sub(f32x4.sub(a2, a1), e22), lanes);
  st(dst + xs * 3, f32x4.sub(f32x4.sub(a1, a3), e23), lanes);
  a0 = tap(r3 + k0, rm3 & cm0, lanes, masked); a1 = tap(r3 + k1, rm3 & cm1, lanes, masked);
  a2 = tap(r3 + k2, rm3 & cm2, lanes, masked); a3 = tap(r3 + k3, rm3 & cm3, lanes, masked);
  st(dst + xs * 12, f32x4.sub(e10, f32x4.sub(a0, a2)), lanes);
  st(dst + xs * 13, f32x4.sub(e11, f32x4.add(a1, a2)), lanes);
  st(dst + xs * 14, f32x4.sub(e12, f32x4.sub(a2, a1)), lanes);
  st(dst + xs * 15, f32x4.sub(e13, f32x4.sub(a1, a3)), lanes);
}

/** Valid-row mask of an input coordinate (all ones inside [0, size)) and its clamped value. */
// @ts-ignore: decorator
@inline function inside(i: i32, size: i32): i32 {
  return i >= 0 && i < size ? -1 : 0;
}

// @ts-ignore: decorator
@inline function clampTo(i: i32, size: i32): i32 {
  return min(max(i, 0), size - 1);
}

/** Bᵀ·d·B of the input tiles of columns [j0, j1) and channels [c0, c1) of x, written relative to
 *  column jb: packed ≠ 0 as B panels (ceil(J/8) panels per ξν), else row-major [ξν][C][J]; ξν
 *  matrices xs bytes apart (callers pad xs off multiples of 4 KiB: the 16 stores of a group would
 *  otherwise fall in one cache set). */
export function winoInputTransform(x: usize, g: usize, dst: usize, xs: usize, jb: i32, J: i32, j0: i32, j1: i32, c0: i32, c1: i32, packed: i32): void {
  if (packed != 0) inputTransform(x, g, dst, xs, jb, J, j0, j1, c0, c1, true);
  else inputTransform(x, g, dst, xs, jb, J, j0, j1, c0, c1, false);
}

// Tiles outermost: a tile's rows, columns and masks are worked out once for all its channels.
// @ts-ignore: decorator
@inline function inputTransform(x: usize, g: usize, dst: usize, xs: usize, jb: i32, J: i32, j0: i32, j1: i32, c0: i32, c1: i32, packed: bool): void {
  const C = gi(g, 0), N = gi(g, 1), H = gi(g, 2), W = gi(g, 3);
  const ph = gi(g, 6), pw = gi(g, 7), dh = gi(g, 8), dw = gi(g, 9), TH = gi(g, 10), TW = gi(g, 11);
  const nb = <usize>N << 2, rowBytes = <usize>W * nb, planeBytes = <usize>H * rowBytes;
  const vec = (N & 3) == 0;
  let j = j0;
  while (j < j1) {
    const t = j / N, n0 = j - t * N, jEnd = min(j1, j + (N - n0));
    const oh0 = origin(g, t / TW) - ph, ow0 = origin(g, TH + t % TW) - pw;
    const rm0 = inside(oh0, H), rm1 = inside(oh0 + dh, H), rm2 = inside(oh0 + 2 * dh, H), rm3 = inside(oh0 + 3 * dh, H);
    const cm0 = inside(ow0, W), cm1 = inside(ow0 + dw, W), cm2 = inside(ow0 + 2 * dw, W), cm3 = inside(ow0 + 3 * dw, W);
    const n0b = <usize>n0 << 2;
    const o0 = <usize>clampTo(oh0, H) * rowBytes + n0b, o1 = <usize>clampTo(oh0 + dh, H) * rowBytes + n0b;
    const o2 = <usize>clampTo(oh0 + 2 * dh, H) * rowBytes + n0b, o3 = <usize>clampTo(oh0 + 3 * dh, H) * rowBytes + n0b;
    const k0 = <usize>clampTo(ow0, W) * nb, k1 = <usize>clampTo(ow0 + dw, W) * nb;
    const k2 = <usize>clampTo(ow0 + 2 * dw, W) * nb, k3 = <usize>clampTo(ow0 + 3 * dw, W) * nb;
    const interior = (rm0 & rm1 & rm2 & rm3 & cm0 & cm1 & cm2 & cm3) != 0;
    const jv = vec ? j + ((jEnd - j) & ~3) : j;
    for (let c = c0; c < c1; c++) {
      const plane = x + <usize>c * planeBytes;
      const r0 = plane + o0, r1 = plane + o1, r2 = plane + o2, r3 = plane + o3;
      let jj = j;
      for (; jj < jv; jj += 4) {
        const o = <usize>(jj - j) << 2, d = dst + dstOffset(packed, c, jj - jb, C, J);
        if (interior) inputGroup(r0 + o, r1 + o, r2 + o, r3 + o, k0, k1, k2, k3, -1, -1, -1, -1, -1, -1, -1, -1, d, xs, 4, false);
        else inputGroup(r0 + o, r1 + o, r2 + o, r3 + o, k0, k1, k2, k3, rm0, rm1, rm2, rm3, cm0, cm1, cm2, cm3, d, xs, 4, true);
      }
      for (; jj < jEnd; jj++) {
        const o = <usize>(jj - j) << 2, d = dst + dstOffset(packed, c, jj - jb, C, J);
        inputGroup(r0 + o, r1 + o, r2 + o, r3 + o, k0, k1, k2, k3, rm0, rm1, rm2, rm3, cm0, cm1, cm2, cm3, d, xs, 1, true);
      }
    }
    j = jEnd;
  }
}

/** Aᵀ·m·A for one group: m(ξν) at src + ξν·ms; the 2×2 result rows/columns valid per v1/h1, after
 *  the epilogue (scale, shift, Rectlin), stored at y00 (+ colStep for the second column, + rowStep
 *  for the second row). */
// @ts-ignore: decorator
@inline function outputGroup(
  src: usize, ms: usize, y00: usize, rowStep: usize, colStep: usize, rowOk: bool, colOk: bool,
  av: v128, bv: v128, affine: bool, act: bool, sv: v128, lanes: i32,
): void {
  // Column ν of m: s0ν = m0ν + m1ν + m2ν, s1ν = m1ν − m2ν − m3ν.
  let m0 = ld(src, lanes), m1 = ld(src + ms * 4, lanes), m2 = ld(src + ms * 8, lanes), m3 = ld(src + ms * 12, lanes);
  const s00 = f32x4.add(f32x4.add(m0, m1), m2), s10 = f32x4.sub(f32x4.sub(m1, m2), m3);
  m0 = ld(src + ms, lanes); m1 = ld(src + ms * 5, lanes); m2 = ld(src + ms * 9, lanes); m3 = ld(src + ms * 13, lanes);
  const s01 = f32x4.add(f32x4.add(m0, m1), m2), s11 = f32x4.sub(f32x4.sub(m1, m2), m3);
  m0 = ld(src + ms * 2, lanes); m1 = ld(src + ms * 6, lanes); m2 = ld(src + ms * 10, lanes); m3 = ld(src + ms * 14, lanes);
  const s02 = f32x4.add(f32x4.add(m0, m1), m2), s12 = f32x4.sub(f32x4.sub(m1, m2), m3);
  m0 = ld(src + ms * 3, lanes); m1 = ld(src + ms * 7, lanes); m2 = ld(src + ms * 11, lanes); m3 = ld(src + ms * 15, lanes);
  const s03 = f32x4.add(f32x4.add(m0, m1), m2), s13 = f32x4.sub(f32x4.sub(m1, m2), m3);
  let y0 = f32x4.add(f32x4.add(s00, s01), s02), y1 = f32x4.sub(f32x4.sub(s01, s02), s03);
  let y2 = f32x4.add(f32x4.add(s10, s11), s12), y3 = f32x4.sub(f32x4.sub(s11, s12), s13);
  if (affine) {
    y0 = f32x4.add(f32x4.mul(y0, av), bv); y1 = f32x4.add(f32x4.mul(y1, av), bv);
    y2 = f32x4.add(f32x4.mul(y2, av), bv); y3 = f32x4.add(f32x4.mul(y3, av), bv);
  }
  if (act) {
    y0 = rectlin4(y0, sv); y1 = rectlin4(y1, sv); y2 = rectlin4(y2, sv); y3 = rectlin4(y3, sv);
  }
  st(y00, y0, lanes);
  if (colOk) st(y00 + colStep, y1, lanes);
  if (rowOk) {
    st(y00 + rowStep, y2, lanes);
    if (colOk) st(y00 + rowStep + colStep, y3, lanes);
  }
}

/** y[k, oh, ow, n] = act(scale[k]·(Aᵀ·m·A) + shift[k]) for the columns [j0, j1) and output channels
 *  [k0, k1), m(ξν, k, j) at M + ξν·ms + ((k − k0)·ldm + j − jm)·4. scale/shift 0 = absent. Outputs
 *  outside OH × OW (edge tiles) are not stored; every other output of those columns is. Tiles
 *  outermost, as the input transform. */
export function winoOutputTransform(
  M: usize, ms: usize, ldm: i32, jm: i32, g: usize, y: usize, j0: i32, j1: i32, k0: i32, k1: i32,
  scale: usize, shift: usize, act: i32, slope: f32,
): void {
  const N = gi(g, 1), OH = gi(g, 4), OW = gi(g, 5), dh = gi(g, 8), dw = gi(g, 9), TH = gi(g, 10), TW = gi(g, 11);
  const nb = <usize>N << 2, planeBytes = <usize>OH * <usize>OW * nb;
  const vec = (N & 3) == 0;
  const affine = scale != 0 || shift != 0;
  const sv = f32x4.splat(slope);
  const rowStep = <usize>dh * <usize>OW * nb, colStep = <usize>dw * nb;
  let j = j0;
  while (j < j1) {
    const t = j / N, n0 = j - t * N, jEnd = min(j1, j + (N - n0));
    const oh0 = origin(g, t / TW), ow0 = origin(g, TH + t % TW);
    const rowOk = oh0 + dh < OH, colOk = ow0 + dw < OW;
    const at0 = (<usize>oh0 * <usize>OW + <usize>ow0) * nb + (<usize>n0 << 2);
    const jv = vec ? j + ((jEnd - j) & ~3) : j;
    for (let k = k0; k < k1; k++) {
      const a: f32 = scale != 0 ? load<f32>(scale + (<usize>k << 2)) : 1;
      const b: f32 = shift != 0 ? load<f32>(shift + (<usize>k << 2)) : 0;
      const av = f32x4.splat(a), bv = f32x4.splat(b);
      const y00 = y + <usize>k * planeBytes + at0;
      const mrow = M + (<usize>((k - k0) * ldm + j - jm) << 2);
      let jj = j;
      for (; jj < jv; jj += 4) {
        const o = <usize>(jj - j) << 2;
        if (act != 0) outputGroup(mrow + o, ms, y00 + o, rowStep, colStep, rowOk, colOk, av, bv, affine, true, sv, 4);
        else outputGroup(mrow + o, ms, y00 + o, rowStep, colStep, rowOk, colOk, av, bv, affine, false, sv, 4);
      }
      for (; jj < jEnd; jj++) {
        const o = <usize>(jj - j) << 2;
        outputGroup(mrow + o, ms, y00 + o, rowStep, colStep, rowOk, colOk, av, bv, affine, act != 0, sv, 1);
      }
    }
    j = jEnd;
  }
}
