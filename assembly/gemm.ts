// SGEMM over row-major f32 matrices, GotoBLAS style (Goto & van de Geijn, "Anatomy of
// High-Performance Matrix Multiplication", TOMS 2008): B is packed into KC×NR k-major panels
// (L1-resident while the A block streams past), A into MR-high k-major panels (the MC×KC block
// stays in L2), and an MR×NR register block accumulates in f32x4 locals. The packing routines
// absorb both transposes and pad edges with zeros, so the micro-kernel always runs full and only
// the write-back looks at the valid part. The relaxed build (ASC_FEATURE_RELAXED_SIMD) turns each
// mul+add into one f32x4.relaxed_madd.
//
// Measured choices (Node 20 / V8 11.3 on the project's x64 box, 1024³):
// - 4×8 block: 8 accumulators + 2 B + 1 A splat + 1 product temporary of the 15 xmm registers V8
//   allocates (xmm15 is its scratch). 5×8 and 6×8 were no faster, and pre-splatted A was slower.
// - No k-loop unrolling: TurboFan hoists every load of an unrolled body to the top and spills the
//   accumulators (2–4× unrolled ran 10–20% slower).
// - The plain build issues a mul and an add per FMA: with two multiply and two add pipes sharing
//   three 128-bit ports (Intel) it tops out near 12 FLOP/cycle, relaxed_madd near 16.
// - KC 384 / MC 128 / NC 512 and packing B inside the first A block (below) were each worth a
//   few percent, mostly on conv-like shapes with small m.
import { microKernel } from './gemm-micro';
import { MR, NR, packA, packB } from './gemm-pack';
import { SKINNY_N, sgemmSkinny } from './gemm-skinny';
import { partCount, partStart } from './parts';

const KC: i32 = 384;
const MC: i32 = 128;
const NC: i32 = 512;
/** Bytes of the MR×NR staging tile used for edge write-back. */
const TILE_BYTES: i32 = MR * NR * 4;

/** First free byte above the module's static data (AS stub runtime); the host allocates above it. */
export function gemmHeapBase(): usize {
  return __heap_base;
}

// @ts-ignore: decorator
@inline function roundUp(x: i32, to: i32): i32 {
  return (x + to - 1) / to * to;
}

// @ts-ignore: decorator
@inline function align64(x: i32): i32 {
  return (x + 63) & ~63;
}

function packedABytes(m: i32, k: i32): i32 {
  return align64(roundUp(min(m, MC), MR) * min(k, KC) * 4);
}

/** Scratch bytes sgemm needs for these sizes (packed A block, packed B block, staging tile). */
export function sgemmScratchBytes(m: i32, n: i32, k: i32): i32 {
  return packedABytes(m, k) + align64(roundUp(min(n, NC), NR) * min(k, KC) * 4) + TILE_BYTES;
}

/** C = beta·C over an m×n block (k = 0: the product is empty). */
function scaleC(m: i32, n: i32, c: usize, ldc: i32, beta: f32): void {
  for (let i = 0; i < m; i++) {
    const row = c + (<usize>i * ldc << 2);
    for (let j = 0; j < n; j++) {
      const q = row + (<usize>j << 2);
      store<f32>(q, beta != 0 ? beta * load<f32>(q) : 0);
    }
  }
}

/** C[m×n] = alpha·op(A)·op(B) + beta·C, row-major with leading dimensions lda, ldb, ldc (in
 *  elements). op(A) is A (m×k) or, when transA ≠ 0, Aᵀ with A stored k×m; likewise op(B) is k×n.
 *  beta = 0 never reads C. `work` must hold sgemmScratchBytes(m, n, k) bytes, 16-byte aligned. */
export function sgemm(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    scaleC(m, n, c, ldc, beta);
    return;
  }
  const ap = work;
  const bp = work + <usize>packedABytes(m, k);
  const tile = bp + <usize>align64(roundUp(min(n, NC), NR) * min(k, KC) * 4);
  const ldcBytes = <usize>ldc << 2;
  // Equal k blocks (576 = 2×288, not 512 + 64): every block costs one pass over C.
  const kBlocks = (k + KC - 1) / KC;
  const kcStep = roundUp((k + kBlocks - 1) / kBlocks, 4);
  if (n <= SKINNY_N) {
    sgemmSkinny(m, n, k, a, lda, transA != 0, b, ldb, transB != 0, c, ldc, alpha, beta, kcStep);
    return;
  }
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kcStep) {
      const kc = min(kcStep, k - pc);
      const betaBlock: f32 = pc == 0 ? beta : 1;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, lda, transA != 0, ic, pc, mc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = bp + (<usize>(jr * kc) << 2);
          // B is packed during the first A block, two panels at a time, right before the
          // micro-kernel reads them: the panels are still in L1 for their first use.
          if (ic == 0 && (jr & (2 * NR - 1)) == 0) packB(b, ldb, transB != 0, pc, jc + jr, kc, min(2 * NR, nc - jr), bPanel);
          const cCol = c + (<usize>(jc + jr) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(
              kc, ap + (<usize>(ir * kc) << 2), bPanel, cCol + <usize>(ic + ir) * ldcBytes, ldcBytes,
              alpha, betaBlock, min(MR, mc - ir), nr, tile,
            );
          }
        }
      }
    }
  }
}

/** Part `part` of sgemm split `nparts` ways (assembly/parts.ts): the larger of m and n is cut into
 *  ranges aligned to the register block (16 columns, two B panels, or 4 rows), so each part packs
 *  only its own panels of the wider operand and repacks just the narrower one. Every C entry is
 *  computed exactly as the unsplit call computes it (the k blocking depends on k alone). The
 *  calling thread uses `work + thread·workStride` as its scratch; workStride ≥ sgemmScratchBytes(m, n, k). */
export function sgemmPart(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  c: usize, ldc: i32,
  alpha: f32, beta: f32, work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const w = work + <usize>max(thread, 0) * <usize>workStride;
  if (partCount(nparts) == 1) {
    sgemm(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, alpha, beta, w);
    return;
  }
  if (n >= m) {
    const j0 = partStart(n, part, nparts, 2 * NR), j1 = partStart(n, part + 1, nparts, 2 * NR);
    if (j1 <= j0) return;
    const bj = transB != 0 ? b + (<usize>j0 * <usize>ldb << 2) : b + (<usize>j0 << 2);
    sgemm(m, j1 - j0, k, a, lda, transA, bj, ldb, transB, c + (<usize>j0 << 2), ldc, alpha, beta, w);
  } else {
    const i0 = partStart(m, part, nparts, MR), i1 = partStart(m, part + 1, nparts, MR);
    if (i1 <= i0) return;
    const ai = transA != 0 ? a + (<usize>i0 << 2) : a + (<usize>i0 * <usize>lda << 2);
    sgemm(i1 - i0, n, k, ai, lda, transA, b, ldb, transB, c + (<usize>i0 * <usize>ldc << 2), ldc, alpha, beta, w);
  }
}
