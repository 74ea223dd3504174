// Window taps shared by im2col/col2im and pooling. A tap (t, r, s) of output position
// (od, oh, ow) reads input cell (od·sd − pd + t·dd, oh·sh − ph + r·dh, ow·sw − pw + s·dw).
import type { WindowGeometry } from '../../kernels.ts';

export interface Dims {
  /** Input cells per channel, D·H·W. */
  cells: number;
  /** Output positions per channel, OD·OH·OW. */
  positions: number;
  /** Taps per window, T·R·S. */
  taps: number;
}

export function dims(g: WindowGeometry): Dims {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize;
  return { cells: D * H * W, positions: OD * OH * OW, taps: T * R * S };
}

/** table[p·T·R·S + (t·R + r)·S + s] = the input cell (d·H + h)·W + w that tap reads at output
 *  position p = (od·OH + oh)·OW + ow, or −1 where it falls in the padding. Depends on neither the
 *  channel nor the batch, so kernels build it once per call. */
export function tapTable(g: WindowGeometry): Int32Array {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize;
  const [sd, sh, sw] = g.stride, [pd, ph, pw] = g.pad, [dd, dh, dw] = g.dilation;
  const taps = T * R * S;
  const table = new Int32Array(OD * OH * OW * taps);
  for (let od = 0; od < OD; od++) for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
    const p = (od * OH + oh) * OW + ow;
    for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) {
      const d = od * sd - pd + t * dd, h = oh * sh - ph + r * dh, w = ow * sw - pw + s * dw;
      const inside = d >= 0 && d < D && h >= 0 && h < H && w >= 0 && w < W;
      table[p * taps + (t * R + r) * S + s] = inside ? (d * H + h) * W + w : -1;
    }
  }
  return table;
}
