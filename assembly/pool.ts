// Pooling over [C, D, H, W, N] → [C, OD, OH, OW, N] with neon's padding rule: every window is
// clipped to the valid input (layer_cpu.py pool_slice), so padded cells are never picked by max,
// never counted by avg and never summed by l2. The batch N is innermost: each valid tap of a window
// folds one contiguous N-vector into the output N-vector.
//
// Geometry block `g`: see assembly/im2col.ts (20 i32). mode: 0 max, 1 avg, 2 l2, 3 lp (p ≠ 2: the
// host sends p = 2 as mode 2), 4 weighted (Gaussian, sigma). `param` is p for lp, sigma for weighted.
// argmax (i32, same layout as y) holds the window-local index t·R·S + r·S + s of the FIRST maximum
// (strictly greater wins); an empty window (no valid cell) gives y = 0 and argmax = −1.
// lp: y = m·(Σ (|x|/m)^p)^(1/p), m = max |x| over the window (src/kernels.ts); an integer p ≤ 32
// raises by repeated squaring in f32x4, any other p calls Mathf.pow lane by lane.
// weighted: the tap weights exp(−d²/(2σ²)) are recomputed per window (a few scalar exps next to the
// N-wide work) and normalised over the window's valid cells.
// Threads split the channels (assembly/parts.ts).
import { partStart } from './parts';
import { maxWindow } from './pool-max';
import { gi } from './window-util';
import {
  absMaxStep, intExponent, lpStep, maxInit, maxStep, reciprocal, spreadScaled, spreadStep, sumStep, weightedStep,
} from './pool-steps';

/** avg: y /= count; l2: y = √y; lp: y = m·y^(1/p) (m at `m`); weighted: y /= wsum. */
function finish(y: usize, n: i32, mode: i32, count: i32, m: usize, p: f32, wsum: f32): void {
  if (mode == 3) {
    const q: f32 = 1 / p;
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      const v = load<f32>(y + o);
      store<f32>(y + o, load<f32>(m + o) * (p == 1 ? v : Mathf.pow(v, q)));
    }
    return;
  }
  const cv = f32x4.splat(mode == 4 ? wsum : <f32>count);
  const div = mode != 2;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(y + o, div ? f32x4.div(v, cv) : f32x4.sqrt(v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(y + o, div ? v / (mode == 4 ? wsum : <f32>count) : Mathf.sqrt(v));
  }
}

/** The Gaussian weight of tap (t, r, s): exp(−d²/(2σ²)), d in input cells from the window centre. */
function tapWeight(g: usize, t: i32, r: i32, s: i32, sigma: f32): f32 {
  const a = <f32>gi(g, 14) * (<f32>t - <f32>(gi(g, 5) - 1) * <f32>0.5);
  const b = <f32>gi(g, 15) * (<f32>r - <f32>(gi(g, 6) - 1) * <f32>0.5);
  const c = <f32>gi(g, 16) * (<f32>s - <f32>(gi(g, 7) - 1) * <f32>0.5);
  return Mathf.exp(-(a * a + b * b + c * c) / (<f32>2 * sigma * sigma));
}

/** Σ of the tap weights over the valid cells of the window at (d0, h0, w0) (weighted mode). */
function validWeightSum(g: usize, d0: i32, h0: i32, w0: i32, sigma: f32): f32 {
  const D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  let sum: f32 = 0;
  for (let t = 0; t < T; t++) {
    const id = d0 + t * gi(g, 14);
    if (id < 0 || id >= D) continue;
    for (let r = 0; r < R; r++) {
      const ih = h0 + r * gi(g, 15);
      if (ih < 0 || ih >= H) continue;
      for (let s = 0; s < S; s++) {
        const iw = w0 + s * gi(g, 16);
        if (iw < 0 || iw >= W) continue;
        sum += tapWeight(g, t, r, s, sigma);
      }
    }
  }
  return sum;
}

