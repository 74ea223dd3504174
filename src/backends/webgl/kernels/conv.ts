// convForward, convWeightGrad and convInputGrad (the contract's column-free convolution) on the
// GPU: the implicit-GEMM shaders of conv-shaders.ts when the batch is a multiple of 4, else im2col
// and the GEMM through textures. Either way a forward in inference applies scale, shift and
// Rectlin in the gather pass.
import type { WindowGeometry } from '../../../kernels.ts';
import type { WebglBuffer } from '../buffer.ts';
import type { GpuTexture } from '../gpujs.ts';
import { texelGrid } from '../layout.ts';
import type { GpuRuntime } from '../runtime.ts';
import type { Shader } from '../shader.ts';
import { buf, geometryConstants, windowSizes, type WebglKernel } from './common.ts';
import { convForwardCore, convInputGradCore, convWeightGradCore, PACK_WI, PACK_WT } from './conv-shaders.ts';
import { runBlocked, type Epilogue } from './gather.ts';
import { gemmTexture } from './gemm.ts';
import { col2imTexture, im2colTexture } from './im2col.ts';
import { storePrefix } from './map.ts';

/** The implicit-GEMM shaders need 4 batch items per texel; other batches go through im2col and
 *  the GEMM, pass by pass (so the weight gradient builds the column matrix again). */
export const implicitGemm = (g: WindowGeometry): boolean => g.batch % 4 === 0;

/** Blocks of 8 rows, or 4 when there are at most 4. */
const blockRows = (rows: number): number => (rows > 4 ? 8 : 4);

/** The weight gradient's grid: blocks of T output channels × 4 columns (KB × JQ of them), and the
 *  P positions cut into SL slices of PL, each slice at least 16 positions, enough of them for
 *  4,096 blocks in all. */
function weightGradPlan(k: number, CRS: number, P: number): { T: number; KB: number; JQ: number; SL: number; PL: number } {
  const T = blockRows(k), KB = Math.ceil(k / T), JQ = Math.ceil(CRS / 4);
  const S = Math.max(1, Math.min(Math.ceil(4096 / (KB * JQ)), Math.ceil(P / 16)));
  const PL = Math.max(1, Math.ceil(P / S));
  return { T, KB, JQ, PL, SL: Math.max(1, Math.ceil(P / PL)) };
}

function sizes(g: WindowGeometry, k: number): Record<string, number> {
  const { cells, positions: P, taps } = windowSizes(g);
  const NQ = g.batch >> 2, CRS = g.channels * taps;
  return { ...geometryConstants(g), C: g.channels, K: k, cells, P, taps, NQ, CRS, PNQ: P * NQ, KQ4: Math.ceil(k / 4), CQ4: Math.ceil(g.channels / 4) };
}

/** A repacked weight texture (WT or WI). */
function repack(rt: GpuRuntime, s: Shader, W: WebglBuffer, texels: number, c: Record<string, number>): GpuTexture {
  const l = texelGrid(texels, rt.maxTextureSize, `the repacked weights of a ${c.K}×${c.CRS} convolution`);
  return rt.run1(s, l, c, [W]);
}

export const convForward: WebglKernel<'convForward'> = (rt, { x, w, y, g, k, scale, shift, slope }) => {
  const c = sizes(g, k);
  const len = k * c.P * g.batch;
  if (len === 0) return;
  const X = buf(x, g.channels * c.cells * g.batch, 'convForward x'), W = buf(w, k * c.CRS, 'convForward w'), Y = buf(y, len, 'convForward y');
  const epi: Epilogue = {
    scale: scale ? buf(scale, k, 'convForward scale') : null,
    shift: shift ? buf(shift, k, 'convForward shift') : null,
    slope,
  };
  if (!implicitGemm(g) || c.CRS === 0) {
    const cols = im2colTexture(rt, X, g);
    try {
      storePrefix(rt, Y, gemmTexture(rt, W, cols, k, c.P * g.batch, c.CRS, false, false, 1, 0, null, epi), len);
    } finally {
      cols.delete();
    }
    return;
  }
  const T = blockRows(k), KB = Math.ceil(k / T);
  rt.count(convPassCost('forward', g, k));
  const wt = repack(rt, PACK_WT, W, c.CRS * c.KQ4, c);
  try {
    storePrefix(rt, Y, runBlocked(rt, convForwardCore(T), KB * c.PNQ, { ...c, KB }, [X, wt],
      { ROWS: k, ROWLEN: c.P * g.batch, RQ: c.PNQ, S: 1, SB: KB * c.PNQ }, 'the blocks of a convolution forward', epi), len);
  } finally {
    wt.delete();
  }
};

