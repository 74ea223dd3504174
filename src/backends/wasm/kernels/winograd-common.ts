// What the Winograd glue shares (assembly/winograd-*.ts): the tile geometry block the wasm drivers
// read, chunk sizes (functions of the shapes alone, never of the thread count), the filter
// transform, and the run of a Winograd convolution, which the forward pass and the input gradient
// (a convolution of dy with the filters rotated by 180°) both are.
import type { WindowGeometry } from '../../../kernels.ts';
import { convWayMismatch } from '../../../shape.ts';
import type { WasmContext } from '../context.ts';
import { align64 } from './convForward.ts';

/** Transformed-domain positions per 4×4 tile. */
export const XI = 16;
/** Bytes of one chunk's B panels (16 × C × columns) a thread keeps in cache (L2) while the
 *  micro-kernel streams them past every filter... */
const V_CHUNK_BYTES = 256 * 1024;
/** ...and of the products M (16 × filters × columns) it transforms back right away. */
const M_CHUNK_BYTES = 256 * 1024;
/** Fewer column chunks than this leave threads idle: the input is then transformed once for all
 *  parts and the parts split the filters too. */
const MIN_CHUNKS = 8;
/** Transformed filters larger than this are streamed from L3 or memory once per column chunk when
 *  each chunk transforms its own input; where the whole transformed input is at most
 *  SHARED_INPUT_BYTES it is then transformed once instead and each part reads its filters once
 *  (ResNet-18's 256-channel stage at 64 px, batch 32, inference: 21.7 → 18.8 ms for its three
 *  layers on 1 thread, measured). */
const CACHED_FILTER_BYTES = 2 * 2 ** 20;
const SHARED_INPUT_BYTES = 4 * 2 ** 20;
/** The most columns per chunk (larger chunks gain nothing once the panels are long). */
const MAX_CHUNK_COLUMNS = 512;

/** One Winograd convolution as the drivers see it: C input channels of H × W, N images, an
 *  OH × OW output, padding (may be negative) and dilation per axis. */
export interface WinoConv { C: number; N: number; H: number; W: number; OH: number; OW: number; ph: number; pw: number; dh: number; dw: number }

/** Throws unless g is a window Winograd F(2×2, 3×3) takes (the rest: conv-checks.ts). */
export function checkWinograd(kernel: string, g: WindowGeometry): void {
  const why = convWayMismatch('winograd', g);
  if (why) throw new Error(`wasm ${kernel}: ${why}`);
}

export function forwardConv(g: WindowGeometry): WinoConv {
  return {
    C: g.channels, N: g.batch, H: g.inSize[1], W: g.inSize[2], OH: g.outSize[1], OW: g.outSize[2],
    ph: g.pad[1], pw: g.pad[2], dh: g.dilation[1], dw: g.dilation[2],
  };
}

/** The input gradient as a convolution: dx = corr(dy, rot180(w)ᵀ) with padding 2·d − pad, since
 *  dx[i] = Σ_r dy[i + pad − r·d]·w[r] = Σ_r' dy[i − (2d − pad) + r'·d]·w[2 − r']. */
export function inputGradConv(g: WindowGeometry, k: number): WinoConv {
  const dh = g.dilation[1], dw = g.dilation[2];
  return {
    C: k, N: g.batch, H: g.outSize[1], W: g.outSize[2], OH: g.inSize[1], OW: g.inSize[2],
    ph: 2 * dh - g.pad[1], pw: 2 * dw - g.pad[2], dh, dw,
  };
}

/** Tile origins along one output axis: each residue class of the dilation d in tiles of two
 *  outputs d apart (a dilated convolution is a Winograd one over interleaved grids), sorted. */
function tileOrigins(out: number, d: number): number[] {
  const o: number[] = [];
  for (let a = 0; a < Math.min(d, out); a++) {
    const count = Math.floor((out - 1 - a) / d) + 1;
    for (let t = 0; t < Math.ceil(count / 2); t++) o.push(a + 2 * d * t);
  }
  return o.sort((p, q) => p - q);
}

/** A convolution's tile origins down (rows) and across (cols), and its tiles × images. */
export interface WinoTiles { rows: number[]; cols: number[]; columns: number }

export function winoTiles(c: WinoConv): WinoTiles {
  const rows = tileOrigins(c.OH, c.dh), cols = tileOrigins(c.OW, c.dw);
  return { rows, cols, columns: rows.length * cols.length * c.N };
}

export const winoBlockBytes = (t: WinoTiles): number => align64((12 + t.rows.length + t.cols.length) * 4);

