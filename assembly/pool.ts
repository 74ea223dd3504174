// Pooling over [C, D, H, W, N] → [C, OD, OH, OW, N] with neon's padding rule: every window is
// clipped to the valid input (layer_cpu.py pool_slice), so padded cells are never picked by max,
// never counted by avg and never summed by l2. The batch N is innermost: each valid tap of a window
// folds one contiguous N-vector into the output N-vector.
//
// Geometry block `g`: see assembly/im2col.ts (20 i32). mode: 0 max, 1 avg, 2 l2.
// argmax (i32, same layout as y) holds the window-local index t·R·S + r·S + s of the FIRST maximum
// (strictly greater wins); an empty window (no valid cell) gives y = 0 and argmax = −1.
// Threads split the channels (assembly/parts.ts).
import { partStart } from './parts';

@inline function gi(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

/** y = x, a = tap for n values. */
function maxInit(y: usize, a: usize, x: usize, n: i32, tap: i32): void {
  const tv = i32x4.splat(tap);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, v128.load(x + o));
    v128.store(a + o, tv);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o));
    store<i32>(a + o, tap);
  }
}

/** Where x > y: y = x, a = tap. */
function maxStep(y: usize, a: usize, x: usize, n: i32, tap: i32): void {
  const tv = i32x4.splat(tap);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o), m = v128.load(y + o);
    const gt = f32x4.gt(v, m);
    v128.store(y + o, v128.bitselect(v, m, gt));
    v128.store(a + o, v128.bitselect(tv, v128.load(a + o), gt));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    if (v > load<f32>(y + o)) {
      store<f32>(y + o, v);
      store<i32>(a + o, tap);
    }
  }
}

/** y = x (first = 1) or y += x, squared first when square = 1. */
function sumStep(y: usize, x: usize, n: i32, first: bool, square: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let v = v128.load(x + o);
    if (square) v = f32x4.mul(v, v);
    v128.store(y + o, first ? v : f32x4.add(v128.load(y + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let v = load<f32>(x + o);
    if (square) v *= v;
    store<f32>(y + o, first ? v : load<f32>(y + o) + v);
  }
}

/** avg: y /= count; l2: y = √y. */
function finish(y: usize, n: i32, mode: i32, count: i32): void {
  const cv = f32x4.splat(<f32>count);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(y + o, mode == 1 ? f32x4.div(v, cv) : f32x4.sqrt(v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(y + o, mode == 1 ? v / <f32>count : Mathf.sqrt(v));
  }
}

/** Pools one output position of channel c into yp (and ap for max), N values; returns the number of
 *  valid cells. xc points at channel c of x. */
function poolWindow(xc: usize, yp: usize, ap: usize, g: usize, od: i32, oh: i32, ow: i32, mode: i32): i32 {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const nb = <usize>N << 2;
  let count = 0;
  for (let t = 0; t < T; t++) {
    const id = od * gi(g, 8) - gi(g, 11) + t * gi(g, 14);
    if (id < 0 || id >= D) continue;
    for (let r = 0; r < R; r++) {
      const ih = oh * gi(g, 9) - gi(g, 12) + r * gi(g, 15);
      if (ih < 0 || ih >= H) continue;
      for (let s = 0; s < S; s++) {
        const iw = ow * gi(g, 10) - gi(g, 13) + s * gi(g, 16);
        if (iw < 0 || iw >= W) continue;
        const src = xc + <usize>((id * H + ih) * W + iw) * nb;
        const tap = (t * R + r) * S + s;
        if (mode == 0) {
          if (count == 0) maxInit(yp, ap, src, N, tap);
          else maxStep(yp, ap, src, N, tap);
        } else {
          sumStep(yp, src, N, count == 0, mode == 2);
        }
        count++;
      }
    }
  }
  if (count == 0) {
    memory.fill(yp, 0, nb);
    if (mode == 0) for (let i = 0; i < N; i++) store<i32>(ap + (<usize>i << 2), -1);
  } else if (mode != 0) {
    finish(yp, N, mode, count);
  }
  return count;
}

/** y (and argmax for max) from x, for this part's channels. hasArgmax = 0 (max without a caller's
 *  argmax): argmax points at scratch of 2·N words per part, part p's at argmax + p·8N bytes. */
export function poolForward(x: usize, y: usize, argmax: usize, hasArgmax: i32, g: usize, mode: i32, part: i32, nparts: i32): void {
  const C = gi(g, 0), N = gi(g, 1);
  const nb = <usize>N << 2;
  const cellBytes = <usize>(gi(g, 2) * gi(g, 3) * gi(g, 4)) * nb;
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const outCell = <usize>(OD * OH * OW) * nb;
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  const argStep: usize = hasArgmax != 0 ? nb : 0;
  let yp = y + <usize>c0 * outCell;
  let ap = hasArgmax != 0 ? argmax + <usize>c0 * outCell : argmax + <usize>max(part, 0) * (nb << 1);
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * cellBytes;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          poolWindow(xc, yp, ap, g, od, oh, ow, mode);
          yp += nb;
          ap += argStep;
        }
      }
    }
  }
}

