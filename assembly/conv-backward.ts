// Training-time convolution gradients without the full column matrix: the forward pass ran
// convForward (tiled, nothing kept), and the backward pass recomputes each tile's im2col columns in
// cache. The tile size comes from the host (the shapes alone), so results never depend on threads.
//   weight gradient: dW = Σ over tiles dy[:, tile]·cols_tileᵀ. Tiles are grouped into a fixed
//     number of groups; a part takes whole groups, each group's sum goes to its own partial
//     (gemm-ksplit.ts's gemmSumChunks then adds the partials in group order).
//   input gradient: dx = col2im(Wᵀ·dy). A part owns a range of input channels: it computes its
//     rows of Wᵀ·dy tile by tile and adds them into its own channels of dx, tiles in order.
// Geometry block `g`: the 20 i32 of assembly/im2col.ts.
import { sgemm } from './gemm';
import { im2colTile } from './conv-forward';
import { partStart } from './parts';
import { addF32, endValid, firstValid, gi } from './window-util';

/** dx[c, cell, n] += dcols[q − q0, (p − p0)·N + n] for the rows q of channels [c0, c1) and the
 *  positions p of [p0, p1): col2im restricted to a tile (the adjoint of im2colTile). */
function col2imTile(dcols: usize, dx: usize, g: usize, c0: i32, c1: i32, p0: i32, p1: i32): void {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const sd = gi(g, 8), sh = gi(g, 9), sw = gi(g, 10);
  const pd = gi(g, 11), ph = gi(g, 12), pw = gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const OH = gi(g, 18), OW = gi(g, 19);
  const nb = <usize>N << 2;
  const rowBytes = <usize>(p1 - p0) * nb;
  const taps = T * R * S;
  for (let q = c0 * taps; q < c1 * taps; q++) {
    const c = q / taps, t = (q / (R * S)) % T, r = (q / S) % R, s = q % S;
    const base = s * dw - pw;
    const lo = firstValid(base, sw, OW);
    const hi = endValid(base, sw, W, OW, lo);
    const rowStart = dcols + <usize>(q - c0 * taps) * rowBytes;
    let p = p0;
    while (p < p1) {
      const od = p / (OH * OW), rem = p % (OH * OW);
      const oh = rem / OW, ow0 = rem % OW;
      const ow1 = min(OW, ow0 + (p1 - p));
      const id = od * sd - pd + t * dd, ih = oh * sh - ph + r * dh;
      const a = max(ow0, lo), b = min(ow1, hi);
      if (id >= 0 && id < D && ih >= 0 && ih < H && b > a) {
        const dst = dx + <usize>(((c * D + id) * H + ih) * W) * nb;
        const src = rowStart + <usize>(p - p0 + a - ow0) * nb;
        if (sw == 1) {
          addF32(dst + <usize>(a + base) * nb, src, (b - a) * N);
        } else {
          for (let ow = a; ow < b; ow++) addF32(dst + <usize>(ow * sw + base) * nb, src + <usize>(ow - a) * nb, N);
        }
      }
      p += ow1 - ow0;
    }
  }
}

/** Part `part` of the weight gradient: for each of this part's groups j (tiles [j·perGroup, …)),
 *  partials[j] (K × rows) = Σ over its tiles of dy_tile·cols_tileᵀ. Scratch per thread: the tile's
 *  columns, then sgemm's packing space. */
export function convWeightGradPart(
  x: usize, dy: usize, partials: usize, g: usize, K: i32, tile: i32, perGroup: i32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const rows = C * gi(g, 5) * gi(g, 6) * gi(g, 7);
  const P = gi(g, 17) * gi(g, 18) * gi(g, 19);
  const tiles = (P + tile - 1) / tile, groups = (tiles + perGroup - 1) / perGroup;
  const j0 = partStart(groups, part, nparts, 1), j1 = partStart(groups, part + 1, nparts, 1);
  const cols = work + <usize>max(thread, 0) * <usize>workStride;
  const gemmWork = cols + ((<usize>rows * <usize>tile * <usize>N * 4 + 63) & ~(<usize>63));
  for (let j = j0; j < j1; j++) {
    const out = partials + (<usize>j * <usize>K * <usize>rows << 2);
    const t1 = min(tiles, (j + 1) * perGroup);
    for (let t = j * perGroup; t < t1; t++) {
      const p0 = t * tile, p1 = min(P, p0 + tile);
      const n = (p1 - p0) * N;
      im2colTile(x, cols, g, p0, p1);
      // out[K × rows] (+)= dy[:, p0·N : p1·N] · colsᵀ, dy row-major with ld P·N, cols rows × n.
      sgemm(K, rows, n, dy + (<usize>p0 * <usize>N << 2), P * N, 0, cols, n, 1, out, rows, 1, t == j * perGroup ? 0 : 1, gemmWork);
    }
  }
}

/** Part `part` of the input gradient: zeroes this part's channels [c0, c1) of dx, then for every
 *  tile adds col2im of (its rows of Wᵀ)·dy_tile into them. Scratch per thread: the tile's rows of
 *  Wᵀ·dy, then sgemm's packing space. */
export function convInputGradPart(
  dy: usize, w: usize, dx: usize, g: usize, K: i32, tile: i32,
  work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const taps = gi(g, 5) * gi(g, 6) * gi(g, 7), rows = C * taps;
  const cells = gi(g, 2) * gi(g, 3) * gi(g, 4);
  const P = gi(g, 17) * gi(g, 18) * gi(g, 19);
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  if (c1 <= c0) return;
  memory.fill(dx + (<usize>c0 * <usize>cells * <usize>N << 2), 0, <usize>(c1 - c0) * <usize>cells * <usize>N << 2);
  const myRows = (c1 - c0) * taps;
  const dcols = work + <usize>max(thread, 0) * <usize>workStride;
  const gemmWork = dcols + ((<usize>myRows * <usize>tile * <usize>N * 4 + 63) & ~(<usize>63));
  const tiles = (P + tile - 1) / tile;
  for (let t = 0; t < tiles; t++) {
    const p0 = t * tile, p1 = min(P, p0 + tile);
    const n = (p1 - p0) * N;
    // dcols[myRows × n] = W[:, c0·taps …]ᵀ · dy[:, p0·N : p1·N]; W is K × rows (lda rows).
    sgemm(myRows, n, K, w + (<usize>(c0 * taps) << 2), rows, 1, dy + (<usize>p0 * <usize>N << 2), P * N, 0, dcols, n, 1, 0, gemmWork);
    col2imTile(dcols, dx, g, c0, c1, p0, p1);
  }
}
