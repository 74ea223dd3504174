// Convolutions whose window covers the whole input from every output position (ResNet's 3×3 layers
// on a 2×2 or 1×1 map): every output position o sees every input position i through one tap
// t(o, i), so the convolution is a dense layer with shared weights,
//   y[(k, o), n] = Σ_(c, i) W[k, c, t(o, i)] · x[(c, i), n]
// over x and y exactly as they lie ([C, Pi, N] and [K, Po, N], the batch innermost): one GEMM of
// K·Po × C·Pi × N, with no im2col and no zero taps (3×3 on a 1×1 map multiplies once per filter and
// channel, where im2col multiplies 9 times and Winograd F(2×2, 3×3) 16; on a 2×2 map 16 times, as
// Winograd does, which measured faster there: src/ops/conv-plan.ts keeps Winograd on those). The
// input gradient is the same GEMM with the gathered matrix transposed, and
// the weight gradient a GEMM of dy·xᵀ whose register tiles are summed into dW tap by tap.
// The tap table t (Po × Pi i32, −1 never occurs) is written by the glue
// (src/backends/wasm/kernels/denseConv.ts). A panels hold a panel's whole depth, k-major (the
// micro-kernel reads any block of it in place), so inference can keep them between calls.
// Results are bit-identical for any thread count: parts split rows in whole panels (and, for the
// weight gradient, whole filters), and every value sums in the same order however they are cut.
import { microKernel } from './gemm-micro';
import { MR, NR, packA, packB } from './gemm-pack';
import { partStart } from './parts';
import { rectlin1, rectlin4 } from './simd-math';

/** Depth per block of the product (as sgemm's KC), split evenly (2048 = 6 × 344, not 5 × 384 + 128). */
const KC: i32 = 384;
/** Row panels packed together: their whole depth (8 × 2048 × 16 B = 256 KiB) stays in L2 while
 *  every B panel streams past them. */
const GROUP_PANELS: i32 = 8;

// @ts-ignore: decorator
@inline function blockStep(depth: i32): i32 {
  const blocks = (depth + KC - 1) / KC;
  return ((depth + blocks - 1) / blocks + 3) & ~3;
}

/** Bytes from one row panel's packed A (MR floats per depth step) to the next: one cache line more,
 *  so that panels a multiple of 4 KiB long (depth 256, 512, 2048) do not start in the same L1 set
 *  (the input gradient's packing writes a group's panels side by side). */
// @ts-ignore: decorator
@inline function panelBytes(depth: i32): usize {
  return <usize>depth * <usize>(MR << 2) + 64;
}

/** Packs row panels [p0, p1) of the gathered weights into A: rows (k, o), depth (c, i) when
 *  transposed = 0 (the forward pass), rows (c, i), depth (k, o) when 1 (the input gradient); value
 *  W[(k·C + c)·T + t(o, i)], 0 past the last row. */
