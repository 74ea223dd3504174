// SGEMM for a small C over a very long k (a convolution's weight gradient dW = dy·colsᵀ on a layer
// with few channels: m·n of a few thousand, k = positions × batch in the hundreds of thousands).
// Splitting m or n leaves a thread almost nothing; splitting k does, in fixed chunks whose size
// depends on k alone: each chunk's product goes to its own slice of `partials`, then
// gemmSumChunks adds the slices in chunk order. The sum order is the same for any thread count.
import { sgemm } from './gemm';
import { partStart } from './parts';

/** Part `part` of the chunk products: partials[j] (m×n, row-major) = op(A)[:, j·chunk …]·op(B)[j·chunk …, :]
 *  for this part's chunks j. Scratch as sgemmPart: `work + thread·workStride`. */
export function sgemmChunksPart(
  m: i32, n: i32, k: i32,
  a: usize, lda: i32, transA: i32,
  b: usize, ldb: i32, transB: i32,
  partials: usize, chunk: i32, work: usize, workStride: i32, part: i32, nparts: i32, thread: i32,
): void {
  const chunks = (k + chunk - 1) / chunk;
  const j0 = partStart(chunks, part, nparts, 1), j1 = partStart(chunks, part + 1, nparts, 1);
  const w = work + <usize>max(thread, 0) * <usize>workStride;
  for (let j = j0; j < j1; j++) {
    const p0 = j * chunk, kc = min(chunk, k - p0);
    // op(A)(i, p) = transA ? a[p·lda + i] : a[i·lda + p]; op(B)(p, q) = transB ? b[q·ldb + p] : b[p·ldb + q].
    const aj = transA != 0 ? a + (<usize>p0 * <usize>lda << 2) : a + (<usize>p0 << 2);
    const bj = transB != 0 ? b + (<usize>p0 << 2) : b + (<usize>p0 * <usize>ldb << 2);
    sgemm(m, n, kc, aj, lda, transA, bj, ldb, transB, partials + (<usize>j * <usize>m * <usize>n << 2), n, 1, 0, w);
  }
}

/** c[i·ldc + q] = alpha·Σ_j partials[j][i·n + q] + beta·c (beta = 0 never reads c), the chunks
 *  added in order; parts split the m·n elements. */
export function gemmSumChunks(
  m: i32, n: i32, chunks: i32, partials: usize, c: usize, ldc: i32, alpha: f32, beta: f32, part: i32, nparts: i32,
): void {
  const total = m * n;
  const e0 = partStart(total, part, nparts, 1), e1 = partStart(total, part + 1, nparts, 1);
  const stride = <usize>total << 2;
  for (let e = e0; e < e1; e++) {
    let s: f32 = 0;
    let p = partials + (<usize>e << 2);
    for (let j = 0; j < chunks; j++) {
      s += load<f32>(p);
      p += stride;
    }
    const q = c + ((<usize>(e / n) * <usize>ldc + <usize>(e % n)) << 2);
    store<f32>(q, beta != 0 ? alpha * s + beta * load<f32>(q) : alpha * s);
  }
}
