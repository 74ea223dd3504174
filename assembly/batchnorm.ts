// Batch norm over x viewed as [channels, inner], neon's formulas (nervanacpu.py:1707-1760): biased
// variance, rho is the KEPT fraction of the running stats. Per-channel statistics accumulate in
// f64 (two-pass variance); the per-element transforms are f32x4 with the channel's coefficients
// computed once in f64. rho and eps arrive as f64 so 1 − rho and var + eps are exact. Threads
// split the channels (assembly/parts.ts).
import { partStart } from './parts';
import { rectlin1, rectlin4 } from './simd-math';

@inline function lane4(acc0: v128, acc1: v128): f64 {
  return f64x2.extract_lane(acc0, 0) + f64x2.extract_lane(acc0, 1) + f64x2.extract_lane(acc1, 0) + f64x2.extract_lane(acc1, 1);
}

/** Σ x[j] over one row, in f64. */
function rowSum(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)));
  }
  let s = lane4(lo, hi);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** Σ (x[j] − mu)² over one row, in f64. */
function rowSqDev(x: usize, n: i32, mu: f64): f64 {
  const mv = f64x2.splat(mu);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    const a = f64x2.sub(f64x2.promote_low_f32x4(v), mv);
    const b = f64x2.sub(f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)), mv);
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  let s = lane4(lo, hi);
  for (; j < n; j++) {
    const d = <f64>load<f32>(x + (<usize>j << 2)) - mu;
    s += d * d;
  }
  return s;
}

/** y[j] = (x[j] − mu)·k + b over one row, then (act ≠ 0) Rectlin max(z, 0) + slope·min(z, 0). */
function rowAffine(x: usize, y: usize, n: i32, mu: f32, k: f32, b: f32, act: i32, slope: f32): void {
  const mv = f32x4.splat(mu), kv = f32x4.splat(k), bv = f32x4.splat(b), sv = f32x4.splat(slope);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    let z = f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + o), mv), kv), bv);
    if (act != 0) z = rectlin4(z, sv);
    v128.store(y + o, z);
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    let z = (load<f32>(x + o) - mu) * k + b;
    if (act != 0) z = rectlin1(z, slope);
    store<f32>(y + o, z);
  }
}

@inline function at(p: usize, c: i32): f32 {
  return load<f32>(p + (<usize>c << 2));
}

@inline function put(p: usize, c: i32, v: f64): void {
  store<f32>(p + (<usize>c << 2), <f32>v);
}

/** Training mode: writes y, mean, invStd and updates runMean/runVar in place. */
export function batchNormTrain(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, invStd: usize, runMean: usize, runVar: usize,
  channels: i32, inner: i32, rho: f64, eps: f64, part: i32, nparts: i32,
): void {
  trainChannels(x, gamma, beta, y, mean, invStd, runMean, runVar, channels, inner, rho, eps, false, 0, part, nparts);
}

/** Inference mode: y = (x − runMean)/√(runVar + eps)·gamma + beta. */
export function batchNormInfer(
  x: usize, gamma: usize, beta: usize, runMean: usize, runVar: usize, y: usize, channels: i32, inner: i32, eps: f64, part: i32, nparts: i32,
): void {
  const rowBytes = <usize>inner << 2;
  const c1 = partStart(channels, part + 1, nparts, 1);
  for (let c = partStart(channels, part, nparts, 1); c < c1; c++) {
    const k = <f64>at(gamma, c) / Math.sqrt(<f64>at(runVar, c) + eps);
    rowAffine(x + <usize>c * rowBytes, y + <usize>c * rowBytes, inner, at(runMean, c), <f32>k, at(beta, c), 0, 0);
  }
}

/** Backward: dgamma = Σ xhat·dy, dbeta = Σ dy, dx = gamma·invStd·(dy − (xhat·dgamma + dbeta)/inner)
 *  with xhat = (x − mean)·invStd. */
export function batchNormGrad(
  x: usize, dy: usize, gamma: usize, mean: usize, invStd: usize, dx: usize, dgamma: usize, dbeta: usize,
  channels: i32, inner: i32, part: i32, nparts: i32,
): void {
  gradChannels(x, dy, gamma, 0, mean, invStd, dx, dgamma, dbeta, channels, inner, false, 0, part, nparts);
}

