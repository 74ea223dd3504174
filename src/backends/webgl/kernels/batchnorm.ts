// Batch norm over x viewed as [channels, inner] (neon's formulas, nervanacpu.py:1707-1760): biased
// variance, rho is the KEPT fraction of the running stats. Statistics are two-pass row reductions
// (reduce.ts); a small pass turns them into one texel of coefficients per channel, and the
// full-size pass reads x (and dy) once per texel plus that one coefficient texel:
//   forward   y  = (x − c.x)·c.y + c.z                       c = (mean, invStd·gamma, beta, ·)
//   backward  dx = c.x·(dy − (x − c.y)·c.z − c.w)            c = (gamma·invStd, mean,
//                                                                invStd·dgamma/inner, dbeta/inner)
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime, RunArg } from '../runtime.ts';
import { flatReader, OUT_TEXEL, type Shader } from '../shader.ts';
import { buf, type WebglKernel } from './common.ts';
import { fill } from './elementwise.ts';
import { CENTERED_SQUARES, rowReduce, SUM, XHAT_DY } from './reduce.ts';
import { runPrefix, storePrefix } from './map.ts';

/** Per channel texel c: `v_name` is value c of each per-channel input. */
function coefShader(name: string, inputs: string[], scalars: string[], body: string): Shader {
  return {
    name, textures: inputs, scalars,
    glsl: () => `${inputs.map(flatReader).join('')}
vec4 argonMain(int x, int y${scalars.map((s) => `, float ${s}`).join('')}) {
  ${OUT_TEXEL}
  ${inputs.map((i) => `float v_${i} = at_${i}(t);`).join(' ')}
  ${body}
}`,
  };
}

const TRAIN_COEF = coefShader('bnTrainCoef', ['mean', 'invStd', 'gamma', 'beta'], [],
  'return vec4(v_mean, v_invStd * v_gamma, v_beta, 0.0);');
const INFER_COEF = coefShader('bnInferCoef', ['runMean', 'runVar', 'gamma', 'beta'], ['eps'],
  'return vec4(v_runMean, v_gamma / sqrt(v_runVar + eps), v_beta, 0.0);');
const GRAD_COEF = coefShader('bnGradCoef', ['mean', 'invStd', 'gamma', 'dgamma', 'dbeta'], ['invInner'],
  'return vec4(v_gamma * v_invStd, v_mean, v_invStd * v_dgamma * invInner, v_dbeta * invInner);');

/** invStd and the running statistics, 4 channels per texel, as three render targets. */
const STATS: Shader = {
  name: 'bnStats',
  textures: ['mean', 'variance', 'runMean', 'runVar'],
  scalars: ['rho', 'eps'],
  targets: 3,
  glsl: () => `${['mean', 'variance', 'runMean', 'runVar'].map(flatReader).join('')}
vec4 argonMain(int x, int y, float rho, float eps) {
  ${OUT_TEXEL}
  vec4 m = ld_mean(t), v = ld_variance(t);
  argonT1 = rho * ld_runMean(t) + (1.0 - rho) * m;
  argonT2 = rho * ld_runVar(t) + (1.0 - rho) * v;
  return 1.0 / sqrt(v + eps);
}`,
};

/** The coefficient texel of every value of output texel t (through ld_coef, flatReader): one per
 *  texel when inner is a multiple of 4, else one per value. */
function channelCoef(c: Record<string, number>): string {
  return c.inner % 4 === 0
    ? `vec4 cf = ld_coef(t / ${c.inner / 4});
#define CF(l) cf`
    : `vec4 cfs[4];
  for (int l = 0; l < 4; l++) cfs[l] = ld_coef(min((4 * t + l) / constants_inner, constants_channels - 1));
#define CF(l) cfs[l]`;
}

const NORM_APPLY: Shader = {
  name: 'bnApply',
  textures: ['x', 'coef'],
  glsl: (c) => `${flatReader('x')}${flatReader('coef')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ${channelCoef(c)}
  vec4 v = ld_x(t);
  vec4 r;
  for (int l = 0; l < 4; l++) r[l] = (v[l] - CF(l).x) * CF(l).y + CF(l).z;
  return r;
}`,
};

const GRAD_APPLY: Shader = {
  name: 'bnGradApply',
  textures: ['x', 'dy', 'coef'],
  glsl: (c) => `${flatReader('x')}${flatReader('dy')}${flatReader('coef')}
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  ${channelCoef(c)}
  vec4 v = ld_x(t), d = ld_dy(t);
  vec4 r;
  for (int l = 0; l < 4; l++) r[l] = CF(l).x * (d[l] - (v[l] - CF(l).y) * CF(l).z - CF(l).w);
  return r;
}`,
};