function packPanels(w: usize, taps: usize, C: i32, K: i32, T: i32, Po: i32, Pi: i32, transposed: i32, p0: i32, p1: i32, A: usize): void {
  const rows = transposed != 0 ? C * Pi : K * Po;
  const depth = transposed != 0 ? K * Po : C * Pi;
  const pb = panelBytes(depth);
  if (transposed == 0) {
    // Row by row: row (k, o) reads filter k's weights in order, channel c's taps t(o, ·).
    for (let p = p0; p < p1; p++) {
      for (let ii = 0; ii < MR; ii++) {
        const row = p * MR + ii;
        let dst = A + <usize>(p - p0) * pb + (<usize>ii << 2);
        if (row >= rows) {
          for (let s = 0; s < depth; s++) { store<f32>(dst, 0); dst += MR << 2; }
          continue;
        }
        const k = row / Po, o = row % Po;
        const wk = w + (<usize>(k * C) * <usize>T << 2), trow = taps + (<usize>(o * Pi) << 2);
        for (let c = 0; c < C; c++) {
          const wc = wk + (<usize>(c * T) << 2);
          for (let i = 0; i < Pi; i++) {
            store<f32>(dst, load<f32>(wc + (<usize>load<i32>(trow + (<usize>i << 2)) << 2)));
            dst += MR << 2;
          }
        }
      }
    }
    return;
  }
  // Panel by panel, its 4 rows (c, i) at each depth step (k, o): 4 values of filter k's weights for
  // neighbouring channels. Row by row instead, each row would read one value per filter, C·T·4
  // bytes apart (18 KiB for 512 channels: 2 of the L1's 64 sets), and thrash the L1 (1×1 maps).
  for (let p = p0; p < p1; p++) {
    const r = p * MR, dst = A + <usize>(p - p0) * pb;
    if (r + MR > rows) {
      packTransposedRows(w, taps, C, K, T, Po, Pi, r, rows, dst);
      continue;
    }
    const w0 = w + (<usize>((r / Pi) * T) << 2), t0 = taps + (<usize>(r % Pi) << 2);
    const w1 = w + (<usize>(((r + 1) / Pi) * T) << 2), t1 = taps + (<usize>((r + 1) % Pi) << 2);
    const w2 = w + (<usize>(((r + 2) / Pi) * T) << 2), t2 = taps + (<usize>((r + 2) % Pi) << 2);
    const w3 = w + (<usize>(((r + 3) / Pi) * T) << 2), t3 = taps + (<usize>((r + 3) % Pi) << 2);
    const kb = <usize>C * <usize>T << 2, ob = <usize>Pi << 2;
    let d = dst, wk: usize = 0;
    for (let k = 0; k < K; k++) {
      let to: usize = 0;
      for (let o = 0; o < Po; o++) {
        store<f32>(d, load<f32>(w0 + wk + (<usize>load<i32>(t0 + to) << 2)));
        store<f32>(d, load<f32>(w1 + wk + (<usize>load<i32>(t1 + to) << 2)), 4);
        store<f32>(d, load<f32>(w2 + wk + (<usize>load<i32>(t2 + to) << 2)), 8);
        store<f32>(d, load<f32>(w3 + wk + (<usize>load<i32>(t3 + to) << 2)), 12);
        d += MR << 2;
        to += ob;
      }
      wk += kb;
    }
  }
}

/** The input gradient's last, partial panel (rows r … rows − 1 of the 4), row by row, 0 past rows. */
function packTransposedRows(w: usize, taps: usize, C: i32, K: i32, T: i32, Po: i32, Pi: i32, r: i32, rows: i32, dst: usize): void {
  for (let ii = 0; ii < MR; ii++) {
    const row = r + ii;
    let d = dst + (<usize>ii << 2);
    for (let k = 0; k < K; k++) {
      for (let o = 0; o < Po; o++) {
        store<f32>(d, row < rows ? load<f32>(w + (<usize>((k * C + row / Pi) * T + load<i32>(taps + (<usize>(o * Pi + row % Pi) << 2))) << 2)) : 0);
        d += MR << 2;
      }
    }
  }
}

/** Part of packing every row panel (inference keeps them: WasmContext.kept). */
export function densePackWPart(w: usize, taps: usize, C: i32, K: i32, T: i32, Po: i32, Pi: i32, transposed: i32, A: usize, part: i32, nparts: i32): void {
  const rows = transposed != 0 ? C * Pi : K * Po, depth = transposed != 0 ? K * Po : C * Pi;
  const panels = (rows + MR - 1) / MR;
  const p0 = partStart(panels, part, nparts, 1), p1 = partStart(panels, part + 1, nparts, 1);
  if (p1 > p0) packPanels(w, taps, C, K, T, Po, Pi, transposed, p0, p1, A + <usize>p0 * panelBytes(depth));
}

/** Part of packing b [depth × n] (row-major, the batch innermost) into B panels block by block:
 *  block [pc, pc + kc) at B + pc·⌈n/8⌉·32 bytes, NR-wide panels of kc steps each. */
