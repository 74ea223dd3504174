// The epilogue of the blocked kernels (GEMM, convolutions): their invocations compute blocks of
// T rows × 4 values and write row r of a block to render target r, so this pass gathers the rows
// back into the output's packed layout, adds the k-slices of a split sum and applies what is left
// of the operation: alpha and beta·C for the GEMM, and per row (an output channel) scale, shift
// and Rectlin for a fused inference convolution (Bias or BatchNorm folded with its running stats).
//
// Output row `row`, texel-column q (values 4q…4q+3 of the row) of slice z lives in target row % T
// at block id z·SB + ⌊row / T⌋·RQ + q of the blocked grid (pow-2 width: the constant gridS).
import type { WebglBuffer } from '../buffer.ts';
import type { GpuTexture } from '../gpujs.ts';
import { texelGrid } from '../layout.ts';
import type { GpuRuntime, RunArg } from '../runtime.ts';
import { flatReader, OUT_TEXEL, range, shaderFamily, targetsOf, type Consts, type Shader } from '../shader.ts';

export interface GatherConstants {
  /** Output rows and values per row. */
  ROWS: number; ROWLEN: number;
  /** Block columns per row (⌈ROWLEN / 4⌉), slices and blocks per slice. */
  RQ: number; S: number; SB: number;
  gridS: number;
  /** Read beta·C; apply a per-row scale, a per-row shift; apply Rectlin with the scalar slope. */
  useC: number; scl: number; shf: number; relu: number;
}

/** Per-row scale and shift (null: none) and Rectlin slope (null: none) applied after the sum. */
export interface Epilogue { scale: WebglBuffer | null; shift: WebglBuffer | null; slope: number | null }

/** Where the output's rows lie in the blocked grid (the constants above that the caller knows). */
export type BlockedRows = Pick<GatherConstants, 'ROWS' | 'ROWLEN' | 'RQ' | 'S' | 'SB'>;

/** The GEMM's alpha·sum + beta·C (C = null or beta = 0: C is never read, as 0·NaN would be NaN). */
export interface SumScale { alpha: number; beta: number; C: WebglBuffer | null }

/** Runs a blocked core (one render target per row of a block) over `blocks` blocks, then gathers
 *  its rows into a texture of ROWS·ROWLEN values in their packed layout; `what` names the blocks
 *  in a MAX_TEXTURE_SIZE error. */
export function runBlocked(rt: GpuRuntime, core: Shader, blocks: number, coreConstants: Consts, coreArgs: readonly RunArg[], rows: BlockedRows,
  what: string, epi: Epilogue | null, sum: SumScale = { alpha: 1, beta: 0, C: null }): GpuTexture {
  const grid = texelGrid(blocks, rt.maxTextureSize, what);
  const targets = rt.run(core, grid, coreConstants, coreArgs);
  try {
    const C = sum.beta !== 0 ? sum.C : null;
    const consts: GatherConstants = {
      ...rows, gridS: grid.shift, useC: C ? 1 : 0, scl: epi?.scale ? 1 : 0, shf: epi?.shift ? 1 : 0, relu: epi && epi.slope !== null ? 1 : 0,
    };
    const t0 = targets[0];
    return rt.run1(gatherShader(targetsOf(core)), rows.ROWS * rows.ROWLEN, { ...consts },
      [...targets, C ?? t0, epi?.scale ?? t0, epi?.shift ?? t0, sum.alpha, sum.beta, epi?.slope ?? 0]);
  } finally {
    for (const t of targets) t.delete();
  }
}

/** The gather pass for T targets. Its textures: r0…r(T−1), c, scale, shift; scalars alpha, beta,
 *  slope. */
const gatherShader = shaderFamily((T: number): Shader => ({
  name: `gather${T}`,
  textures: [...range(T).map((r) => `r${r}`), 'c', 'scale', 'shift'],
  scalars: ['alpha', 'beta', 'slope'],
  glsl: (c) => `${flatReader('c')}${flatReader('scale')}${flatReader('shift')}
vec4 target(int r, int id) {
  ivec2 p = ivec2(id & ((1 << constants_gridS) - 1), id >> constants_gridS);
${range(T - 1).map((r) => `  if (r == ${r}) return texelFetch(user_r${r}, p, 0);`).join('\n')}
  return texelFetch(user_r${T - 1}, p, 0);
}
vec4 rowBlock(int row, int q) {
  int rb = row / ${T};
  int r = row - rb * ${T};
  int id = rb * constants_RQ + q;
  vec4 v = vec4(0.0);
  for (int z = 0; z < constants_S; z++) v += target(r, z * constants_SB + id);
  return v;
}
float finish(float v, int row, float slope) {
  ${c.scl ? 'v *= at_scale(row);' : ''}
  ${c.shf ? 'v += at_shift(row);' : ''}
  ${c.relu ? 'v = max(v, 0.0) + slope * min(v, 0.0);' : ''}
  return v;
}
vec4 argonMain(int x, int y, float alpha, float beta, float slope) {
  ${OUT_TEXEL}
  vec4 v;
  ivec4 rows;
  ${c.ROWLEN % 4 === 0
    ? 'int row = min(t / constants_RQ, constants_ROWS - 1); v = rowBlock(row, t - row * constants_RQ); rows = ivec4(row);'
    : `for (int l = 0; l < 4; l++) {
    int f = min(4 * t + l, constants_ROWS * constants_ROWLEN - 1);
    int row = f / constants_ROWLEN;
    int j = f - row * constants_ROWLEN;
    v[l] = rowBlock(row, j >> 2)[j & 3];
    rows[l] = row;
  }`}
  v = ${c.useC ? 'alpha * v + beta * ld_c(t)' : 'alpha * v'};
  ${c.scl || c.shf || c.relu ? 'for (int l = 0; l < 4; l++) v[l] = finish(v[l], rows[l], slope);' : ''}
  return v;
}`,
}));
