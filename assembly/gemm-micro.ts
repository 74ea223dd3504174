// The MR×NR register-blocked micro-kernel of sgemm (gemm.ts explains its measured choices), over
// panels packed as gemm-pack.ts lays them out. Apart from gemm.ts so that kernels which pack their
// own panels (winograd-conv.ts writes its transforms straight into B panels) share it without it
// becoming a wasm export. The relaxed build (ASC_FEATURE_RELAXED_SIMD) turns each mul+add into one
// f32x4.relaxed_madd.
import { MR, NR } from './gemm-pack';
import { madd } from './simd-math';

/** One C row of the tile: c[0:8] = alpha·(x0, x1) + beta·c[0:8] (c not read when beta = 0). */
// @ts-ignore: decorator
@inline function storeRow(c: usize, x0: v128, x1: v128, av: v128, bv: v128, readC: bool): void {
  if (readC) {
    v128.store(c, f32x4.add(f32x4.mul(x0, av), f32x4.mul(v128.load(c), bv)));
    v128.store(c, f32x4.add(f32x4.mul(x1, av), f32x4.mul(v128.load(c, 16), bv)), 16);
  } else {
    v128.store(c, f32x4.mul(x0, av));
    v128.store(c, f32x4.mul(x1, av), 16);
  }
}

/** The register block over kc steps of Apanel (MR floats per step) and Bpanel (NR), then its
 *  write-back: whole and unscaled when `full` (a constant where this is inlined, so each caller gets
 *  only its own branch), else alpha·tile + beta·C with an edge tile staged in `tile`. */
// @ts-ignore: decorator
@inline function block(full: bool, kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, alpha: f32, beta: f32, mr: i32, nr: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  // Counting A's pointer to its end instead of a step counter saves an instruction per step, worth
  // 5 % here (V8 adds a stack check to every iteration, and unrolling spills the accumulators).
  const end = ap + <usize>kc * <usize>(MR << 2);
  while (ap < end) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    ap += MR << 2;
    bp += NR << 2;
  }
  if (full) {
    v128.store(c, c00); v128.store(c, c01, 16);
    c += ldcBytes;
    v128.store(c, c10); v128.store(c, c11, 16);
    c += ldcBytes;
    v128.store(c, c20); v128.store(c, c21, 16);
    c += ldcBytes;
    v128.store(c, c30); v128.store(c, c31, 16);
    return;
  }
  const av = f32x4.splat(alpha), bv = f32x4.splat(beta);
  const readC = beta != 0;
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, av, bv, readC);
    storeRow(c + ldcBytes, c10, c11, av, bv, readC);
    storeRow(c + ldcBytes * 2, c20, c21, av, bv, readC);
    storeRow(c + ldcBytes * 3, c30, c31, av, bv, readC);
    return;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16);
  v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80);
  v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  writeEdge(tile, c, ldcBytes, alpha, beta, mr, nr);
}

/** C tile (mr×nr valid of MR×NR) = alpha·Apanel·Bpanel + beta·C over kc steps: Apanel holds MR
 *  floats per k step, Bpanel NR; `tile` is MR·NR·4 bytes of staging for an edge tile's write-back. */
export function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize, alpha: f32, beta: f32, mr: i32, nr: i32, tile: usize): void {
  block(false, kc, ap, bp, c, ldcBytes, alpha, beta, mr, nr, tile);
}

/** The full MR×NR tile C = Apanel·Bpanel over kc steps, stored without scaling (alpha 1, beta 0):
 *  for callers that always pass whole panels (winograd-conv.ts pads its products to them). Without
 *  microKernel's edge, alpha and beta handling it ran 20 % faster at C = 32; the same wasm
 *  instructions as when its loop was a copy (disassembly compared). */
export function microKernelFull(kc: i32, ap: usize, bp: usize, c: usize, ldcBytes: usize): void {
  block(true, kc, ap, bp, c, ldcBytes, 1, 0, MR, NR, 0);
}

function writeEdge(tile: usize, c: usize, ldcBytes: usize, alpha: f32, beta: f32, mr: i32, nr: i32): void {
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldcBytes;
    const t = tile + (<usize>(i * NR) << 2);
    for (let j = 0; j < nr; j++) {
      const q = row + (<usize>j << 2);
      const x = alpha * load<f32>(t + (<usize>j << 2));
      store<f32>(q, beta != 0 ? x + beta * load<f32>(q) : x);
    }
  }
}
