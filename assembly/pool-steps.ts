// The N-wide steps of the pooling kernels (assembly/pool.ts): each folds one contiguous N-vector
// of a window tap (the batch, innermost) into an N-vector of the output, f32x4 with a scalar tail.

/** y = x, a = tap for n values. */
export function maxInit(y: usize, a: usize, x: usize, n: i32, tap: i32): void {
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
export function maxStep(y: usize, a: usize, x: usize, n: i32, tap: i32): void {
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
export function sumStep(y: usize, x: usize, n: i32, first: bool, square: bool): void {
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

/** y = w·x (first) or y += w·x. */
export function weightedStep(y: usize, x: usize, n: i32, first: bool, w: f32): void {
  const wv = f32x4.splat(w);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.mul(v128.load(x + o), wv);
    v128.store(y + o, first ? v : f32x4.add(v128.load(y + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o) * w;
    store<f32>(y + o, first ? v : load<f32>(y + o) + v);
  }
}

/** m = |x| (first) or m = max(m, |x|). */
export function absMaxStep(m: usize, x: usize, n: i32, first: bool): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = f32x4.abs(v128.load(x + o));
    v128.store(m + o, first ? v : f32x4.max(v128.load(m + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = Mathf.abs(load<f32>(x + o));
    store<f32>(m + o, first ? v : Mathf.max(load<f32>(m + o), v));
  }
}

/** inv = 1/m where m > 0, else 0. */
export function reciprocal(inv: usize, m: usize, n: i32): void {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(m + o);
    v128.store(inv + o, v128.and(f32x4.div(one, v), f32x4.gt(v, zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(m + o);
    store<f32>(inv + o, v > 0 ? <f32>1 / v : 0);
  }
}

/** The integer exponent for repeated squaring, or −1 when e is not an integer in [0, 32]. */
@inline export function intExponent(e: f32): i32 {
  return e >= 0 && e <= 32 && Mathf.floor(e) == e ? <i32>e : -1;
}

/** v^e lane by lane: repeated squaring for an integer e (ie ≥ 0), Mathf.pow otherwise. v ≥ 0. */
function powv(v: v128, e: f32, ie: i32): v128 {
  if (ie >= 0) {
    let r = f32x4.splat(1), b = v, k = ie;
    while (k > 0) {
      if (k & 1) r = f32x4.mul(r, b);
      k >>= 1;
      if (k > 0) b = f32x4.mul(b, b);
    }
    return r;
  }
  let r = f32x4.splat(Mathf.pow(f32x4.extract_lane(v, 0), e));
  r = f32x4.replace_lane(r, 1, Mathf.pow(f32x4.extract_lane(v, 1), e));
  r = f32x4.replace_lane(r, 2, Mathf.pow(f32x4.extract_lane(v, 2), e));
  return f32x4.replace_lane(r, 3, Mathf.pow(f32x4.extract_lane(v, 3), e));
}

/** The scalar twin of powv (same multiplications in the same order). */
function pows(v: f32, e: f32, ie: i32): f32 {
  if (ie < 0) return Mathf.pow(v, e);
  let r: f32 = 1, b = v, k = ie;
  while (k > 0) {
    if (k & 1) r *= b;
    k >>= 1;
    if (k > 0) b *= b;
  }
  return r;
}

/** y = (|x|·inv)^p (first) or y += (|x|·inv)^p. */
export function lpStep(y: usize, x: usize, inv: usize, n: i32, first: bool, p: f32, ip: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = powv(f32x4.mul(f32x4.abs(v128.load(x + o)), v128.load(inv + o)), p, ip);
    v128.store(y + o, first ? v : f32x4.add(v128.load(y + o), v));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = pows(Mathf.abs(load<f32>(x + o)) * load<f32>(inv + o), p, ip);
    store<f32>(y + o, first ? v : load<f32>(y + o) + v);
  }
}

/** dx += dy·k for a scalar k (avg: 1/count, weighted: w/wsum), over N values. */
export function spreadScaled(dx: usize, dy: usize, n: i32, k: f32): void {
  const kv = f32x4.splat(k);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, f32x4.add(v128.load(dx + o), f32x4.mul(v128.load(dy + o), kv)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o) * k);
  }
}

/** avg: dx += dy / count (the historical division, kept bit-for-bit); l2: dx += dy·x/y; lp:
 *  dx += dy·sign(x)·(|x|/y)^(p−1); 0 where y = 0. */
export function spreadStep(dx: usize, x: usize, y: usize, dy: usize, n: i32, mode: i32, count: i32, p: f32, ip: i32): void {
  const cv = f32x4.splat(<f32>count), zero = f32x4.splat(0), one = f32x4.splat(1);
  const signBit = i32x4.splat(i32.MIN_VALUE);
  const e = p - 1;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const d = v128.load(dy + o);
    let v: v128;
    if (mode == 1) {
      v = f32x4.div(d, cv);
    } else {
      const yv = v128.load(y + o), xv = v128.load(x + o);
      const live = f32x4.ne(yv, zero);
      if (mode == 2) {
        v = v128.and(f32x4.div(f32x4.mul(d, xv), yv), live);
      } else {
        const ratio = v128.and(f32x4.div(f32x4.abs(xv), yv), live);
        // sign(x) as ±1, and 0 where x = 0 (matters for p = 1, where ratio^0 = 1).
        const sign = v128.and(v128.or(v128.and(xv, signBit), one), f32x4.ne(xv, zero));
        v = v128.and(f32x4.mul(f32x4.mul(d, sign), powv(ratio, e, ip)), live);
      }
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
      const yv = load<f32>(y + o), xv = load<f32>(x + o);
      if (yv == 0) v = 0;
      else if (mode == 2) v = d * xv / yv;
      else {
        const sign: f32 = xv > 0 ? 1 : xv < 0 ? -1 : 0;
        v = d * sign * pows(Mathf.abs(xv) / yv, e, ip);
      }
    }
    store<f32>(dx + o, load<f32>(dx + o) + v);
  }
}
