// Activations and their gradients. Gradients read the forward OUTPUT y, as neon does
// (nervanacpu.py:1927-1928). Piecewise-linear and polynomial bodies are f32x4, and so is Explin's
// expm1 (simd-math.ts, accurate to a few float32 ulps); logistic's exp and tanh are scalar Mathf
// calls. y (dx) may alias x (dy): every loop reads index i before it writes index i.
import { PART_ALIGN, partStart } from './parts';
import { expm1NonPositive, rectlin1, rectlin4 } from './simd-math';

const ONE: v128 = f32x4.splat(1);
const ZERO: v128 = f32x4.splat(0);

/** y = max(x, 0) + slope·min(x, 0). */
export function rectlin(x: usize, y: usize, n: i32, slope: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2;
  n = hi - lo;
  const sv = f32x4.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(y + o, rectlin4(v, sv));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, rectlin1(v, slope));
  }
}

/** dx = dy · ([y > 0] + slope·[y < 0]). */
export function rectlinGrad(y: usize, dy: usize, dx: usize, n: i32, slope: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  y += <usize>lo << 2; dy += <usize>lo << 2; dx += <usize>lo << 2;
  n = hi - lo;
  const sv = f32x4.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    const f = f32x4.add(v128.and(ONE, f32x4.gt(v, ZERO)), v128.and(sv, f32x4.lt(v, ZERO)));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    const f: f32 = (v > 0 ? <f32>1 : <f32>0) + (v < 0 ? slope : <f32>0);
    store<f32>(dx + o, load<f32>(dy + o) * f);
  }
}

/** y = max(x, 0) + alpha·(exp(min(x, 0)) − 1), the last term as expm1 (exact near 0). */
export function explin(x: usize, y: usize, n: i32, alpha: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2;
  n = hi - lo;
  const av = f32x4.splat(alpha);
  // pmax/pmin (v < 0 ? 0 : v, 0 < v ? 0 : v): single maxps/minps, NaN still NaN; −0 gives −0.
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(y + o, f32x4.add(f32x4.pmax(v, ZERO), f32x4.mul(av, expm1NonPositive(f32x4.pmin(v, ZERO)))));
  }
  // The tail lane by lane through the same arithmetic, so a value's result never depends on where it sits.
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = v128.load32_zero(x + o);
    v128.store32_lane(y + o, f32x4.add(f32x4.pmax(v, ZERO), f32x4.mul(av, expm1NonPositive(f32x4.pmin(v, ZERO)))), 0);
  }
}

/** dx = dy · ([y > 0] + [y < 0]·(y + alpha)); 0 at y = 0. */
export function explinGrad(y: usize, dy: usize, dx: usize, n: i32, alpha: f32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  y += <usize>lo << 2; dy += <usize>lo << 2; dx += <usize>lo << 2;
  n = hi - lo;
  const av = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    const f = f32x4.add(v128.and(ONE, f32x4.gt(v, ZERO)), v128.and(f32x4.add(v, av), f32x4.lt(v, ZERO)));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    const f: f32 = (v > 0 ? <f32>1 : <f32>0) + (v < 0 ? v + alpha : <f32>0);
    store<f32>(dx + o, load<f32>(dy + o) * f);
  }
}

/** y = 1/(1 + e^−x); for x < 0 as eˣ/(1 + eˣ) so exp never overflows. */
export function logistic(x: usize, y: usize, n: i32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2;
  n = hi - lo;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: f32;
    if (v >= 0) {
      r = <f32>1 / (<f32>1 + Mathf.exp(-v));
    } else {
      const e = Mathf.exp(v);
      r = e / (<f32>1 + e);
    }
    store<f32>(y + o, r);
  }
}

/** dx = dy · y · (1 − y). */
export function logisticGrad(y: usize, dy: usize, dx: usize, n: i32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  y += <usize>lo << 2; dy += <usize>lo << 2; dx += <usize>lo << 2;
  n = hi - lo;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(f32x4.mul(v128.load(dy + o), v), f32x4.sub(ONE, v)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * v * (<f32>1 - v));
  }
}

/** y = tanh(x). */
export function tanh(x: usize, y: usize, n: i32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  x += <usize>lo << 2; y += <usize>lo << 2;
  n = hi - lo;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, Mathf.tanh(load<f32>(x + o)));
  }
}

/** dx = dy · (1 − y²). */
export function tanhGrad(y: usize, dy: usize, dx: usize, n: i32, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  y += <usize>lo << 2; dy += <usize>lo << 2; dx += <usize>lo << 2;
  n = hi - lo;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), f32x4.sub(ONE, f32x4.mul(v, v))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(y + o);
    store<f32>(dx + o, load<f32>(dy + o) * (<f32>1 - v * v));
  }
}

