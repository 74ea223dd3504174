// Pooling kernel sources: forward over the outputs, backward gathering over the input cells (one
// thread per cell, summing over the taps of every window that covers it). Modes and their exact
// semantics: poolForward / poolBackward in src/kernels.ts.
// The window natives (natives.ts) take the geometry constants in one fixed order:
// N D H W T R S OD OH OW sd sh sw pd ph pw dd dh dw (geometryConstants()).
import type { KernelThis } from '../gpujs.ts';
import type { Arr } from './common.ts';

/** Max over the valid taps; `wantIndex` = 1 returns the window-local index of the first maximum
 *  (strictly greater wins, scanning t, r, s) instead, −1 for a window with no valid cell. */
export function poolMaxK(this: KernelThis, x: Arr): number {
  let best = 0;
  let bestK = -1;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const v = x[anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          if (bestK < 0 || v > best) {
            best = v;
            bestK = (t * this.constants.R + r) * this.constants.S + s;
          }
        }
      }
    }
  }
  if (this.constants.wantIndex === 1) return bestK;
  if (bestK < 0) return 0;
  return best;
}

/** avg (mode 0): mean of the valid taps; l2 (mode 1): √Σ x² over them. */
export function poolSumK(this: KernelThis, x: Arr): number {
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const v = x[anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          if (this.constants.mode === 1) acc += v * v;
          else acc += v;
        }
      }
    }
  }
  if (this.constants.mode === 1) return Math.sqrt(acc);
  const count = anWinCount(this.thread.x, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw);
  if (count === 0) return 0;
  return acc / count;
}

/** avg backward: each window covering this cell sends dy / (its valid count). */
export function poolAvgBackK(this: KernelThis, dy: Arr): number {
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          acc += dy[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)] /
            anWinCount(anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw), this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw);
        }
      }
    }
  }
  return acc;
}

/** l2 backward: dy · x / y from each window covering this cell (0 where y = 0). */
export function poolL2BackK(this: KernelThis, x: Arr, y: Arr, dy: Arr): number {
  let acc = 0;
  const xv = x[this.thread.x];
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const yv = y[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          if (yv !== 0) {
            acc += dy[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)] * xv / yv;
          }
        }
      }
    }
  }
  return acc;
}

/** max backward: dy goes to the cell whose tap index equals the window's argmax. */
export function poolMaxBackK(this: KernelThis, dy: Arr, argmax: Arr): number {
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          if (argmax[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)] === (t * this.constants.R + r) * this.constants.S + s) {
            acc += dy[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          }
        }
      }
    }
  }
  return acc;
}

/** lp, p ≠ 2: max-scaled, m·(Σ (|x|/m)^p)^(1/p) with m the window's largest |x| (0 when m = 0). */
export function poolLpK(this: KernelThis, x: Arr, p: number): number {
  let m = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          m = Math.max(m, Math.abs(x[anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)]));
        }
      }
    }
  }
  if (m === 0) return 0;
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const v = Math.abs(x[anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)]) / m;
          if (v > 0) acc += Math.pow(v, p);
        }
      }
    }
  }
  return m * Math.pow(acc, 1 / p);
}

/** lp backward, p ≠ 2: dy · sign(x)·(|x|/y)^(p−1) from each window covering this cell (0 where y = 0). */
export function poolLpBackK(this: KernelThis, x: Arr, y: Arr, dy: Arr, p: number): number {
  const xv = x[this.thread.x];
  if (xv === 0) return 0;
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const yv = y[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          if (yv !== 0) acc += dy[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)] * Math.pow(Math.abs(xv) / yv, p - 1);
        }
      }
    }
  }
  if (xv < 0) return -acc;
  return acc;
}

/** weighted: Σ w·x / Σ w over the valid taps, w = exp(−d²/(2σ²)), d the tap's distance (in input
 *  cells, dilation included) from the window centre; 0 for an all-padding window. */
export function poolWeightedK(this: KernelThis, x: Arr, sigma: number): number {
  let acc = 0;
  let wsum = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const a = this.constants.dd * (t - (this.constants.T - 1) / 2);
          const b = this.constants.dh * (r - (this.constants.R - 1) / 2);
          const c = this.constants.dw * (s - (this.constants.S - 1) / 2);
          const w = Math.exp(-(a * a + b * b + c * c) / (2 * sigma * sigma));
          acc += w * x[anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          wsum += w;
        }
      }
    }
  }
  if (wsum === 0) return 0;
  return acc / wsum;
}

/** Σ w over the valid taps of each pooling output (the weighted backward's normaliser). */
export function poolWeightSumK(this: KernelThis, sigma: number): number {
  let wsum = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinSrc(this.thread.x, t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const a = this.constants.dd * (t - (this.constants.T - 1) / 2);
          const b = this.constants.dh * (r - (this.constants.R - 1) / 2);
          const c = this.constants.dw * (s - (this.constants.S - 1) / 2);
          const w = Math.exp(-(a * a + b * b + c * c) / (2 * sigma * sigma));
          wsum += w;
        }
      }
    }
  }
  return wsum;
}

/** weighted backward: dy · w / Σ w from each window covering this cell. */
export function poolWeightedBackK(this: KernelThis, dy: Arr, wsum: Arr, sigma: number): number {
  let acc = 0;
  for (let t = 0; t < this.constants.T; t++) {
    for (let r = 0; r < this.constants.R; r++) {
      for (let s = 0; s < this.constants.S; s++) {
        if (anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
          const a = this.constants.dd * (t - (this.constants.T - 1) / 2);
          const b = this.constants.dh * (r - (this.constants.R - 1) / 2);
          const c = this.constants.dw * (s - (this.constants.S - 1) / 2);
          const w = Math.exp(-(a * a + b * b + c * c) / (2 * sigma * sigma));
          acc += dy[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)] * w / wsum[anWinDst(this.thread.x, t, r, s, 0, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
        }
      }
    }
  }
  return acc;
}
