// Shared assertions for the suites. Tolerances follow the house rule |a − b| ≤ rtol·|b| + atol.
import * as assert from 'uvu/assert';

export interface Tolerance { rtol: number; atol: number }

/** float64 checks (gradient checks, reference backend). */
export const F64: Tolerance = { rtol: 1e-6, atol: 1e-9 };
/** float32 backends against the reference. */
export const F32: Tolerance = { rtol: 1e-4, atol: 1e-6 };

/** Asserts every element is within tolerance; the message names the first bad index and both values. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string): void {
  assert.is(actual.length, expected.length, `${label}: length ${actual.length}, expected ${expected.length}`);
  let worst = -1, worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    const bound = tol.rtol * Math.abs(b) + tol.atol;
    const diff = Math.abs(a - b);
    if (!(diff <= bound)) {
      const excess = Number.isNaN(diff) ? Infinity : diff / bound;
      if (excess > worstExcess || worst < 0) { worst = i; worstExcess = excess; }
    }
  }
  if (worst >= 0) {
    assert.unreachable(`${label}: index ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
      `(rtol ${tol.rtol}, atol ${tol.atol})`);
  }
}

/** Deterministic pseudo-random values in [lo, hi) (mulberry32), so failures reproduce. */
export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Asserts the same bytes (bit-identical floats, NaN payloads and −0 included); the message names
 *  the first differing element. A loop, not uvu's diff, which takes minutes on long arrays. */
export function sameBytes(a: Float32Array | Int32Array, b: Float32Array | Int32Array, label: string): void {
  assert.is(a.length, b.length, `${label}: length`);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) assert.unreachable(`${label}: element ${i >> 2} differs: ${a[i >> 2]} vs ${b[i >> 2]}`);
  }
}