/** Pools one output position of channel c into yp (and ap for max), N values; returns the number of
 *  valid cells. xc points at channel c of x. lp: sp is 2·N f32 of scratch (m, then 1/m). */
function poolWindow(xc: usize, yp: usize, ap: usize, sp: usize, g: usize, od: i32, oh: i32, ow: i32, mode: i32, param: f32): i32 {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const nb = <usize>N << 2;
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const ip = intExponent(param);
  const wsum: f32 = mode == 4 ? validWeightSum(g, d0, h0, w0, param) : 0;
  // lp makes two sweeps: the largest |x| first (into sp), then the scaled powers.
  const sweeps = mode == 3 ? 2 : 1;
  let count = 0;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    if (sweep == 1) {
      if (count == 0) break;
      reciprocal(sp + nb, sp, N);
      count = 0;
    }
    for (let t = 0; t < T; t++) {
      const id = d0 + t * gi(g, 14);
      if (id < 0 || id >= D) continue;
      for (let r = 0; r < R; r++) {
        const ih = h0 + r * gi(g, 15);
        if (ih < 0 || ih >= H) continue;
        for (let s = 0; s < S; s++) {
          const iw = w0 + s * gi(g, 16);
          if (iw < 0 || iw >= W) continue;
          const src = xc + <usize>((id * H + ih) * W + iw) * nb;
          const tap = (t * R + r) * S + s;
          if (mode == 0) {
            if (count == 0) maxInit(yp, ap, src, N, tap);
            else maxStep(yp, ap, src, N, tap);
          } else if (mode == 3) {
            if (sweep == 0) absMaxStep(sp, src, N, count == 0);
            else lpStep(yp, src, sp + nb, N, count == 0, param, ip);
          } else if (mode == 4) {
            weightedStep(yp, src, N, count == 0, tapWeight(g, t, r, s, param));
          } else {
            sumStep(yp, src, N, count == 0, mode == 2);
          }
          count++;
        }
      }
    }
  }
  if (count == 0) {
    memory.fill(yp, 0, nb);
    if (mode == 0) for (let i = 0; i < N; i++) store<i32>(ap + (<usize>i << 2), -1);
  } else if (mode != 0) {
    finish(yp, N, mode, count, sp, param, wsum);
  }
  return count;
}

/** y (and argmax for max) from x, for this part's channels. hasArgmax = 0 (max without a caller's
 *  argmax, and lp): argmax points at scratch of 2·N words per thread, thread t's at argmax + t·8N bytes. */
export function poolForward(
  x: usize, y: usize, argmax: usize, hasArgmax: i32, g: usize, mode: i32, param: f32, part: i32, nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const nb = <usize>N << 2;
  const cellBytes = <usize>(gi(g, 2) * gi(g, 3) * gi(g, 4)) * nb;
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const outCell = <usize>(OD * OH * OW) * nb;
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  const argStep: usize = hasArgmax != 0 ? nb : 0;
  const scratch = argmax + <usize>max(thread, 0) * (nb << 1);
  let yp = y + <usize>c0 * outCell;
  let ap = hasArgmax != 0 ? argmax + <usize>c0 * outCell : scratch;
  const fastMax = mode == 0 && (N & 3) == 0;
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * cellBytes;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          if (!fastMax || !maxWindow(xc, yp, ap, g, od, oh, ow, hasArgmax != 0)) poolWindow(xc, yp, ap, scratch, g, od, oh, ow, mode, param);
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
  // Tap by tap, branch-free over the N-vector: dx[cell(tap), n] += argmax[n] == tap ? dy[n] : 0.
  // Each dx cell receives the same additions in the same order as a scatter per n (adding +0 to a
  // sum that starts at +0 changes nothing), about 4× faster than the scalar scatter.
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const nb = <usize>N << 2;
  for (let t = 0; t < T; t++) {
    const id = d0 + t * dd;
    if (id < 0 || id >= D) continue;
    for (let r = 0; r < R; r++) {
      const ih = h0 + r * dh;
      if (ih < 0 || ih >= H) continue;
      for (let s = 0; s < S; s++) {
        const iw = w0 + s * dw;
        if (iw < 0 || iw >= W) continue;
        const tap = (t * R + r) * S + s;
        const tv = i32x4.splat(tap);
        const cell = dxc + <usize>((id * H + ih) * W + iw) * nb;
        let n = 0;
        for (; n + 4 <= N; n += 4) {
          const o = <usize>n << 2;
          const hit = i32x4.eq(v128.load(ap + o), tv);
          v128.store(cell + o, f32x4.add(v128.load(cell + o), v128.and(v128.load(dyp + o), hit)));
        }
        for (; n < N; n++) {
          const o = <usize>n << 2;
          if (load<i32>(ap + o) == tap) store<f32>(cell + o, load<f32>(cell + o) + load<f32>(dyp + o));
        }
      }
    }
  }
}