/** batchNormTrain then Rectlin: y = max(z, 0) + slope·min(z, 0) with z = (x − mean)·k + beta,
 *  k = gamma·invStd formed from the float32 invStd it stores, so that batchNormRectlinGrad rebuilds z
 *  bit for bit from x and never needs z or y. The statistics still take their two passes over x;
 *  the fusion saves Rectlin's own pass (a read and a write of y). */
export function batchNormRectlinTrain(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, invStd: usize, runMean: usize, runVar: usize,
  channels: i32, inner: i32, rho: f64, eps: f64, slope: f32, part: i32, nparts: i32,
): void {
  trainChannels(x, gamma, beta, y, mean, invStd, runMean, runVar, channels, inner, rho, eps, true, slope, part, nparts);
}

/** batchNormTrain's channels [part of nparts], then (act) Rectlin with k formed from the float32
 *  invStd. Both exports pass `act` as a constant, so each inlined copy keeps only its own branch. */
// @ts-ignore: decorator
@inline function trainChannels(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, invStd: usize, runMean: usize, runVar: usize,
  channels: i32, inner: i32, rho: f64, eps: f64, act: bool, slope: f32, part: i32, nparts: i32,
): void {
  const rowBytes = <usize>inner << 2;
  const c1 = partStart(channels, part + 1, nparts, 1);
  for (let c = partStart(channels, part, nparts, 1); c < c1; c++) {
    const xr = x + <usize>c * rowBytes;
    const mu = rowSum(xr, inner) / <f64>inner;
    const variance = rowSqDev(xr, inner, mu) / <f64>inner;
    const inv = 1 / Math.sqrt(variance + eps);
    // The fused kernel's k comes from invStd as stored (float32), as its gradient rebuilds it.
    const kInv = act ? <f64><f32>inv : inv;
    rowAffine(xr, y + <usize>c * rowBytes, inner, <f32>mu, <f32>(kInv * <f64>at(gamma, c)), at(beta, c), act ? 1 : 0, slope);
    put(mean, c, mu);
    put(invStd, c, inv);
    put(runMean, c, rho * <f64>at(runMean, c) + (1 - rho) * mu);
    put(runVar, c, rho * <f64>at(runVar, c) + (1 - rho) * variance);
  }
}

/** dz = dy·([z > 0] + slope·[z < 0]) for z rebuilt from x as batchNormRectlinTrain formed it. */
// @ts-ignore: decorator
@inline function maskedGrad(xv: v128, dv: v128, mv: v128, kv: v128, bv: v128, sv: v128): v128 {
  const z = f32x4.add(f32x4.mul(f32x4.sub(xv, mv), kv), bv), zero = f32x4.splat(0);
  const f = f32x4.add(v128.and(f32x4.splat(1), f32x4.gt(z, zero)), v128.and(sv, f32x4.lt(z, zero)));
  return f32x4.mul(dv, f);
}

/** The gradient of batchNormRectlinTrain: batchNormGrad of dz = dy·Rectlin'(z), in two sweeps of x
 *  and dy (the unfused pair takes five: Rectlin's gradient writes dz, batchNormGrad reads it twice). */
export function batchNormRectlinGrad(
  x: usize, dy: usize, gamma: usize, mean: usize, invStd: usize, dx: usize, dgamma: usize, dbeta: usize,
  channels: i32, inner: i32, beta: usize, slope: f32, part: i32, nparts: i32,
): void {
  gradChannels(x, dy, gamma, beta, mean, invStd, dx, dgamma, dbeta, channels, inner, true, slope, part, nparts);
}

/** batchNormGrad's channels [part of nparts], of dy itself or (masked) of dy·Rectlin'(z). Both
 *  exports pass `masked` as a constant, so each inlined copy keeps only its own branch. Tails go
 *  through lane 0 of the vector code, so every element gets the same f32 arithmetic. */