/** Column-wise softmax of x viewed as [classes, batch], max-subtracted. Walks row by row (batch is
 *  contiguous) with the per-column state in scratch `work`: batch f32 maxima, then batch f64 exp
 *  sums (8-byte aligned after the maxima). y may alias x. */
export function softmax(x: usize, y: usize, classes: i32, batch: i32, work: usize): void {
  const rowBytes = <usize>batch << 2;
  const mx = work, total = work + ((rowBytes + 7) & ~7);
  memory.copy(mx, x, rowBytes);
  for (let k = 1; k < classes; k++) {
    const xr = x + <usize>k * rowBytes;
    let n = 0;
    for (; n + 4 <= batch; n += 4) {
      const o = <usize>n << 2;
      v128.store(mx + o, f32x4.max(v128.load(mx + o), v128.load(xr + o)));
    }
    for (; n < batch; n++) {
      const o = <usize>n << 2;
      store<f32>(mx + o, max(load<f32>(mx + o), load<f32>(xr + o)));
    }
  }
  memory.fill(total, 0, <usize>batch << 3);
  for (let k = 0; k < classes; k++) {
    const xr = x + <usize>k * rowBytes, yr = y + <usize>k * rowBytes;
    for (let n = 0; n < batch; n++) {
      const o = <usize>n << 2;
      const e = Mathf.exp(load<f32>(xr + o) - load<f32>(mx + o));
      store<f32>(yr + o, e);
      const t = total + (<usize>n << 3);
      store<f64>(t, load<f64>(t) + <f64>e);
    }
  }
  for (let n = 0; n < batch; n++) {
    const t = total + (<usize>n << 3);
    store<f64>(t, 1 / load<f64>(t));
  }
  for (let k = 0; k < classes; k++) {
    const yr = y + <usize>k * rowBytes;
    for (let n = 0; n < batch; n++) {
      const o = <usize>n << 2;
      store<f32>(yr + o, <f32>(<f64>load<f32>(yr + o) * load<f64>(total + (<usize>n << 3))));
    }
  }
}

/** dx[k, n] = y[k, n]·(dy[k, n] − Σ_j y[j, n]·dy[j, n]). Walks rows like softmax; scratch `work`
 *  holds batch f64 dot products, then the same rounded to f32. dx may alias dy. */
export function softmaxGrad(y: usize, dy: usize, dx: usize, classes: i32, batch: i32, work: usize): void {
  const rowBytes = <usize>batch << 2;
  const dot = work, dot32 = work + (<usize>batch << 3);
  memory.fill(dot, 0, <usize>batch << 3);
  for (let k = 0; k < classes; k++) {
    const yr = y + <usize>k * rowBytes, dr = dy + <usize>k * rowBytes;
    let n = 0;
    for (; n + 4 <= batch; n += 4) {
      const o = <usize>n << 2, t = dot + (<usize>n << 3);
      const yv = v128.load(yr + o), dv = v128.load(dr + o);
      const lo = f64x2.mul(f64x2.promote_low_f32x4(yv), f64x2.promote_low_f32x4(dv));
      const hi = f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(yv, yv, 2, 3, 2, 3)),
        f64x2.promote_low_f32x4(f32x4.shuffle(dv, dv, 2, 3, 2, 3)));
      v128.store(t, f64x2.add(v128.load(t), lo));
      v128.store(t, f64x2.add(v128.load(t, 16), hi), 16);
    }
    for (; n < batch; n++) {
      const o = <usize>n << 2, t = dot + (<usize>n << 3);
      store<f64>(t, load<f64>(t) + <f64>load<f32>(yr + o) * <f64>load<f32>(dr + o));
    }
  }
  for (let n = 0; n < batch; n++) store<f32>(dot32 + (<usize>n << 2), <f32>load<f64>(dot + (<usize>n << 3)));
  for (let k = 0; k < classes; k++) {
    const off = <usize>k * rowBytes;
    const yr = y + off, dr = dy + off, xr = dx + off;
    let n = 0;
    for (; n + 4 <= batch; n += 4) {
      const o = <usize>n << 2;
      v128.store(xr + o, f32x4.mul(v128.load(yr + o), f32x4.sub(v128.load(dr + o), v128.load(dot32 + o))));
    }
    for (; n < batch; n++) {
      const o = <usize>n << 2;
      store<f32>(xr + o, load<f32>(yr + o) * (load<f32>(dr + o) - load<f32>(dot32 + o)));
    }
  }
}