export function densePackBPart(b: usize, depth: i32, n: i32, B: usize, part: i32, nparts: i32): void {
  const step = blockStep(depth), blocks = (depth + step - 1) / step;
  const q0 = partStart(blocks, part, nparts, 1), q1 = partStart(blocks, part + 1, nparts, 1);
  const n8 = (n + NR - 1) / NR * NR;
  for (let q = q0; q < q1; q++) {
    const pc = q * step, kc = min(step, depth - pc);
    packB(b, n, false, pc, 0, kc, n, B + (<usize>pc * <usize>n8 << 2));
  }
}

/** Part of y [rows × n] = A·B (+ the epilogue act(scale[r / per]·y + shift[r / per]) when
 *  scale/shift/act are set): row panels in groups of GROUP_PANELS, each group's A packed into this
 *  thread's scratch (or read from `kept`, every panel packed), then its rows' product block by
 *  block over B (densePackBPart). */
export function denseGemmPart(
  w: usize, taps: usize, C: i32, K: i32, T: i32, Po: i32, Pi: i32, transposed: i32, kept: usize,
  B: usize, n: i32, y: usize, per: i32, scale: usize, shift: usize, act: i32, slope: f32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const rows = transposed != 0 ? C * Pi : K * Po, depth = transposed != 0 ? K * Po : C * Pi;
  const panels = (rows + MR - 1) / MR;
  const p0 = partStart(panels, part, nparts, 1), p1 = partStart(panels, part + 1, nparts, 1);
  const scratch = work + <usize>max(thread, 0) * <usize>workStride;
  const tile = scratch, own = scratch + <usize>(MR * NR * 4);
  const step = blockStep(depth), n8 = (n + NR - 1) / NR * NR, ldcBytes = <usize>n << 2;
  for (let g0 = p0; g0 < p1; g0 += GROUP_PANELS) {
    const g1 = min(p1, g0 + GROUP_PANELS);
    let A = kept + <usize>g0 * panelBytes(depth);
    if (kept == 0) {
      packPanels(w, taps, C, K, T, Po, Pi, transposed, g0, g1, own);
      A = own;
    }
    for (let pc = 0; pc < depth; pc += step) {
      const kc = min(step, depth - pc);
      const beta: f32 = pc == 0 ? 0 : 1;
      const Bblock = B + (<usize>pc * <usize>n8 << 2);
      for (let jr = 0; jr < n; jr += NR) {
        const nr = min(NR, n - jr), bp = Bblock + (<usize>(jr * kc) << 2);
        for (let p = g0; p < g1; p++) {
          const r = p * MR;
          microKernel(kc, A + <usize>(p - g0) * panelBytes(depth) + (<usize>pc << 4), bp,
            y + <usize>r * ldcBytes + (<usize>jr << 2), ldcBytes, 1, beta, min(MR, rows - r), nr, tile);
        }
      }
    }
    if (scale != 0 || shift != 0 || act != 0) epilogueRows(y, n, g0 * MR, min(rows, g1 * MR), per, scale, shift, act, slope);
  }
}

/** Rows [r0, r1) of y (n values each): act(scale[r / per]·v + shift[r / per]), as convForward's. */
function epilogueRows(y: usize, n: i32, r0: i32, r1: i32, per: i32, scale: usize, shift: usize, act: i32, slope: f32): void {
  const sv = f32x4.splat(slope);
  for (let r = r0; r < r1; r++) {
    const k = r / per, row = y + (<usize>r * <usize>n << 2);
    const a: f32 = scale != 0 ? load<f32>(scale + (<usize>k << 2)) : 1;
    const b: f32 = shift != 0 ? load<f32>(shift + (<usize>k << 2)) : 0;
    const av = f32x4.splat(a), bv = f32x4.splat(b);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const at = row + (<usize>j << 2);
      let v = v128.load(at);
      if (scale != 0) v = f32x4.mul(v, av);
      if (shift != 0) v = f32x4.add(v, bv);
      if (act != 0) v = rectlin4(v, sv);
      v128.store(at, v);
    }
    for (; j < n; j++) {
      const at = row + (<usize>j << 2);
      let v = load<f32>(at);
      if (scale != 0) v = v * a;
      if (shift != 0) v = v + b;
      if (act != 0) v = rectlin1(v, slope);
      store<f32>(at, v);
    }
  }
}