export const convWeightGrad: WebglKernel<'convWeightGrad'> = (rt, { x, dy, dw, g, k }) => {
  const c = sizes(g, k);
  const len = k * c.CRS;
  if (len === 0) return;
  const X = buf(x, g.channels * c.cells * g.batch, 'convWeightGrad x'), DY = buf(dy, k * c.P * g.batch, 'convWeightGrad dy');
  const DW = buf(dw, len, 'convWeightGrad dw');
  if (!implicitGemm(g) || c.P === 0) {
    const cols = im2colTexture(rt, X, g);
    try {
      storePrefix(rt, DW, gemmTexture(rt, DY, cols, k, c.CRS, c.P * g.batch, false, true, 1, 0, null, null), len);
    } finally {
      cols.delete();
    }
    return;
  }
  const { T, KB, JQ, SL, PL } = weightGradPlan(k, c.CRS, c.P);
  rt.count(convPassCost('weightGrad', g, k));
  storePrefix(rt, DW, runBlocked(rt, convWeightGradCore(T), KB * JQ * SL, { ...c, KB, JQ, SB: KB * JQ, SL, PL }, [X, DY],
    { ROWS: k, ROWLEN: c.CRS, RQ: JQ, S: SL, SB: KB * JQ }, 'the blocks of a convolution weight gradient', null), len);
};

export const convInputGrad: WebglKernel<'convInputGrad'> = (rt, { dy, w, dx, g, k }) => {
  const c = sizes(g, k);
  const len = g.channels * c.cells * g.batch;
  if (len === 0) return;
  const DY = buf(dy, k * c.P * g.batch, 'convInputGrad dy'), W = buf(w, k * c.CRS, 'convInputGrad w'), DX = buf(dx, len, 'convInputGrad dx');
  if (!implicitGemm(g) || k === 0) {
    const dcols = gemmTexture(rt, W, DY, c.CRS, c.P * g.batch, k, true, false, 1, 0, null, null);
    try {
      storePrefix(rt, DX, col2imTexture(rt, dcols, g), len);
    } finally {
      dcols.delete();
    }
    return;
  }
  const T = blockRows(g.channels), CB = Math.ceil(g.channels / T), CNQ = c.cells * c.NQ;
  rt.count(convPassCost('inputGrad', g, k));
  const wi = repack(rt, PACK_WI, W, k * c.taps * c.CQ4, c);
  try {
    storePrefix(rt, DX, runBlocked(rt, convInputGradCore(T), CB * CNQ, { ...c, CB, CNQ }, [DY, wi],
      { ROWS: g.channels, ROWLEN: c.cells * g.batch, RQ: CNQ, S: 1, SB: CB * CNQ }, 'the blocks of a convolution input gradient', null), len);
  } finally {
    wi.delete();
  }
};

export interface PassCost { fetches: number; macs: number }

/** Texture fetches and multiply-adds of one implicit-GEMM pass (batch a multiple of 4), counted
 *  from the shaders' loops: forward and input gradient fetch 1 + T/4 texels per (block, window
 *  tap, channel) — at most, as taps in the padding are skipped — and the weight gradient 4 + T per
 *  (block, position, batch quad). The gather pass adds one fetch per output texel and slice. */
export function convPassCost(pass: 'forward' | 'inputGrad' | 'weightGrad', g: WindowGeometry, k: number): PassCost {
  const c = sizes(g, k);
  const macs = k * c.CRS * c.P * g.batch;
  if (pass === 'forward') {
    const T = blockRows(k);
    return { fetches: Math.ceil(k / T) * c.PNQ * c.taps * g.channels * (1 + T / 4) + k * c.PNQ, macs };
  }
  if (pass === 'inputGrad') {
    // Every (output position, tap) pair is one covering tap of one input cell: P·taps in all.
    const T = blockRows(g.channels);
    return { fetches: Math.ceil(g.channels / T) * c.NQ * c.P * c.taps * k * (1 + T / 4) + g.channels * c.cells * c.NQ, macs };
  }
  const { T, KB, JQ, SL } = weightGradPlan(k, c.CRS, c.P);
  return { fetches: KB * JQ * c.P * c.NQ * (4 + T) + k * JQ * SL, macs };
}
