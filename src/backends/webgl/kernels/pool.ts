// poolForward / poolBackward: one pass each (pool-shaders.ts). Max pooling writes y and argmax in
// the same pass (two render targets).
import type { PoolMode, WindowGeometry } from '../../../kernels.ts';
import type { GpuTexture } from '../gpujs.ts';
import type { GpuRuntime, RunArg } from '../runtime.ts';
import { buf, geometryConstants, windowSizes, type WebglKernel } from './common.ts';
import { storePrefix } from './map.ts';
import { POOL_BACKWARD, POOL_FORWARD, POOL_MODE } from './pool-shaders.ts';

function lpExponent(p: number | undefined): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) throw new Error(`webgl backend: pool mode 'lp' needs a finite p ≥ 1, got ${String(p)}`);
  return p;
}

function gaussSigma(sigma: number | undefined): number {
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new Error(`webgl backend: pool mode 'weighted' needs a finite sigma > 0, got ${String(sigma)}`);
  }
  return sigma;
}

/** The shader's mode number and its scalars [p, sigma]; lp with p = 2 runs the l2 arithmetic. */
function modeOf(kernel: string, mode: PoolMode, p: number | undefined, sigma: number | undefined): { mode: number; scalars: [number, number] } {
  if (mode === 'max' || mode === 'avg' || mode === 'l2') return { mode: POOL_MODE[mode], scalars: [2, 1] };
  if (mode === 'lp') {
    const e = lpExponent(p);
    return { mode: e === 2 ? POOL_MODE.l2 : POOL_MODE.lp, scalars: [e, 1] };
  }
  if (mode === 'weighted') return { mode: POOL_MODE.weighted, scalars: [2, gaussSigma(sigma)] };
  throw new Error(`Kernel '${kernel}' mode '${String(mode)}' is not implemented by backend 'webgl'`);
}

function poolConstants(g: WindowGeometry, mode: number): Record<string, number> {
  const { cells, positions } = windowSizes(g);
  const aligned = g.batch % 4 === 0 ? 1 : 0;
  return {
    ...geometryConstants(g), C: g.channels, cells, P: positions, PNQ: positions * (g.batch >> 2), aligned, mode,
    inLen: g.channels * cells * g.batch, outLen: g.channels * positions * g.batch,
    dil1: g.dilation.every((d) => d === 1) ? 1 : 0,
  };
}

/** y and argmax (window-local index of the first maximum, or −1) as packed textures of outLen values. */
function forwardTextures(rt: GpuRuntime, x: RunArg, g: WindowGeometry, mode: number, scalars: [number, number]): [GpuTexture, GpuTexture] {
  const c = poolConstants(g, mode);
  const [y, arg] = rt.run(POOL_FORWARD, c.outLen, c, [x, ...scalars]);
  return [y, arg];
}

export const poolForward: WebglKernel<'poolForward'> = (rt, { x, y, argmax, g, mode, p, sigma }) => {
  const { cells, positions } = windowSizes(g);
  const len = g.channels * positions * g.batch;
  if (len === 0) return;
  const X = buf(x, g.channels * cells * g.batch, 'poolForward x'), Y = buf(y, len, 'poolForward y');
  const m = modeOf('poolForward', mode, p, sigma);
  const AM = mode === 'max' && argmax ? buf(argmax, len, 'poolForward argmax') : null;
  const [yt, at] = forwardTextures(rt, X, g, m.mode, m.scalars);
  storePrefix(rt, Y, yt, len);
  if (AM) storePrefix(rt, AM, at, len);
  else at.delete();
};

export const poolBackward: WebglKernel<'poolBackward'> = (rt, { x, y, dy, argmax, dx, g, mode, p, sigma }) => {
  const { cells, positions } = windowSizes(g);
  const len = g.channels * cells * g.batch, outLen = g.channels * positions * g.batch;
  if (len === 0) return;
  const DX = buf(dx, len, 'poolBackward dx'), DY = buf(dy, outLen, 'poolBackward dy');
  const m = modeOf('poolBackward', mode, p, sigma);
  const needsXY = m.mode === POOL_MODE.l2 || m.mode === POOL_MODE.lp;
  const X = needsXY ? buf(x, len, 'poolBackward x') : null;
  const Y = needsXY ? buf(y, outLen, 'poolBackward y') : null;
  let AM: RunArg = DY;
  let own: GpuTexture | null = null;
  if (mode === 'max' && argmax) AM = buf(argmax, outLen, 'poolBackward argmax');
  else if (mode === 'max') {
    // Without a saved argmax, recompute it from x (the forward's first-maximum rule).
    const [yt, at] = forwardTextures(rt, buf(x, len, 'poolBackward x'), g, POOL_MODE.max, m.scalars);
    yt.delete();
    AM = own = at;
  }
  try {
    const c = poolConstants(g, m.mode);
    const dxt = rt.run1(POOL_BACKWARD, len, c, [X ?? DY, Y ?? DY, DY, AM, ...m.scalars]);
    storePrefix(rt, DX, dxt, len);
  } finally {
    own?.delete();
  }
};
