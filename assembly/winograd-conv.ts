// Winograd F(2×2, 3×3) convolution drivers (the transforms: winograd-transform.ts, winograd-weights.ts).
// Forward (and the input gradient, a forward over dy with flipped filters):
//   U(ξν) = G·g·Gᵀ            winoFilterPart: A panels, once per call (or per chunk of filters)
//   V(ξν) = Bᵀ·d·B            written straight into the GEMM's B panels (no packing pass)
//   M(ξν) = U(ξν)·V(ξν)       16 GEMMs on sgemm's micro-kernel, C = the reduction
//   y = Aᵀ·M·A (+ epilogue)   while M is still in cache
// Parts are a grid of column chunks × output-channel chunks (winoForwardPart). With many columns
// each part transforms its own chunk of the input in its scratch; with few (ResNet's late stages)
// winoInputPart transforms every column once and the parts share it. Each output value is computed
// by exactly one part with the same arithmetic however the grid is cut, so results are
// bit-identical for any thread count.
// Weight gradient: Z(ξν) = A·dy·Aᵀ and V(ξν) of the same columns, Zt(ξν) = Σ Z(ξν)·V(ξν)ᵀ on sgemm,
// dg = Gᵀ·Zt·G (winoFilterGradPart). Chunks of columns are summed in fixed groups (like
// conv-backward.ts) or, with few columns, all at once split over ξν and filters.
import { sgemm } from './gemm';
import { sgemmDotNT } from './gemm-dot';
import { microKernelFull } from './gemm-micro';
import { partStart } from './parts';
import { XI, winoInputTransform, winoOutputTransform } from './winograd-transform';
import { winoFilterPanels, winoGradOutputTransform } from './winograd-weights';
import { gi } from './window-util';

/** Columns of the transformed matrices: tiles × batch. */
// @ts-ignore: decorator
@inline function columns(g: usize): i32 {
  return gi(g, 10) * gi(g, 11) * gi(g, 1);
}

/** Zeroes the B-panel columns past J in the last of P panels (ξν matrices vs bytes apart) for
 *  channels [c0, c1): they feed only discarded outputs, but stale bits there could be denormals,
 *  which slow the multiplies. */
function zeroPanelTail(V: usize, vs: usize, P: i32, C: i32, J: i32, c0: i32, c1: i32): void {
  const valid = J & 7;
  if (valid == 0) return;
  for (let x = 0; x < XI; x++) {
    const panel = V + <usize>x * vs + (<usize>(P - 1) * <usize>C << 5);
    for (let c = c0; c < c1; c++) memory.fill(panel + (<usize>((c << 3) + valid) << 2), 0, <usize>(8 - valid) << 2);
  }
}

/** M(ξν) [4·kpn × 8·np] = U(ξν) row panels [kp0, kp0 + kpn) (ξν matrices us bytes apart) · V(ξν) panels
 *  [p0, p0 + np), C values deep; V(ξν) and M(ξν) are vs and ms bytes apart. M rows and columns are
 *  padded to whole panels, so the micro-kernel always stores full tiles (microKernelFull, without
 *  sgemm's edge, alpha and beta handling: 20 % faster at C = 32); the padding is never read.
 *  Filter panels outermost: each is read once (U of a late ResNet stage is megabytes, read from
 *  memory) while the chunk's few column panels of V(ξν) stay in cache. */
function winoGemm(U: usize, us: usize, C: i32, kp0: i32, kpn: i32, V: usize, vs: usize, p0: i32, np: i32, M: usize, ms: usize): void {
  const ldmBytes = <usize>(np << 3) << 2;
  for (let x = 0; x < XI; x++) {
    const u = U + <usize>x * us + (<usize>kp0 * <usize>C << 4);
    const v = V + <usize>x * vs + (<usize>p0 * <usize>C << 5);
    const m = M + <usize>x * ms;
    for (let ip = 0; ip < kpn; ip++) {
      const ap = u + (<usize>ip * <usize>C << 4), mrow = m + <usize>(ip << 2) * ldmBytes;
      for (let jp = 0; jp < np; jp++) {
        microKernelFull(C, ap, v + (<usize>jp * <usize>C << 5), mrow + (<usize>jp << 5), ldmBytes);
      }
    }
  }
}

