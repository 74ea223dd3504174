// Packing for sgemm (assembly/gemm.ts): copies blocks of op(A) and op(B) into the k-major panels
// the micro-kernel streams, absorbing both transposes and padding edge panels with zeros so the
// micro-kernel always runs a full MR×NR block.

/** Register block rows (A panel height) and columns (B panel width); why 4×8: gemm.ts header. */
export const MR: i32 = 4;
export const NR: i32 = 8;

/** Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-wide panels: dst[panel][p][jj], zero-padded. */
export function packB(b: usize, ldb: i32, transB: bool, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  const ldbBytes = <usize>ldb << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const w = min(NR, nc - jr);
    let d = dst + (<usize>(jr * kc) << 2);
    if (!transB) {
      // op(B)(p, j) = b[p·ldb + j]: each panel row is 8 contiguous floats. Two full panels are
      // packed together, so each 64-byte line of b is read once.
      let s = b + ((<usize>p0 * ldb + <usize>(j0 + jr)) << 2);
      if (nc - jr >= 2 * NR) {
        const d2 = d + (<usize>(NR * kc) << 2);
        for (let p = 0; p < kc; p++) {
          const o = <usize>(p * NR) << 2;
          v128.store(d + o, v128.load(s));
          v128.store(d + o, v128.load(s, 16), 16);
          v128.store(d2 + o, v128.load(s, 32));
          v128.store(d2 + o, v128.load(s, 48), 16);
          s += ldbBytes;
        }
        jr += NR;
      } else if (w == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += ldbBytes;
          d += NR << 2;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let jj = 0; jj < NR; jj++) store<f32>(d + (<usize>jj << 2), jj < w ? load<f32>(s + (<usize>jj << 2)) : 0);
          s += ldbBytes;
          d += NR << 2;
        }
      }
    } else {
      // op(B)(p, j) = b[j·ldb + p]: read 8 rows of b along p and transpose 4×4 blocks.
      const s = b + ((<usize>(j0 + jr) * ldb + <usize>p0) << 2);
      let p = 0;
      if (w == NR) {
        for (; p + 4 <= kc; p += 4) {
          const q = s + (<usize>p << 2);
          transpose4Store(q, ldbBytes, d, NR << 2);
          transpose4Store(q + (ldbBytes << 2), ldbBytes, d + 16, NR << 2);
          d += (NR << 2) * 4;
        }
      }
      for (; p < kc; p++) {
        const q = s + (<usize>p << 2);
        for (let jj = 0; jj < NR; jj++) store<f32>(d + (<usize>jj << 2), jj < w ? load<f32>(q + <usize>jj * ldbBytes) : 0);
        d += NR << 2;
      }
    }
  }
}

/** Loads four rows of 4 floats (src, src+stride, ...) and stores their transpose as four vectors
 *  at dst, dst+dstStride, ... */
// @ts-ignore: decorator
@inline function transpose4Store(src: usize, stride: usize, dst: usize, dstStride: usize): void {
  const r0 = v128.load(src), r1 = v128.load(src + stride);
  const r2 = v128.load(src + stride * 2), r3 = v128.load(src + stride * 3);
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5), t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + dstStride * 2, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + dstStride * 3, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/** Packs op(A)[i0 : i0+mc, p0 : p0+kc] into MR-high panels: dst[panel][p][ii], zero-padded. */
export function packA(a: usize, lda: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  const ldaBytes = <usize>lda << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const h = min(MR, mc - ir);
    let d = dst + (<usize>(ir * kc) << 2);
    if (transA) {
      // op(A)(i, p) = a[p·lda + i]: each panel column is MR contiguous floats.
      let s = a + ((<usize>p0 * lda + <usize>(i0 + ir)) << 2);
      if (h == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s));
          for (let ii = 4; ii < MR; ii++) store<f32>(d + (<usize>ii << 2), load<f32>(s + (<usize>ii << 2)));
          s += ldaBytes;
          d += MR << 2;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let ii = 0; ii < MR; ii++) store<f32>(d + (<usize>ii << 2), ii < h ? load<f32>(s + (<usize>ii << 2)) : 0);
          s += ldaBytes;
          d += MR << 2;
        }
      }
    } else {
      // op(A)(i, p) = a[i·lda + p]: MR rows along p, transposed 4×4 at a time.
      const s = a + ((<usize>(i0 + ir) * lda + <usize>p0) << 2);
      let p = 0;
      if (h == MR) {
        for (; p + 4 <= kc; p += 4) {
          const q = s + (<usize>p << 2);
          transpose4Store(q, ldaBytes, d, MR << 2);
          for (let ii = 4; ii < MR; ii++) {
            const r = q + <usize>ii * ldaBytes;
            for (let t = 0; t < 4; t++) store<f32>(d + (<usize>(t * MR + ii) << 2), load<f32>(r + (<usize>t << 2)));
          }
          d += (MR << 2) * 4;
        }
      }
      for (; p < kc; p++) {
        const q = s + (<usize>p << 2);
        for (let ii = 0; ii < MR; ii++) store<f32>(d + (<usize>ii << 2), ii < h ? load<f32>(q + <usize>ii * ldaBytes) : 0);
        d += MR << 2;
      }
    }
  }
}
