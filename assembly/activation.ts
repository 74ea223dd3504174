// Activations and their gradients. Gradients read the forward OUTPUT y, as neon does
// (nervanacpu.py:1927-1928). Piecewise-linear and polynomial bodies are f32x4; exp and tanh are
// scalar Mathf calls, since accuracy matters more than speed there. y (dx) may alias x (dy):
// every loop reads index i before it writes index i.

const ONE: v128 = f32x4.splat(1);
const ZERO: v128 = f32x4.splat(0);

/** y = max(x, 0) + slope·min(x, 0). */
export function rectlin(x: usize, y: usize, n: i32, slope: f32): void {
  const sv = f32x4.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(y + o, f32x4.add(f32x4.max(v, ZERO), f32x4.mul(sv, f32x4.min(v, ZERO))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, max(v, <f32>0) + slope * min(v, <f32>0));
  }
}

/** dx = dy · ([y > 0] + slope·[y < 0]). */
export function rectlinGrad(y: usize, dy: usize, dx: usize, n: i32, slope: f32): void {
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
export function explin(x: usize, y: usize, n: i32, alpha: f32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, max(v, <f32>0) + alpha * Mathf.expm1(min(v, <f32>0)));
  }
}

/** dx = dy · ([y > 0] + [y < 0]·(y + alpha)); 0 at y = 0. */
export function explinGrad(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void {
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
export function logistic(x: usize, y: usize, n: i32): void {
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
export function logisticGrad(y: usize, dy: usize, dx: usize, n: i32): void {
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
export function tanh(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, Mathf.tanh(load<f32>(x + o)));
  }
}

/** dx = dy · (1 − y²). */
export function tanhGrad(y: usize, dy: usize, dx: usize, n: i32): void {
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

/** Column-wise softmax of x viewed as [classes, batch], max-subtracted; the exp sum of each column
 *  accumulates in f64. Columns are strided by batch; walking them in order reuses cache lines. */
export function softmax(x: usize, y: usize, classes: i32, batch: i32): void {
  const rowBytes = <usize>batch << 2;
  for (let n = 0; n < batch; n++) {
    const xc = x + (<usize>n << 2), yc = y + (<usize>n << 2);
    let m = load<f32>(xc);
    for (let k = 1; k < classes; k++) m = max(m, load<f32>(xc + <usize>k * rowBytes));
    let total: f64 = 0;
    for (let k = 0; k < classes; k++) {
      const p = <usize>k * rowBytes;
      const e = Mathf.exp(load<f32>(xc + p) - m);
      store<f32>(yc + p, e);
      total += <f64>e;
    }
    for (let k = 0; k < classes; k++) {
      const p = yc + <usize>k * rowBytes;
      store<f32>(p, <f32>(<f64>load<f32>(p) / total));
    }
  }
}

/** dx[k, n] = y[k, n]·(dy[k, n] − Σ_j y[j, n]·dy[j, n]); 4 columns per f32x4, dot in f64. */
export function softmaxGrad(y: usize, dy: usize, dx: usize, classes: i32, batch: i32): void {
  const rowBytes = <usize>batch << 2;
  let n = 0;
  for (; n + 4 <= batch; n += 4) {
    const c = <usize>n << 2;
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (let k = 0; k < classes; k++) {
      const p = <usize>k * rowBytes + c;
      const yv = v128.load(y + p), dv = v128.load(dy + p);
      const a = f64x2.mul(f64x2.promote_low_f32x4(yv), f64x2.promote_low_f32x4(dv));
      const b = f64x2.mul(f64x2.promote_low_f32x4(f32x4.shuffle(yv, yv, 2, 3, 2, 3)),
        f64x2.promote_low_f32x4(f32x4.shuffle(dv, dv, 2, 3, 2, 3)));
      lo = f64x2.add(lo, a);
      hi = f64x2.add(hi, b);
    }
    const dot = f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    for (let k = 0; k < classes; k++) {
      const p = <usize>k * rowBytes + c;
      v128.store(dx + p, f32x4.mul(v128.load(y + p), f32x4.sub(v128.load(dy + p), dot)));
    }
  }
  for (; n < batch; n++) {
    const c = <usize>n << 2;
    let dot: f64 = 0;
    for (let k = 0; k < classes; k++) {
      const p = <usize>k * rowBytes + c;
      dot += <f64>load<f32>(y + p) * <f64>load<f32>(dy + p);
    }
    const d = <f32>dot;
    for (let k = 0; k < classes; k++) {
      const p = <usize>k * rowBytes + c;
      store<f32>(dx + p, load<f32>(y + p) * (load<f32>(dy + p) - d));
    }
  }
}