/** Writes the geometry block of assembly/winograd-transform.ts at byte offset `at`. */
export function writeWinoBlock(ctx: WasmContext, at: number, c: WinoConv, t: WinoTiles): void {
  const { rows, cols } = t;
  ctx.i32().set([c.C, c.N, c.H, c.W, c.OH, c.OW, c.ph, c.pw, c.dh, c.dw, rows.length, cols.length, ...rows, ...cols], at >>> 2);
}

const roundUp = (v: number, to: number): number => Math.ceil(v / to) * to;

/** Columns per chunk when each chunk's input is transformed in its own thread: B panels within
 *  V_CHUNK_BYTES, a multiple of 8 (whole panels). */
function forwardChunkColumns(C: number, columns: number): number {
  const fit = Math.floor(V_CHUNK_BYTES / (XI * 4 * C) / 8) * 8;
  return Math.min(MAX_CHUNK_COLUMNS, roundUp(columns, 8), Math.max(8, fit));
}

/** Bytes of one ξν's B panels of a chunk when the input is transformed once for all parts: every
 *  filter panel streams past them, so they stay in L2. */
const V_SHARED_XI_BYTES = 128 * 1024;

/** Columns per chunk when the input is transformed once (few columns): as many as keep one ξν's
 *  panels within V_SHARED_XI_BYTES, so that each filter panel, read from memory, meets many. */
function sharedChunkColumns(C: number, columns: number): number {
  const fit = Math.floor(V_SHARED_XI_BYTES / (4 * C) / 8) * 8;
  return Math.min(MAX_CHUNK_COLUMNS, roundUp(columns, 8), Math.max(8, fit));
}

/** Filters per pass over a chunk of `jc` columns: M within M_CHUNK_BYTES, a multiple of 4. */
function filtersPerPass(jc: number, K: number): number {
  return Math.min(roundUp(K, 4), Math.max(4, Math.floor(M_CHUNK_BYTES / (XI * 4 * roundUp(jc, 8)) / 4) * 4));
}

/** Bytes between consecutive ξν matrices of `bytes` each: rounded up to 4 KiB, plus one cache line,
 *  so that the 16 values a transform writes or reads per group fall in 16 different cache sets
 *  (at a multiple of 4 KiB they would share one set of the L1 and thrash it). */
export const xiStride = (bytes: number): number => Math.ceil(bytes / 4096) * 4096 + 64;

/** Bytes between the ξν matrices of transformed filters U with `rows` (whole panels of 4) × cols:
 *  padded as xiStride from 4 KiB a matrix (below that the 16 cannot all share an L1 set, and
 *  padding would make a small layer's kept filters many times their size). */
const filterXiStride = (rows: number, cols: number): number => {
  const bytes = roundUp(rows, 4) * cols * 4;
  return bytes < 4096 ? align64(bytes) : xiStride(bytes);
};

/** Bytes of the transformed filters U: 16 matrices of rows × cols; for the forward pass rows = K
 *  and cols = C (what inference keeps, WinoRun.keptU). */
export const winogradFilterBytes = (rows: number, cols: number): number => XI * filterXiStride(rows, cols);

/** A chunk of filters transformed right before its products (winoForwardPart's U = 0) takes at most
 *  this, so it is read back from L2: where a convolution has one column chunk, each filter is then
 *  transformed once and the 16/9 of the weights never go out to memory and back. */
const OWN_FILTER_BYTES = 1024 * 1024;

export interface WinoRun {
  /** Input, filters (as stored: [wK, wC, 3, 3]) and output pointers; flip: the input gradient. */
  px: number; pw: number; py: number; wK: number; wC: number; flip: boolean;
  conv: WinoConv;
  scale: number; shift: number; slope: number | null;
  /** The transformed filters U made earlier (WasmContext.kept), or 0: transform them into scratch. */
  keptU: number;
}

/** How runWinograd cuts a convolution with K filters: a function of the shapes alone and of whether
 *  the transformed filters are kept (then `ownU`, each chunk transforming its filters, is false). */
interface WinoRunLayout {
  tiles: WinoTiles; JC: number; tiled: boolean; nj: number; KCK: number; nk: number; KCH: number;
  ownU: boolean; us: number; uBytes: number; vs: number; ms: number; vBytes: number; stride: number; block: number;
}

