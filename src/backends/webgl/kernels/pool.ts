// poolForward / poolBackward: picks the kernel of pool-kernels.ts for the mode and runs it.
import type { GpuTexture } from '../gpujs.ts';
import { buf, geometryConstants, windowSizes, type WebglKernel } from './common.ts';
import {
  poolMaxK, poolSumK, poolAvgBackK, poolL2BackK, poolMaxBackK, poolLpK, poolLpBackK, poolWeightedK, poolWeightSumK, poolWeightedBackK,
} from './pool-kernels.ts';

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

export const poolForward: WebglKernel<'poolForward'> = (rt, { x, y, argmax, g, mode, p, sigma }) => {
  const { cells, positions } = windowSizes(g);
  const len = g.channels * positions * g.batch;
  if (len === 0) return;
  const X = buf(x, g.channels * cells * g.batch, 'poolForward x'), Y = buf(y, len, 'poolForward y');
  const geo = geometryConstants(g);
  if (mode === 'max') {
    const y2 = rt.run('poolMax', poolMaxK, len, { ...geo, wantIndex: 0 }, [X]);
    if (argmax) {
      const AM = buf(argmax, len, 'poolForward argmax');
      rt.assign(AM, rt.run('poolMax', poolMaxK, len, { ...geo, wantIndex: 1 }, [X]), 0, len);
    }
    rt.assign(Y, y2, 0, len);
    return;
  }
  let tex: GpuTexture;
  if (mode === 'avg' || mode === 'l2' || (mode === 'lp' && lpExponent(p) === 2)) {
    tex = rt.run('poolSum', poolSumK, len, { ...geo, mode: mode === 'avg' ? 0 : 1 }, [X]);
  } else if (mode === 'lp') {
    tex = rt.run('poolLp', poolLpK, len, geo, [X, lpExponent(p)]);
  } else if (mode === 'weighted') {
    tex = rt.run('poolWeighted', poolWeightedK, len, geo, [X, gaussSigma(sigma)]);
  } else {
    throw new Error(`Kernel 'poolForward' mode '${String(mode)}' is not implemented by backend 'webgl'`);
  }
  rt.assign(Y, tex, 0, len);
};

export const poolBackward: WebglKernel<'poolBackward'> = (rt, { x, y, dy, argmax, dx, g, mode, p, sigma }) => {
  const { cells, positions } = windowSizes(g);
  const len = g.channels * cells * g.batch, outLen = g.channels * positions * g.batch;
  if (len === 0) return;
  const DX = buf(dx, len, 'poolBackward dx'), DY = buf(dy, outLen, 'poolBackward dy');
  const geo = geometryConstants(g);
  if (mode === 'avg') {
    rt.assign(DX, rt.run('poolAvgBack', poolAvgBackK, len, geo, [DY]), 0, len);
  } else if (mode === 'l2' || (mode === 'lp' && lpExponent(p) === 2)) {
    const X = buf(x, len, 'poolBackward x'), Y = buf(y, outLen, 'poolBackward y');
    rt.assign(DX, rt.run('poolL2Back', poolL2BackK, len, geo, [X, Y, DY]), 0, len);
  } else if (mode === 'lp') {
    const X = buf(x, len, 'poolBackward x'), Y = buf(y, outLen, 'poolBackward y');
    rt.assign(DX, rt.run('poolLpBack', poolLpBackK, len, geo, [X, Y, DY, lpExponent(p)]), 0, len);
  } else if (mode === 'weighted') {
    const s = gaussSigma(sigma);
    const wsum = rt.run('poolWeightSum', poolWeightSumK, outLen, geo, [s]);
    try {
      rt.assign(DX, rt.run('poolWeightedBack', poolWeightedBackK, len, geo, [DY, wsum, s]), 0, len);
    } finally {
      wsum.delete();
    }
  } else if (mode === 'max') {
    // Without a saved argmax, recompute it from x (the forward's first-maximum rule).
    const own = argmax ? null : rt.run('poolMax', poolMaxK, outLen, { ...geo, wantIndex: 1 }, [buf(x, len, 'poolBackward x')]);
    const AM = argmax ? buf(argmax, outLen, 'poolBackward argmax') : own!;
    try {
      rt.assign(DX, rt.run('poolMaxBack', poolMaxBackK, len, geo, [DY, AM]), 0, len);
    } finally {
      own?.delete();
    }
  } else {
    throw new Error(`Kernel 'poolBackward' mode '${String(mode)}' is not implemented by backend 'webgl'`);
  }
};
