// f32x4 helpers the kernels share: multiply–add, Rectlin, and elementary functions for the activation kernels. expm1 for x ≤ 0 (Explin's negative side):
// Cody & Waite range reduction x = k·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for
// eʳ − 1 (truncation below 4e-7 relative at |r| = ln2/2), then eˣ − 1 = 2ᵏ·(eʳ − 1) + (2ᵏ − 1), which
// keeps full relative accuracy near 0 (k = 0 there) where eˣ − 1 would cancel. Measured against
// float64 Math.expm1 over [−100, 0] in test/wasm-activation-math.test.ts.

const LOG2E: v128 = f32x4.splat(1.4426950408889634);
// ln 2 split so that k·LN2_HI is exact for |k| < 2⁸ (LN2_HI has 16 significant bits).
const LN2_HI: v128 = f32x4.splat(0.693145751953125);
const LN2_LO: v128 = f32x4.splat(1.428606765330187e-6);
/** Below this eˣ underflows float32's normal range: eˣ − 1 is −1 to float32 precision. */
const LOWEST: v128 = f32x4.splat(-87.0);
/** 1.5·2²³: adding it rounds |t| < 2²² to an integer (to nearest, ties to even) held in the low
 *  mantissa bits, so one add gives both k as a float (after subtracting it back) and k's bits. */
const ROUND: v128 = f32x4.splat(12582912.0);

// @ts-ignore: decorator
@inline function c(v: f64): v128 {
  return f32x4.splat(<f32>v);
}

/** eˣ − 1 per lane for x ≤ 0 (x > 0 is not handled; callers pass min(x, 0)). */
// @ts-ignore: decorator
@inline export function expm1NonPositive(x: v128): v128 {
  x = f32x4.pmax(x, LOWEST); // pmax: one maxps (NaN stays NaN), where max needs NaN and ±0 fix-ups
  const t = f32x4.add(f32x4.mul(x, LOG2E), ROUND);
  const k = f32x4.sub(t, ROUND);
  const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, LN2_HI)), f32x4.mul(k, LN2_LO));
  // p = r + r²/2! + … + r⁷/7! by Horner: r·(1 + r·(1/2 + r·(1/6 + …))).
  let p = f32x4.add(c(1.0 / 720), f32x4.mul(r, c(1.0 / 5040)));
  p = f32x4.add(c(1.0 / 120), f32x4.mul(r, p));
  p = f32x4.add(c(1.0 / 24), f32x4.mul(r, p));
  p = f32x4.add(c(1.0 / 6), f32x4.mul(r, p));
  p = f32x4.add(c(0.5), f32x4.mul(r, p));
  p = f32x4.add(c(1.0), f32x4.mul(r, p));
  p = f32x4.mul(r, p);
  // 2ᵏ from the exponent bits: k ∈ [−126, 0] here, so (k + 127) << 23 is a normal float; t's low
  // bits are k (two's complement) and the shift drops the rest.
  const two = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.add(f32x4.mul(two, p), f32x4.sub(two, c(1.0)));
}

/** acc + a·b per lane: one relaxed_madd in the relaxed build (ASC_FEATURE_RELAXED_SIMD: fused or
 *  not, as the engine picks), else a multiply then an add. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Rectlin per lane, max(v, 0) + slope·min(v, 0), with sv = slope in every lane. */
// @ts-ignore: decorator
@inline export function rectlin4(v: v128, sv: v128): v128 {
  const zero = f32x4.splat(0);
  return f32x4.add(f32x4.max(v, zero), f32x4.mul(sv, f32x4.min(v, zero)));
}

/** rectlin4 on one value (the loops' tails): the same arithmetic. */
// @ts-ignore: decorator
@inline export function rectlin1(v: f32, slope: f32): f32 {
  return max(v, <f32>0) + slope * min(v, <f32>0);
}
