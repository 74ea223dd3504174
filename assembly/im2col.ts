// im2col / col2im over the 3-D window geometry of src/kernels.ts, for [C, D, H, W, N] data.
// The batch N is innermost in both x and cols, so every tap moves an N-vector; with width stride 1
// a whole run of valid output columns reads one contiguous span of x and is moved in one pass.
//
// Geometry block `g`: 20 i32 written by the glue (src/backends/wasm/kernels/common.ts):
//   0 channels, 1 batch, 2-4 inSize D H W, 5-7 window T R S, 8-10 stride, 11-13 pad,
//   14-16 dilation, 17-19 outSize OD OH OW.
import { partStart } from './parts';
import { addF32, copyF32, endValid, firstValid, gi } from './window-util';

/** cols[(c·T + t)·R·S + r·S + s, p·N + n] = x[c, id, ih, iw, n], 0 in the padding, for this part's
 *  rows of cols (threads split the C·T·R·S rows). */
export function im2col(x: usize, cols: usize, g: usize, part: i32, nparts: i32): void {
  const C = gi(g, 0), N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const sd = gi(g, 8), sh = gi(g, 9), sw = gi(g, 10);
  const pd = gi(g, 11), ph = gi(g, 12), pw = gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const nb = <usize>N << 2;
  const owBytes = <usize>OW * nb;
  const rows = C * T * R * S;
  const q0 = partStart(rows, part, nparts, 1), q1 = partStart(rows, part + 1, nparts, 1);
  let dst = cols + <usize>q0 * <usize>(OD * OH) * owBytes;
  for (let q = q0; q < q1; q++) {
    const c = q / (T * R * S), t = (q / (R * S)) % T, r = (q / S) % R, s = q % S;
    const base = s * dw - pw;
    const lo = firstValid(base, sw, OW);
    const hi = endValid(base, sw, W, OW, lo);
    for (let od = 0; od < OD; od++) {
      const id = od * sd - pd + t * dd;
      if (id < 0 || id >= D) {
        memory.fill(dst, 0, <usize>OH * owBytes);
        dst += <usize>OH * owBytes;
        continue;
      }
      for (let oh = 0; oh < OH; oh++) {
        const ih = oh * sh - ph + r * dh;
        if (ih < 0 || ih >= H || hi == lo) {
          memory.fill(dst, 0, owBytes);
          dst += owBytes;
          continue;
        }
        const src = x + <usize>(((c * D + id) * H + ih) * W) * nb;
        if (lo > 0) memory.fill(dst, 0, <usize>lo * nb);
        if (sw == 1) {
          copyF32(dst + <usize>lo * nb, src + <usize>(lo + base) * nb, (hi - lo) * N);
        } else {
          for (let ow = lo; ow < hi; ow++) {
            copyF32(dst + <usize>ow * nb, src + <usize>(ow * sw + base) * nb, N);
          }
        }
        if (hi < OW) memory.fill(dst + <usize>hi * nb, 0, <usize>(OW - hi) * nb);
        dst += owBytes;
      }
    }
  }
}

/** The adjoint of im2col: zeroes dx, then adds every cols entry into the cell im2col read it from,
 *  for this part's channels (a channel's rows all add into the same slab of dx). */
export function col2im(cols: usize, dx: usize, g: usize, part: i32, nparts: i32): void {
  const C = gi(g, 0), N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const sd = gi(g, 8), sh = gi(g, 9), sw = gi(g, 10);
  const pd = gi(g, 11), ph = gi(g, 12), pw = gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const nb = <usize>N << 2;
  const owBytes = <usize>OW * nb;
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  memory.fill(dx + <usize>c0 * <usize>(D * H * W) * nb, 0, <usize>(c1 - c0) * <usize>(D * H * W) * nb);
  let src = cols + <usize>c0 * <usize>(T * R * S) * <usize>(OD * OH) * owBytes;
  for (let c = c0; c < c1; c++) {
    for (let t = 0; t < T; t++) {
      for (let r = 0; r < R; r++) {
        for (let s = 0; s < S; s++) {
          const base = s * dw - pw;
          const lo = firstValid(base, sw, OW);
          const hi = endValid(base, sw, W, OW, lo);
          for (let od = 0; od < OD; od++) {
            const id = od * sd - pd + t * dd;
            if (id < 0 || id >= D) {
              src += <usize>OH * owBytes;
              continue;
            }
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * sh - ph + r * dh;
              if (ih >= 0 && ih < H && hi > lo) {
                const dst = dx + <usize>(((c * D + id) * H + ih) * W) * nb;
                if (sw == 1) {
                  addF32(dst + <usize>(lo + base) * nb, src + <usize>lo * nb, (hi - lo) * N);
                } else {
                  for (let ow = lo; ow < hi; ow++) {
                    addF32(dst + <usize>(ow * sw + base) * nb, src + <usize>ow * nb, N);
                  }
                }
              }
              src += owBytes;
            }
          }
        }
      }
    }
  }
}