/** Part of the weight gradient dW[k, c, t] = Σ over (o, i) with t(o, i) = t of Σ_n dy[(k, o), n]·x[(c, i), n]:
 *  the product dy·xᵀ (K·Po × C·Pi, n deep) tile by tile, each 4 × 8 register tile added into dW
 *  value by value. Parts take whole filters in whole panels (units of `unit` filters), zero their
 *  filters' dW first, and visit tiles row panel by row panel, so each dW value sums its pairs in
 *  the same order however the filters are split. B holds xᵀ's panels (all C·Pi columns, n deep). */
export function denseWeightGradPart(
  dy: usize, taps: usize, dw: usize, C: i32, K: i32, T: i32, Po: i32, Pi: i32, n: i32, unit: i32, B: usize,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const units = (K + unit - 1) / unit;
  const k0 = partStart(units, part, nparts, 1) * unit, k1 = min(K, partStart(units, part + 1, nparts, 1) * unit);
  if (k1 <= k0) return;
  memory.fill(dw + (<usize>(k0 * C) * <usize>T << 2), 0, <usize>((k1 - k0) * C) * <usize>T << 2);
  const scratch = work + <usize>max(thread, 0) * <usize>workStride;
  const tile = scratch, Ap = scratch + <usize>(MR * NR * 4);
  const cols = C * Pi, r1 = k1 * Po;
  const rowInfo = Ap + <usize>n * <usize>(MR << 2);
  for (let r = k0 * Po; r < r1; r += MR) {
    const mr = min(MR, r1 - r);
    // dy's rows r … r + 3, n deep, as one A panel; per row, its filter's dW and its tap-table row.
    packA(dy, n, false, r, 0, mr, n, Ap);
    for (let ii = 0; ii < mr; ii++) {
      const row = r + ii;
      store<usize>(rowInfo + (<usize>ii << 3), dw + (<usize>((row / Po) * C) * <usize>T << 2));
      store<usize>(rowInfo + (<usize>ii << 3) + 4, taps + (<usize>((row % Po) * Pi) << 2));
    }
    for (let j = 0; j < cols; j += NR) {
      const nr = min(NR, cols - j);
      microKernel(n, Ap, B + (<usize>(j * n) << 2), tile, NR << 2, 1, 0, MR, NR, tile);
      // Column j + jj is (c, i); walked without dividing.
      let c = j / Pi, i = j % Pi;
      for (let jj = 0; jj < nr; jj++) {
        const cOff = <usize>(c * T) << 2, iOff = <usize>i << 2;
        for (let ii = 0; ii < mr; ii++) {
          const dk = load<usize>(rowInfo + (<usize>ii << 3)), trow = load<usize>(rowInfo + (<usize>ii << 3) + 4);
          const at = dk + cOff + (<usize>load<i32>(trow + iOff) << 2);
          store<f32>(at, load<f32>(at) + load<f32>(tile + (<usize>(ii * NR + jj) << 2)));
        }
        if (++i == Pi) { i = 0; c++; }
      }
    }
  }
}

/** Part of packing xᵀ's panels for denseWeightGradPart: columns (c, i) of x [C·Pi × n], n deep,
 *  NR columns a panel at B + j·n·4 bytes. */
export function densePackXtPart(x: usize, cols: i32, n: i32, B: usize, part: i32, nparts: i32): void {
  const panels = (cols + NR - 1) / NR;
  const q0 = partStart(panels, part, nparts, 1), q1 = partStart(panels, part + 1, nparts, 1);
  if (q1 > q0) packB(x, n, true, 0, q0 * NR, n, min(cols, q1 * NR) - q0 * NR, B + (<usize>(q0 * NR * n) << 2));
}