/** avg / l2 / lp / weighted backward for one window of channel c (xc, dxc point at the channel). */
function spreadWindow(xc: usize, dxc: usize, yp: usize, dyp: usize, g: usize, od: i32, oh: i32, ow: i32, mode: i32, param: f32): void {
  const N = gi(g, 1), D = gi(g, 2), H = gi(g, 3), W = gi(g, 4);
  const T = gi(g, 5), R = gi(g, 6), S = gi(g, 7);
  const d0 = od * gi(g, 8) - gi(g, 11), h0 = oh * gi(g, 9) - gi(g, 12), w0 = ow * gi(g, 10) - gi(g, 13);
  const dd = gi(g, 14), dh = gi(g, 15), dw = gi(g, 16);
  const nb = <usize>N << 2;
  const ip = intExponent(param - 1);
  const wsum: f32 = mode == 4 ? validWeightSum(g, d0, h0, w0, param) : 0;
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
            if (mode == 4) spreadScaled(dxc + off, dyp, N, tapWeight(g, t, r, s, param) / wsum);
            else spreadStep(dxc + off, xc + off, yp, dyp, N, mode, count, param, ip);
          }
        }
      }
    }
  }
}

/** Overwrites this part's channels of dx. max: argmax is the forward's (hasArgmax = 1) or, when 0,
 *  points at scratch of 2·N words per thread (thread t's at argmax + t·8N bytes) where each
 *  window's argmax is recomputed from x. */
export function poolBackward(
  x: usize, y: usize, dy: usize, argmax: usize, hasArgmax: i32, dx: usize, g: usize, mode: i32, param: f32, part: i32,
  nparts: i32, thread: i32,
): void {
  const C = gi(g, 0), N = gi(g, 1);
  const nb = <usize>N << 2;
  const cellBytes = <usize>(gi(g, 2) * gi(g, 3) * gi(g, 4)) * nb;
  const OD = gi(g, 17), OH = gi(g, 18), OW = gi(g, 19);
  const c0 = partStart(C, part, nparts, 1), c1 = partStart(C, part + 1, nparts, 1);
  if (hasArgmax == 0) argmax += <usize>max(thread, 0) * (nb << 1);
  memory.fill(dx + <usize>c0 * cellBytes, 0, <usize>(c1 - c0) * cellBytes);
  let o: usize = <usize>c0 * <usize>(OD * OH * OW) * nb;
  for (let c = c0; c < c1; c++) {
    const xc = x + <usize>c * cellBytes, dxc = dx + <usize>c * cellBytes;
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          if (mode != 0) {
            spreadWindow(xc, dxc, y + o, dy + o, g, od, oh, ow, mode, param);
          } else if (hasArgmax != 0) {
            scatterMax(dxc, dy + o, argmax + o, g, od, oh, ow);
          } else {
            poolWindow(xc, argmax + nb, argmax, 0, g, od, oh, ow, 0, 0);
            scatterMax(dxc, dy + o, argmax, g, od, oh, ow);
          }
          o += nb;
        }
      }
    }
  }
}
