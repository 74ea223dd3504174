// Optimizer steps over one parameter tensor, in place (neon optimizer.py: GradientDescentMomentum
// :416-539, RMSProp :542-633, Adam :825-930, Adagrad), following src/kernels.ts term by term. Hyper-
// parameters arrive as f64; derived coefficients (1 − β, Adam's bias correction) are formed in
// f64 and rounded once to f32 for the f32x4 body.
import { PART_ALIGN, partStart } from './parts';

/** g' = gradScale·g + wdecay·w; momentum ≠ 0: v = μ·v − lr·g', w += v (nesterov: w += μ·v − lr·g'
 *  with the new v); momentum = 0: w −= lr·g' and v is neither read nor written. */
export function sgdUpdate(
  w: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64, wdecay: f64, gradScale: f64, nesterov: i32, part: i32, nparts: i32,
): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  w += <usize>lo << 2; g += <usize>lo << 2; v += <usize>lo << 2;
  n = hi - lo;
  const L = <f32>lr, M = <f32>momentum, D = <f32>wdecay, S = <f32>gradScale;
  const lv = f32x4.splat(L), mv = f32x4.splat(M), dv = f32x4.splat(D), sv = f32x4.splat(S);
  const useV = momentum != 0, nest = nesterov != 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wv = v128.load(w + o);
    const gp = f32x4.add(f32x4.mul(sv, v128.load(g + o)), f32x4.mul(dv, wv));
    const step = f32x4.mul(lv, gp);
    if (!useV) {
      v128.store(w + o, f32x4.sub(wv, step));
      continue;
    }
    const vn = f32x4.sub(f32x4.mul(mv, v128.load(v + o)), step);
    v128.store(v + o, vn);
    v128.store(w + o, f32x4.add(wv, nest ? f32x4.sub(f32x4.mul(mv, vn), step) : vn));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wv = load<f32>(w + o);
    const step = L * (S * load<f32>(g + o) + D * wv);
    if (!useV) {
      store<f32>(w + o, wv - step);
      continue;
    }
    const vn = M * load<f32>(v + o) - step;
    store<f32>(v + o, vn);
    store<f32>(w + o, wv + (nest ? M * vn - step : vn));
  }
}

/** Adam at step t ≥ 1: g' = gradScale·g; m = β1·m + (1 − β1)·g'; v = β2·v + (1 − β2)·g'²;
 *  w −= lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + eps). */
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, gradScale: f64, step: f64, part: i32, nparts: i32,
): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  w += <usize>lo << 2; g += <usize>lo << 2; m += <usize>lo << 2; v += <usize>lo << 2;
  n = hi - lo;
  const B1 = <f32>beta1, C1 = <f32>(1 - beta1), B2 = <f32>beta2, C2 = <f32>(1 - beta2);
  const E = <f32>eps, S = <f32>gradScale;
  const A = <f32>(lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step)));
  const b1 = f32x4.splat(B1), c1 = f32x4.splat(C1), b2 = f32x4.splat(B2), c2 = f32x4.splat(C2);
  const ev = f32x4.splat(E), sv = f32x4.splat(S), av = f32x4.splat(A);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gp = f32x4.mul(sv, v128.load(g + o));
    const mn = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gp));
    const vn = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gp, gp)));
    v128.store(m + o, mn);
    v128.store(v + o, vn);
    const upd = f32x4.div(f32x4.mul(av, mn), f32x4.add(f32x4.sqrt(vn), ev));
    v128.store(w + o, f32x4.sub(v128.load(w + o), upd));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gp = S * load<f32>(g + o);
    const mn = B1 * load<f32>(m + o) + C1 * gp;
    const vn = B2 * load<f32>(v + o) + C2 * gp * gp;
    store<f32>(m + o, mn);
    store<f32>(v + o, vn);
    store<f32>(w + o, load<f32>(w + o) - A * mn / (Mathf.sqrt(vn) + E));
  }
}

/** Adagrad: g' = gradScale·g; acc += g'²; w −= lr·g' / √(acc + eps). */
export function adagradUpdate(w: usize, g: usize, acc: usize, n: i32, lr: f64, eps: f64, gradScale: f64, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  w += <usize>lo << 2; g += <usize>lo << 2; acc += <usize>lo << 2;
  n = hi - lo;
  const L = <f32>lr, E = <f32>eps, S = <f32>gradScale;
  const lv = f32x4.splat(L), ev = f32x4.splat(E), sv = f32x4.splat(S);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gp = f32x4.mul(sv, v128.load(g + o));
    const an = f32x4.add(v128.load(acc + o), f32x4.mul(gp, gp));
    v128.store(acc + o, an);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(lv, gp), f32x4.sqrt(f32x4.add(an, ev)))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gp = S * load<f32>(g + o);
    const an = load<f32>(acc + o) + gp * gp;
    store<f32>(acc + o, an);
    store<f32>(w + o, load<f32>(w + o) - L * gp / Mathf.sqrt(an + E));
  }
}

/** RMSProp: g' = gradScale·g; m = ρ·m + (1 − ρ)·g'²; w −= lr·g' / (√(m + eps) + eps). */
export function rmspropUpdate(w: usize, g: usize, m: usize, n: i32, lr: f64, decay: f64, eps: f64, gradScale: f64, part: i32, nparts: i32): void {
  const lo = partStart(n, part, nparts, PART_ALIGN), hi = partStart(n, part + 1, nparts, PART_ALIGN);
  w += <usize>lo << 2; g += <usize>lo << 2; m += <usize>lo << 2;
  n = hi - lo;
  const R = <f32>decay, C = <f32>(1 - decay), L = <f32>lr, E = <f32>eps, S = <f32>gradScale;
  const rv = f32x4.splat(R), cv = f32x4.splat(C), lv = f32x4.splat(L), ev = f32x4.splat(E), sv = f32x4.splat(S);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gp = f32x4.mul(sv, v128.load(g + o));
    const mn = f32x4.add(f32x4.mul(rv, v128.load(m + o)), f32x4.mul(cv, f32x4.mul(gp, gp)));
    v128.store(m + o, mn);
    const den = f32x4.add(f32x4.sqrt(f32x4.add(mn, ev)), ev);
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(lv, gp), den)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gp = S * load<f32>(g + o);
    const mn = R * load<f32>(m + o) + C * gp * gp;
    store<f32>(m + o, mn);
    store<f32>(w + o, load<f32>(w + o) - L * gp / (Mathf.sqrt(mn + E) + E));
  }
}
