// Row sums over x viewed as [rows, inner], in two passes so that a GPU has work for many threads
// (BatchNorm: rows = channels, inner = H·W·N) and float32 sums stay short: pass 1 sums chunks of
// L consecutive values, 4 chunks per invocation (output: [rows, chunks] packed), pass 2 sums each
// row's chunks, 4 rows per invocation. Rows that start on a texel (inner a multiple of 4, or a
// single row) are read a texel per 4 values; other rows value by value.
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime, RunArg } from '../runtime.ts';
import { flatReader, OUT_TEXEL, shaderFamily, type Shader } from '../shader.ts';

export interface RowReduceOp {
  name: string;
  /** Texture inputs of [rows, inner] values, read as the vec4 `vx` for input x. */
  inputs: readonly string[];
  /** Per-row textures ([rows] values), read as the float named like the input. */
  perRow?: readonly string[];
  /** The vec4 of terms summed for 4 values (lanes past the row end are dropped by a select). */
  term: string;
}

export const SUM: RowReduceOp = { name: 'sum', inputs: ['x'], term: 'vx' };
export const SUM_SQUARES: RowReduceOp = { name: 'sumSq', inputs: ['x'], term: 'vx * vx' };
/** Σ (x − mean[row])², BatchNorm's biased variance numerator. */
export const CENTERED_SQUARES: RowReduceOp = { name: 'centeredSq', inputs: ['x'], perRow: ['mean'], term: '(vx - mean) * (vx - mean)' };
/** Σ (x − mean[row])·invStd[row]·dy, BatchNorm's dgamma. */
export const XHAT_DY: RowReduceOp = { name: 'xhatDy', inputs: ['x', 'dy'], perRow: ['mean', 'invStd'], term: '(vx - mean) * invStd * vdy' };

const chunkShader = shaderFamily((op: RowReduceOp): Shader => {
  const perRow = op.perRow ?? [];
  const load = (c: Record<string, number>, x: string): string => (c.aligned
    ? `ld_${x}(f >> 2)`
    : `vec4(at_${x}(min(f, last)), at_${x}(min(f + 1, last)), at_${x}(min(f + 2, last)), at_${x}(min(f + 3, last)))`);
  return {
    name: `${op.name}Chunks`,
    textures: [...op.inputs, ...perRow],
    scalars: ['scale'],
    glsl: (c) => `${[...op.inputs, ...perRow].map(flatReader).join('')}
float chunkSum(int idx) {
  if (idx >= constants_rows * constants_chunks) return 0.0;
  int r = idx / constants_chunks;
  int j0 = (idx - r * constants_chunks) * constants_L;
  int f1 = r * constants_inner + min(j0 + constants_L, constants_inner);
  int last = f1 - 1;
${perRow.map((p) => `  float ${p} = at_${p}(r);`).join('\n')}
  vec4 acc = vec4(0.0);
  for (int f = r * constants_inner + j0; f < f1; f += 4) {
${op.inputs.map((x) => `    vec4 v${x} = ${load(c, x)};`).join('\n')}
    acc += mix(vec4(0.0), ${op.term}, lessThan(ivec4(f) + ivec4(0, 1, 2, 3), ivec4(f1)));
  }
  return acc.x + acc.y + acc.z + acc.w;
}
vec4 argonMain(int x, int y, float scale) {
  ${OUT_TEXEL}
  return scale * vec4(chunkSum(4 * t), chunkSum(4 * t + 1), chunkSum(4 * t + 2), chunkSum(4 * t + 3));
}`,
  };
});

/** Pass 2: scale · Σ over each row's `chunks` partial sums, 4 rows per invocation. */
const SUM_CHUNKS: Shader = {
  name: 'sumChunks',
  textures: ['p'],
  scalars: ['scale'],
  glsl: () => `${flatReader('p')}
float rowSum(int r) {
  if (r >= constants_rows) return 0.0;
  float acc = 0.0;
  for (int j = 0; j < constants_chunks; j++) acc += at_p(r * constants_chunks + j);
  return acc;
}
vec4 argonMain(int x, int y, float scale) {
  ${OUT_TEXEL}
  return scale * vec4(rowSum(4 * t), rowSum(4 * t + 1), rowSum(4 * t + 2), rowSum(4 * t + 3));
}`,
};

/** Chunk length: whole rows when short, else about √inner values (a multiple of 4, at least 256). */
function chunking(inner: number): { L: number; chunks: number } {
  const L = inner <= 256 ? Math.ceil(inner / 4) * 4 : Math.max(256, Math.ceil(Math.sqrt(inner) / 4) * 4);
  return { L, chunks: Math.ceil(inner / L) };
}

/** scale · Σ_j term(row, j) for each of `rows` rows (inner ≥ 1): a texture in the packed layout
 *  of `rows` values, which the caller owns. `inputs` then `perRow` follow op's texture order. */
export function rowReduce(rt: GpuRuntime, op: RowReduceOp, rows: number, inner: number, args: readonly RunArg[], scale: number): GpuTexture {
  const { L, chunks } = chunking(inner);
  const aligned = inner % 4 === 0 || rows === 1 ? 1 : 0;
  const consts = { rows, inner, chunks, L, aligned };
  if (chunks === 1) return rt.run1(chunkShader(op), rows * chunks, consts, [...args, scale]);
  const partial = rt.run1(chunkShader(op), rows * chunks, consts, [...args, 1]);
  try {
    return rt.run1(SUM_CHUNKS, rows, { rows, chunks }, [partial, scale]);
  } finally {
    partial.delete();
  }
}
