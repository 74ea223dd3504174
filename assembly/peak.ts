// The machine's 128-bit SIMD arithmetic peak as this engine runs it, for bench/peak.bench.ts: 12
// independent accumulators acc += a·b on f32x4, exactly the GEMM micro-kernel's update (gemm-micro.ts:
// a mul and an add in the plain build, the mul off the accumulator's dependency chain; one
// relaxed_madd in the relaxed build), enough accumulators to cover the units' latency, no loads or
// stores in the loop. 8 FLOP per accumulator step.
import { madd } from './simd-math';

/** Runs `steps` steps of the 12 chains and stores their sum at out + part·16 (so nothing is dead
 *  code). Every part does the whole loop: parts measure the threads side by side. */
export function simdPeakPart(steps: i32, out: usize, part: i32, _nparts: i32): void {
  const m = f32x4.splat(1e-7), c = f32x4.splat(0.5);
  let a0 = f32x4.splat(1), a1 = f32x4.splat(2), a2 = f32x4.splat(3), a3 = f32x4.splat(4);
  let a4 = f32x4.splat(5), a5 = f32x4.splat(6), a6 = f32x4.splat(7), a7 = f32x4.splat(8);
  let a8 = f32x4.splat(9), a9 = f32x4.splat(10), a10 = f32x4.splat(11), a11 = f32x4.splat(12);
  for (let i = 0; i < steps; i++) {
    a0 = madd(m, c, a0); a1 = madd(m, c, a1); a2 = madd(m, c, a2); a3 = madd(m, c, a3);
    a4 = madd(m, c, a4); a5 = madd(m, c, a5); a6 = madd(m, c, a6); a7 = madd(m, c, a7);
    a8 = madd(m, c, a8); a9 = madd(m, c, a9); a10 = madd(m, c, a10); a11 = madd(m, c, a11);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  v128.store(out + (<usize>max(part, 0) << 4), f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))));
}