// @ts-ignore: decorator
@inline function gradChannels(
  x: usize, dy: usize, gamma: usize, beta: usize, mean: usize, invStd: usize, dx: usize, dgamma: usize, dbeta: usize,
  channels: i32, inner: i32, masked: bool, slope: f32, part: i32, nparts: i32,
): void {
  const rowBytes = <usize>inner << 2;
  const c1 = partStart(channels, part + 1, nparts, 1);
  const sv = f32x4.splat(slope);
  for (let c = partStart(channels, part, nparts, 1); c < c1; c++) {
    const xr = x + <usize>c * rowBytes, dyr = dy + <usize>c * rowBytes, dxr = dx + <usize>c * rowBytes;
    const mu = at(mean, c), I = at(invStd, c), inv = <f64>I;
    // z = (x − mean)·kz + beta as batchNormRectlinTrain formed it (read only when masked).
    const m4 = f32x4.splat(mu), kzv = f32x4.splat(<f32>(inv * <f64>at(gamma, c))), bzv = f32x4.splat(masked ? at(beta, c) : 0);
    // Σ (x − mean)·dz and Σ dz in f64.
    const mv = f64x2.splat(<f64>mu);
    let p0 = f64x2.splat(0), p1 = f64x2.splat(0), s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let j = 0;
    for (; j + 4 <= inner; j += 4) {
      const o = <usize>j << 2;
      const xv = v128.load(xr + o);
      const dv = masked ? maskedGrad(xv, v128.load(dyr + o), m4, kzv, bzv, sv) : v128.load(dyr + o);
      const d0 = f64x2.promote_low_f32x4(dv), d1 = f64x2.promote_low_f32x4(f32x4.shuffle(dv, dv, 2, 3, 2, 3));
      const x0 = f64x2.sub(f64x2.promote_low_f32x4(xv), mv);
      const x1 = f64x2.sub(f64x2.promote_low_f32x4(f32x4.shuffle(xv, xv, 2, 3, 2, 3)), mv);
      p0 = f64x2.add(p0, f64x2.mul(x0, d0));
      p1 = f64x2.add(p1, f64x2.mul(x1, d1));
      s0 = f64x2.add(s0, d0);
      s1 = f64x2.add(s1, d1);
    }
    let dot = lane4(p0, p1), db = lane4(s0, s1);
    for (; j < inner; j++) {
      const o = <usize>j << 2;
      const dv = masked ? maskedGrad(v128.load32_zero(xr + o), v128.load32_zero(dyr + o), m4, kzv, bzv, sv) : v128.load32_zero(dyr + o);
      const d = <f64>f32x4.extract_lane(dv, 0);
      dot += (<f64>load<f32>(xr + o) - <f64>mu) * d;
      db += d;
    }
    const dg = dot * inv;
    put(dgamma, c, dg);
    put(dbeta, c, db);
    // dx = k·(dz − (xhat·A + B)), A = dgamma/inner, B = dbeta/inner, xhat = (x − mean)·invStd: the
    // contract's factored order, so dz − B cancels exactly when it should (inner = 1).
    const k = <f32>(<f64>at(gamma, c) * inv);
    const A = <f32>(dg / <f64>inner), B = <f32>(db / <f64>inner);
    const kv = f32x4.splat(k), av = f32x4.splat(A), bv = f32x4.splat(B), iv = f32x4.splat(I);
    j = 0;
    for (; j + 4 <= inner; j += 4) {
      const o = <usize>j << 2;
      const xv = v128.load(xr + o);
      const dv = masked ? maskedGrad(xv, v128.load(dyr + o), m4, kzv, bzv, sv) : v128.load(dyr + o);
      const t = f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(xv, m4), iv), av), bv);
      v128.store(dxr + o, f32x4.mul(kv, f32x4.sub(dv, t)));
    }
    for (; j < inner; j++) {
      const o = <usize>j << 2;
      const xv = v128.load32_zero(xr + o);
      const dv = masked ? maskedGrad(xv, v128.load32_zero(dyr + o), m4, kzv, bzv, sv) : v128.load32_zero(dyr + o);
      const t = f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(xv, m4), iv), av), bv);
      v128.store32_lane(dxr + o, f32x4.mul(kv, f32x4.sub(dv, t)), 0);
    }
  }
}