/** Every column's B panels (ceil(J/8) per ξν, ξν matrices vs bytes apart) for this part's input
 *  channels. */
export function winoInputPart(x: usize, g: usize, V: usize, vs: usize, part: i32, nparts: i32): void {
  const C = gi(g, 0), J = columns(g);
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  if (c1 <= c0) return;
  winoInputTransform(x, g, V, vs, 0, J, 0, J, c0, c1, 1);
  zeroPanelTail(V, vs, (J + 7) >> 3, C, J, c0, c1);
}

/** Part of a Winograd convolution y = conv(x, g) (K filters): the grid of column chunks of JC (a
 *  multiple of 8) × filter chunks of KCK (a multiple of 4), nk = ⌈K/KCK⌉ of them per column chunk;
 *  part p takes chunks [partStart(p), partStart(p + 1)) in order q → (q / nk, q % nk).
 *  V = 0: each chunk's input is transformed into this thread's scratch (ξν matrices vs bytes apart);
 *  else V holds every column (winoInputPart, same vs). Filters run KCH (a multiple of 4) at a time,
 *  so M (ξν matrices ms bytes apart) stays in cache. U: every filter's transform (winoFilterPart,
 *  ξν matrices us bytes apart), or 0: each run of KCH filters is transformed from w ([wK, wC, 3, 3],
 *  flip as winoFilterPart) into this thread's scratch (us apart) right before its products. The
 *  host passes 0 with one column chunk, where each filter is then transformed once: a late ResNet
 *  stage's transformed filters, 16/9 of its megabytes of weights, then never go out to memory and
 *  back. Epilogue as convForward: act(scale[k]·y + shift[k]) (scale/shift 0 = absent, act 0 = none). */
export function winoForwardPart(
  x: usize, g: usize, U: usize, us: usize, w: usize, wK: i32, wC: i32, flip: i32,
  V: usize, vs: usize, ms: usize, y: usize, K: i32, JC: i32, KCK: i32, KCH: i32,
  scale: usize, shift: usize, act: i32, slope: f32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), J = columns(g), nk = (K + KCK - 1) / KCK;
  const chunks = ((J + JC - 1) / JC) * nk;
  const q0 = partStart(chunks, part, nparts, 1), q1 = partStart(chunks, part + 1, nparts, 1);
  // Scratch per thread (src/backends/wasm/kernels/winograd-common.ts sizes it): M (XI × ms), then
  // the chunk's own B panels (XI × vs, when V = 0), then its own filter panels (when U = 0).
  const M = work + <usize>max(thread, 0) * <usize>workStride;
  const ownV = M + <usize>XI * ms;
  const ownU = ownV + (V == 0 ? <usize>XI * vs : 0);
  for (let q = q0; q < q1; q++) {
    const j0 = (q / nk) * JC, j1 = min(J, j0 + JC), np = (j1 - j0 + 7) >> 3;
    const kA = (q % nk) * KCK, kB = min(K, kA + KCK);
    let Vp = V, p0 = j0 >> 3;
    if (V == 0) {
      winoInputTransform(x, g, ownV, vs, j0, j1 - j0, j0, j1, 0, C, 1);
      zeroPanelTail(ownV, vs, np, C, j1 - j0, 0, C);
      Vp = ownV; p0 = 0;
    }
    for (let k = kA; k < kB; k += KCH) {
      const kn = min(KCH, kB - k), kpn = (kn + 3) >> 2;
      if (U == 0) {
        winoFilterPanels(w, wK, wC, flip, ownU, us, k >> 2, (k >> 2) + kpn);
        winoGemm(ownU, us, C, 0, kpn, Vp, vs, p0, np, M, ms);
      } else {
        winoGemm(U, us, C, k >> 2, kpn, Vp, vs, p0, np, M, ms);
      }
      winoOutputTransform(M, ms, np << 3, j0, g, y, j0, j1, k, k + kn, scale, shift, act, slope);
    }
  }
}