function winoRunLayout(c: WinoConv, K: number, keptU: boolean): WinoRunLayout {
  const tiles = winoTiles(c), J = tiles.columns;
  const ownColumns = forwardChunkColumns(c.C, J), uBytes = winogradFilterBytes(K, c.C);
  const share = uBytes > CACHED_FILTER_BYTES && XI * c.C * roundUp(J, 8) * 4 <= SHARED_INPUT_BYTES;
  const tiled = !share && Math.ceil(J / ownColumns) >= MIN_CHUNKS;
  const JC = tiled ? ownColumns : sharedChunkColumns(c.C, J);
  // Tiled: one filter chunk per column chunk. Shared: enough filter chunks for MIN_CHUNKS parts.
  const nj = Math.ceil(J / JC);
  const KCK = tiled ? roundUp(K, 4) : roundUp(Math.ceil(K / Math.max(1, Math.ceil(MIN_CHUNKS / nj))), 4);
  const nk = Math.ceil(K / KCK);
  // One column chunk (the input transformed once): each filter chunk is transformed where it is used.
  const ownU = !keptU && !tiled && nj === 1;
  const ownFit = Math.max(4, Math.floor(OWN_FILTER_BYTES / (XI * 4 * c.C) / 4) * 4);
  const KCH = Math.min(KCK, filtersPerPass(JC, K), ownU ? ownFit : Infinity);
  const us = ownU ? filterXiStride(KCH, c.C) : filterXiStride(K, c.C);
  // B panels: of every column when shared, else of one chunk per thread; M: one pass of KCH filters.
  const vs = xiStride(c.C * roundUp(tiled ? JC : J, 8) * 4), ms = xiStride(roundUp(KCH, 4) * roundUp(JC, 8) * 4);
  return {
    tiles, JC, tiled, nj, KCK, nk, KCH, ownU, us, uBytes: keptU || ownU ? 0 : XI * us, vs, ms, vBytes: tiled ? 0 : XI * vs,
    stride: align64(XI * ms + (tiled ? XI * vs : 0) + (ownU ? XI * us : 0)), block: winoBlockBytes(tiles),
  };
}

/** Scratch bytes of one runWinograd call with `slots` per-thread slots: the transformed filters U
 *  (unless kept or transformed per chunk), the shared B panels (few columns) and each thread's
 *  products M, own B panels and own filter chunk. */
const winoRunScratch = (l: WinoRunLayout, slots: number): number => l.block + l.uBytes + l.vBytes + l.stride * slots + 64;

/** U = G·g·Gᵀ of w [wK, wC, 3, 3] at pU, as A panels of this convolution's filters (flip: the
 *  input gradient's, the rotated and transposed w). */
export function transformFilters(ctx: WasmContext, pw: number, wK: number, wC: number, flip: boolean, pU: number): void {
  const us = flip ? filterXiStride(wC, wK) : filterXiStride(wK, wC);
  ctx.call('winoFilterPart', ctx.parts((wK * wC * 16) / 2), [pw, wK, wC, flip ? 1 : 0, pU, us]);
}

/** Scratch bytes of a winogradForward (inputGrad false) or winogradInputGrad call with `slots`
 *  thread slots, for memory estimates. */
export function winogradScratchBytes(g: WindowGeometry, k: number, inputGrad: boolean, slots: number): number {
  return winoRunScratch(winoRunLayout(inputGrad ? inputGradConv(g, k) : forwardConv(g), inputGrad ? g.channels : k, false), slots);
}

/** y = act(scale·conv(x, w) + shift) by Winograd F(2×2, 3×3), every output written. */
export function runWinograd(ctx: WasmContext, r: WinoRun): void {
  const c = r.conv;
  // Filters of this convolution (its output channels): the input gradient's are the stored inputs.
  const K = r.flip ? r.wC : r.wK;
  const kept = r.keptU !== 0, l = winoRunLayout(c, K, kept);
  const { tiles, JC, tiled, KCK, KCH, ownU, us, uBytes, vs, ms, vBytes, stride, block } = l, J = tiles.columns;
  // About 20 multiply–adds per ns on one thread, as the gemm glue assumes.
  const nparts = Math.min(l.nj * l.nk, ctx.parts((XI * K * c.C * J) / 20));
  const base = ctx.scratch(winoRunScratch(l, ctx.slots(nparts)));
  const pU = kept ? r.keptU : ownU ? 0 : base + block;
  const pV = tiled ? 0 : base + block + uBytes, work = base + block + uBytes + vBytes;
  writeWinoBlock(ctx, base, c, tiles);
  if (!kept && !ownU) transformFilters(ctx, r.pw, r.wK, r.wC, r.flip, pU);
  if (!tiled) ctx.call('winoInputPart', ctx.parts((XI * c.C * J) / 4), [r.px, base, pV, vs]);
  ctx.call('winoForwardPart', nparts, [
    r.px, base, pU, us, r.pw, r.wK, r.wC, r.flip ? 1 : 0, pV, vs, ms, r.py, K, JC, KCK, KCH,
    r.scale, r.shift, r.slope === null ? 0 : 1, r.slope ?? 0, work, stride,
  ]);
}
