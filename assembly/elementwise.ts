// Elementwise and per-channel kernels: f32x4 bodies with a scalar tail, correct for every n.
// Outputs may alias inputs where src/kernels.ts allows it: every loop reads index i before it
// writes index i. Sums accumulate in f64 (two f64x2 lanes per f32x4), so long reductions of
// mixed-sign data keep float32 accuracy in the result. Threads split elementwise ranges and per-
// channel kernels by channel (assembly/parts.ts); the reductions run whole.
import { PART_ALIGN, partStart } from './parts';

/** Σ x[i] for i < n, in f64. */
function sumF64(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
  for (; i < n; i++) s += <f64>load<f32>(x + (<usize>i << 2));
  return s;
}

/** Σ x[i]² for i < n, squares in f64. */
function sumSquaresF64(x: usize, n: i32): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  let s = f64x2.extract_lane(lo, 0) + f64x2.extract_lane(lo, 1) + f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += v * v;
  }
  return s;
}

/** y[c, j] = x[c, j] + bias[c] over [channels, inner]. y may alias x. */
export function biasAdd(x: usize, bias: usize, y: usize, channels: i32, inner: i32, part: i32, nparts: i32): void {
  const rowBytes = <usize>inner << 2;
  const c1 = partStart(channels, part + 1, nparts, 1);
  for (let c = partStart(channels, part, nparts, 1); c < c1; c++) {
    const b = load<f32>(bias + (<usize>c << 2));
    const bv = f32x4.splat(b);
    const xr = x + <usize>c * rowBytes, yr = y + <usize>c * rowBytes;
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const o = <usize>i << 2;
      v128.store(yr + o, f32x4.add(v128.load(xr + o), bv));
    }
    for (; i < inner; i++) {
      const o = <usize>i << 2;
      store<f32>(yr + o, load<f32>(xr + o) + b);
    }
  }
}

/** db[c] = Σ_j dy[c, j] over [channels, inner]. */
export function biasGrad(dy: usize, db: usize, channels: i32, inner: i32, part: i32, nparts: i32): void {
  const rowBytes = <usize>inner << 2;
  const c1 = partStart(channels, part + 1, nparts, 1);
  for (let c = partStart(channels, part, nparts, 1); c < c1; c++) {
    store<f32>(db + (<usize>c << 2), <f32>sumF64(dy + <usize>c * rowBytes, inner));
  }
}

/** out = a·x + b·y. out may alias x or y. */
export function axpby(x: usize, y: usize, out: usize, n: i32, a: f32, b: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2; out += <usize>lo << 2;
  n = hi - lo;
  const av = f32x4.splat(a), bv = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(f32x4.mul(av, v128.load(x + o)), f32x4.mul(bv, v128.load(y + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, a * load<f32>(x + o) + b * load<f32>(y + o));
  }
}

/** out = x ⊙ y. out may alias x or y. */
export function mul(x: usize, y: usize, out: usize, n: i32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2; out += <usize>lo << 2;
  n = hi - lo;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(x + o) * load<f32>(y + o));
  }
}

/** out = alpha·x. out may alias x. */
export function scale(x: usize, out: usize, n: i32, alpha: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; out += <usize>lo << 2;
  n = hi - lo;
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(av, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, alpha * load<f32>(x + o));
  }
}

/** out[i] = x[i] for i < n (the glue offsets both pointers); memmove semantics. */
export function copy(x: usize, out: usize, n: i32): void {
  memory.copy(out, x, <usize>n << 2);
}

/** x[i] = value for i < n. */
export function fill(x: usize, n: i32, value: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2;
  n = hi - lo;
  const vv = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(x + (<usize>i << 2), vv);
  for (; i < n; i++) store<f32>(x + (<usize>i << 2), value);
}

/** out[0] = Σ x[i]. */
export function sum(x: usize, out: usize, n: i32): void {
  store<f32>(out, <f32>sumF64(x, n));
}

/** out[0] = Σ x[i]². */
export function sumSquares(x: usize, out: usize, n: i32): void {
  store<f32>(out, <f32>sumSquaresF64(x, n));
}

/** out = clamp(x, −limit, limit). out may alias x. NaN stays NaN (wasm min/max propagate it). */
export function clip(x: usize, out: usize, n: i32, limit: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; out += <usize>lo << 2;
  n = hi - lo;
  const top = f32x4.splat(limit), bottom = f32x4.splat(-limit);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(f32x4.max(v128.load(x + o), bottom), top));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, min(max(load<f32>(x + o), -limit), limit));
  }
}
