// The GEMM's shaders. C = alpha·op(A)·op(B) + beta·C is computed in blocks of T rows × 4 columns
// (T = 4 or 8): each invocation keeps T vec4 accumulators and, per step of 4 along k, fetches T
// texels of A and 4 of B and does 16·T multiply-adds (4×4 matrix × vec4 products): 0.125
// fetches per multiply-add at T = 4, 0.094 at T = 8, against 2 in a one-value-per-texel GEMM and
// 0.25 in TF.js's packed 2×2 GEMM. The T rows of a block go to T render targets (a kernel map),
// so a second pass, the epilogue (gather.ts), gathers them into C's packed layout, applying alpha
// and beta·C.
//
// Operands are read in whatever orientation is stored, as texels of 4 consecutive values:
//   A not transposed: "row quads", 4 k-values of one row (row length K a multiple of 4);
//   A transposed ([K, M] stored): "column quads", 4 rows at one k (M a multiple of 4);
//   B not transposed: column quads, 4 columns at one k (N a multiple of 4);
//   B transposed ([N, K] stored): row quads, 4 k-values of one column (K a multiple of 4).
// An operand whose stored row length is not a multiple of 4 is first copied with its rows padded
// by zeros (PACK_ROWS); column quads past k = K read as zeros (the constant KREM).
//
// Blocks and k-slices are numbered into one flat grid of texels (pow-2 width, layout.ts):
// id = (slice·GH + blockRow)·GW + blockCol; long sums over few blocks are cut into S slices that
// the epilogue adds, so a GPU keeps many threads busy on weight gradients.
import { accumulators, flatReader, OUT_TEXEL, range, returnAccumulators, shaderFamily, type Shader } from '../shader.ts';

/** [rows, cols] → [rows, cp] with cp = cols rounded up to 4, zero-filled. */
export const PACK_ROWS: Shader = {
  name: 'packRows',
  textures: ['src'],
  glsl: () => `${flatReader('src')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  int r = t / constants_cq;
  int c0 = 4 * (t - r * constants_cq);
  if (r >= constants_rows) return vec4(0.0);
  int base = r * constants_cols;
  vec4 v = vec4(0.0);
  for (int l = 0; l < 4; l++) if (c0 + l < constants_cols) v[l] = at_src(base + c0 + l);
  return v;
}`,
};

/** The accumulation loop for constants c (T, AM, BM, …). */
function coreSource(c: Record<string, number>): string {
  const T = c.T;
  const bLoad = c.BM === 0
    ? `mat4 bm = mat4(${range(4).map((s) => `colQuadB(4 * q + ${s}, j4)`).join(', ')});`
    : `mat4 bm = transpose(mat4(${range(4).map((s) => `ld_b((j4 * 4 + ${s}) * constants_BSTR + q)`).join(', ')}));`;
  const aLoad = c.AM === 0
    ? range(T).map((r) => `    acc${r} += bm * ld_a((i0 + ${r}) * constants_ASTR + q);`).join('\n')
    : range(T / 4).map((h) => `    mat4 at${h} = transpose(mat4(${range(4).map((s) => `colQuadA(4 * q + ${s}, (i0 >> 2) + ${h})`).join(', ')}));\n` +
      range(4).map((r) => `    acc${4 * h + r} += bm * at${h}[${r}];`).join('\n')).join('\n');
  return `${flatReader('a')}${flatReader('b')}
vec4 colQuadB(int p, int j4) {
  if (constants_KREM != 0 && p >= constants_K) return vec4(0.0);
  return ld_b(p * constants_BSTR + j4);
}
vec4 colQuadA(int p, int i4) {
  if (constants_KREM != 0 && p >= constants_K) return vec4(0.0);
  return ld_a(p * constants_ASTR + i4);
}
vec4 argonMain(int x, int y) {
  int id = (y << constants_outS) + x;
  if (id >= constants_GW * constants_GH * constants_S) return vec4(0.0);
  int slice = id / (constants_GW * constants_GH);
  int rem = id - slice * constants_GW * constants_GH;
  int by = rem / constants_GW;
  int j4 = rem - by * constants_GW;
  int i0 = by * ${T};
  int q0 = slice * constants_L;
  int q1 = min(q0 + constants_L, constants_KQ);
  ${accumulators(T)}
  for (int q = q0; q < q1; q++) {
    ${bLoad}
${aLoad}
  }
  ${returnAccumulators(T)}
}`;
}

/** The accumulation pass with T render targets. */
export const gemmCore = shaderFamily((T: number): Shader => ({ name: `gemmCore${T}`, textures: ['a', 'b'], targets: T, glsl: coreSource }));
