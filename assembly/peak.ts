// The machine's 128-bit SIMD arithmetic peak as this engine runs it, for bench/peak.bench.ts: 12
// independent chains of acc = acc·m + c on f32x4 (a mul and an add each, or one relaxed_madd in the
// relaxed build: the same instructions the GEMM micro-kernel issues, gemm-micro.ts), enough chains
// to cover the latency of the pipelined units, no loads or stores in the loop. 8 FLOP per chain step.

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Runs `steps` steps of the 12 chains and stores their sum at out + part·16 (so nothing is dead
 *  code). Every part does the whole loop: parts measure the threads side by side. */
export function simdPeakPart(steps: i32, out: usize, part: i32, _nparts: i32): void {
  const m = f32x4.splat(0.999999), c = f32x4.splat(1e-7);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < steps; i++) {
    a0 = madd(a0, m, c); a1 = madd(a1, m, c); a2 = madd(a2, m, c); a3 = madd(a3, m, c);
    a4 = madd(a4, m, c); a5 = madd(a5, m, c); a6 = madd(a6, m, c); a7 = madd(a7, m, c);
    a8 = madd(a8, m, c); a9 = madd(a9, m, c); a10 = madd(a10, m, c); a11 = madd(a11, m, c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  v128.store(out + (<usize>max(part, 0) << 4), f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))));
}