/** Weight gradient, many columns: chunks of JC columns in fixed groups of perGroup; group j sums
 *  Zt(ξν) [K × C] = Σ over its chunks of Z(ξν)·V(ξν)ᵀ into partials + j·XI·K·C·4, by sgemm or, when
 *  dot ≠ 0, by row dot products (gemm-dot.ts: few filters or channels, which sgemm's 4×8 block
 *  would mostly pad). Scratch per thread: V and Z of a chunk (row-major, ξν matrices vs and zs
 *  bytes apart), then sgemm's packing space. */
export function winoWeightGradPart(
  x: usize, dy: usize, g: usize, partials: usize, K: i32, JC: i32, perGroup: i32, vs: usize, zs: usize, dot: i32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), J = columns(g);
  const chunks = (J + JC - 1) / JC, groups = (chunks + perGroup - 1) / perGroup;
  const g0 = partStart(groups, part, nparts, 1), g1 = partStart(groups, part + 1, nparts, 1);
  const Vx = work + <usize>max(thread, 0) * <usize>workStride;
  const Z = Vx + <usize>XI * vs;
  const gemmWork = Z + <usize>XI * zs;
  const kc = <usize>K * <usize>C << 2;
  for (let grp = g0; grp < g1; grp++) {
    const out = partials + <usize>grp * <usize>XI * kc;
    const t1 = min(chunks, (grp + 1) * perGroup);
    for (let t = grp * perGroup; t < t1; t++) {
      const j0 = t * JC, j1 = min(J, j0 + JC), n = j1 - j0;
      winoInputTransform(x, g, Vx, vs, j0, n, j0, j1, 0, C, 0);
      winoGradOutputTransform(dy, g, Z, zs, j0, n, j0, j1, 0, K);
      const first = t == grp * perGroup;
      for (let xi = 0; xi < XI; xi++) {
        const zx = Z + <usize>xi * zs, vx = Vx + <usize>xi * vs, ox = out + <usize>xi * kc;
        if (dot != 0) sgemmDotNT(K, C, n, zx, n, vx, n, ox, C, first ? 0 : 1);
        else sgemm(K, C, n, zx, n, 0, vx, n, 1, ox, C, 1, first ? 0 : 1, gemmWork);
      }
    }
  }
}

/** Weight gradient, few columns, step 1: V (row-major [ξν][C][J], ξν matrices vs bytes apart) and
 *  Z ([ξν][K][J], zs apart) of every column; parts split the C + K channels. */
export function winoGradTransformPart(x: usize, dy: usize, g: usize, K: i32, Vx: usize, vs: usize, Z: usize, zs: usize, part: i32, nparts: i32): void {
  const C = gi(g, 0), J = columns(g);
  const a = partStart(C + K, part, nparts, 1), b = partStart(C + K, part + 1, nparts, 1);
  if (a < C) winoInputTransform(x, g, Vx, vs, 0, J, 0, J, a, min(b, C), 0);
  if (b > C) winoGradOutputTransform(dy, g, Z, zs, 0, J, 0, J, max(a, C) - C, b - C);
}

/** Weight gradient, few columns, step 2: Zt(ξν)[k rows] = Z(ξν)·V(ξν)ᵀ over all J columns for a
 *  grid of ξν × filter chunks of KCK rows (nk = ⌈K/KCK⌉ per ξν); Zt's ξν matrices zts bytes apart. */
export function winoGradGemmPart(
  Vx: usize, vs: usize, Z: usize, zs: usize, Zt: usize, zts: usize, C: i32, K: i32, J: i32, KCK: i32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const nk = (K + KCK - 1) / KCK;
  const q0 = partStart(XI * nk, part, nparts, 1), q1 = partStart(XI * nk, part + 1, nparts, 1);
  const gemmWork = work + <usize>max(thread, 0) * <usize>workStride;
  for (let q = q0; q < q1; q++) {
    const xi = q / nk, k0 = (q % nk) * KCK, kn = min(KCK, K - k0);
    if (kn <= 0) continue;
    sgemm(kn, C, J, Z + <usize>xi * zs + (<usize>(k0 * J) << 2), J, 0, Vx + <usize>xi * vs, J, 1,
      Zt + <usize>xi * zts + (<usize>k0 * <usize>C << 2), C, 1, 0, gemmWork);
  }
}