/** One coefficient texel per channel, from per-channel inputs. */
function coefficients(rt: GpuRuntime, s: Shader, channels: number, args: readonly RunArg[]): GpuTexture {
  return rt.run1(s, channels * 4, {}, args);
}

export const batchNormTrain: WebglKernel<'batchNormTrain'> = (rt, args) => {
  const { channels: C, inner, rho, eps } = args;
  const len = C * inner;
  if (C === 0) return;
  if (inner === 0) throw new Error('webgl backend: batchNormTrain over 0 values per channel');
  const X = buf(args.x, len, 'batchNormTrain x'), Y = buf(args.y, len, 'batchNormTrain y');
  const G = buf(args.gamma, C, 'batchNormTrain gamma'), B = buf(args.beta, C, 'batchNormTrain beta');
  const M = buf(args.mean, C, 'batchNormTrain mean'), S = buf(args.invStd, C, 'batchNormTrain invStd');
  const RM = buf(args.runMean, C, 'batchNormTrain runMean'), RV = buf(args.runVar, C, 'batchNormTrain runVar');
  // Intermediate textures are deleted on an error; once stored, their buffers own them.
  const made: GpuTexture[] = [];
  const keep = <T extends GpuTexture | GpuTexture[]>(t: T): T => { made.push(...(Array.isArray(t) ? t : [t])); return t; };
  let mean: GpuTexture, invStd: GpuTexture, runMean: GpuTexture, runVar: GpuTexture;
  try {
    mean = keep(rowReduce(rt, SUM, C, inner, [X], 1 / inner));
    const variance = keep(rowReduce(rt, CENTERED_SQUARES, C, inner, [X, mean], 1 / inner));
    [invStd, runMean, runVar] = keep(rt.run(STATS, C, {}, [mean, variance, RM, RV, rho, eps]));
    const coef = keep(coefficients(rt, TRAIN_COEF, C, [mean, invStd, G, B]));
    runPrefix(rt, Y, len, NORM_APPLY, { inner, channels: C }, [X, coef]);
    variance.delete();
    coef.delete();
  } catch (e) {
    for (const t of made) t.delete();
    throw e;
  }
  storePrefix(rt, M, mean, C);
  storePrefix(rt, S, invStd, C);
  storePrefix(rt, RM, runMean, C);
  storePrefix(rt, RV, runVar, C);
};

export const batchNormInfer: WebglKernel<'batchNormInfer'> = (rt, args) => {
  const { channels: C, inner, eps } = args;
  const len = C * inner;
  if (len === 0) return;
  const X = buf(args.x, len, 'batchNormInfer x'), Y = buf(args.y, len, 'batchNormInfer y');
  const G = buf(args.gamma, C, 'batchNormInfer gamma'), B = buf(args.beta, C, 'batchNormInfer beta');
  const RM = buf(args.runMean, C, 'batchNormInfer runMean'), RV = buf(args.runVar, C, 'batchNormInfer runVar');
  const coef = coefficients(rt, INFER_COEF, C, [RM, RV, G, B, eps]);
  try {
    runPrefix(rt, Y, len, NORM_APPLY, { inner, channels: C }, [X, coef]);
  } finally {
    coef.delete();
  }
};

export const batchNormGrad: WebglKernel<'batchNormGrad'> = (rt, args) => {
  const { channels: C, inner } = args;
  const len = C * inner;
  if (C === 0) return;
  const X = buf(args.x, len, 'batchNormGrad x'), DY = buf(args.dy, len, 'batchNormGrad dy');
  const DX = buf(args.dx, len, 'batchNormGrad dx'), G = buf(args.gamma, C, 'batchNormGrad gamma');
  const M = buf(args.mean, C, 'batchNormGrad mean'), S = buf(args.invStd, C, 'batchNormGrad invStd');
  const DG = buf(args.dgamma, C, 'batchNormGrad dgamma'), DB = buf(args.dbeta, C, 'batchNormGrad dbeta');
  if (inner === 0) {
    fill(rt, { x: DG, n: C, value: 0 });
    fill(rt, { x: DB, n: C, value: 0 });
    return;
  }
  const dgamma = rowReduce(rt, XHAT_DY, C, inner, [X, DY, M, S], 1);
  const dbeta = rowReduce(rt, SUM, C, inner, [DY], 1);
  const coef = coefficients(rt, GRAD_COEF, C, [M, S, G, dgamma, dbeta, 1 / inner]);
  try {
    runPrefix(rt, DX, len, GRAD_APPLY, { inner, channels: C }, [X, DY, coef]);
  } finally {
    coef.delete();
  }
  storePrefix(rt, DG, dgamma, C);
  storePrefix(rt, DB, dbeta, C);
};