/** max backward for one window: dx[cell of argmax[n], n] += dy[n]. An argmax outside the window
 *  or on a padded cell (an empty window's −1) drops its gradient. */
function scatterMax(dxc: usize, dyp: usize, ap: usize, g: usize, od: i32, oh: i32, ow: i32): void {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const RS = R * S;
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  for (let n = 0; n < N; n++) {
    const o = <usize>n << 2;
    const k = load<i32>(ap + o);
    if (k < 0 || k >= T * RS) continue;
    const t = k / RS, r = (k % RS) / S, s = k % S;
    const id = d0 + t * dd, ih = h0 + r * dh, iw = w0 + s * dw;
    if (id < 0 || id >= D || ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
    const cell = dxc + (<usize>((id * H + ih) * W + iw) * N << 2) + o;
    store<f32>(cell, load<f32>(cell) + load<f32>(dyp + o));
  }
}

/** avg: dx += dy / count; l2: dx += dy·x/y (0 where y = 0), over N values. */
function spreadStep(dx: usize, x: usize, y: usize, dy: usize, n: i32, mode: i32, count: i32): void {
  const cv = f32x4.splat(<f32>count), zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(dy + o);
    let v: v128;
    if (mode == 1) {
      v = f32x4.div(d, cv);
    } else {
      const yv = v128.load(y + o);
      v = v128.and(f32x4.div(f32x4.mul(d, v128.load(x + o)), yv), f32x4.ne(yv, zero));
    }
    v128.store(dx + o, f32x4.add(v128.load(dx + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = load<f32>(dy + o);
    let v: f32;
    if (mode == 1) {
      v = d / <f32>count;
    } else {
      const yv = load<f32>(y + o);
      v = yv != 0 ? d * load<f32>(x + o) / yv : 0;
    }
    store<f32>(dx + o, load<f32>(dx + o) + v);
  }
}

/** avg / l2 backward for one window of channel c (xc, dxc point at the channel). */
function spreadWindow(xc: usize, dxc: usize, yp: usize, dyp: usize, g: usize, od: i32, oh: i32, ow: i32, mode: i32): void {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const nb = <usize>N << 2;
  let count = 0;
  for (let pass = 0; pass < 2; pass++) {
    // Pass 0 counts the valid cells (avg needs the count first); pass 1 adds.
    if (pass == 1 && count == 0) return;
    for (let t = 0; t < T; t++) {
      const id = d0 + t * dd;
      if (id < 0 || id >= D) continue;
      for (let r = 0; r < R; r++) {
        const ih = h0 + r * dh;
        if (ih < 0 || ih >= H) continue;
        for (let s = 0; s < S; s++) {
          const iw = w0 + s * dw;
          if (iw < 0 || iw >= W) continue;
          if (pass == 0) {
            count++;
          } else {
            const off = <usize>((id * H + ih) * W + iw) * nb;
            spreadStep(dxc + off, xc + off, yp, dyp, N, mode, count);
          }
        }
      }
    }
  }
}

/** Overwrites this part's channels of dx. max: argmax is the forward's (hasArgmax = 1) or, when 0,
 *  points at scratch of 2·N words per part (part p's at argmax + p·8N bytes) where each window's
 *  argmax is recomputed from x. */
export function poolBackward(
  x: usize, y: usize, dy: usize, argmax: usize, hasArgmax: i32, dx: usize, g: usize, mode: i32, part: i32, nparts: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const nb = <usize>N << 2;
  const cellBytes = <usize>(gi(g, 2) * gi(g, 3) * gi(g, 4)) * nb;
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  if (hasArgmax == 0) argmax += <usize>max(part, 0) * (nb << 1);
  memory.fill(dx + <usize>c0 * cellBytes, 0, <usize>(c1 - c0) * cellBytes);
  let o: usize = <usize>c0 * <usize>(OD * OH * OW) * nb;
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * cellBytes, dxc = dx + <usize>c * cellBytes;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          if (mode != 0) {
            spreadWindow(xc, dxc, y + o, dy + o, g, od, oh, ow, mode);
          } else if (hasArgmax != 0) {
            scatterMax(dxc, dy + o, argmax + o, g, od, oh, ow);
          } else {
            poolWindow(xc, argmax + nb, argmax, g, od, oh, ow, 0);
            scatterMax(dxc, dy + o, argmax, g, od, oh, ow);
          }
          o += nb;
        }
      }
    }
  }
}
