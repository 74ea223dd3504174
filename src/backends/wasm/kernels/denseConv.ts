// denseConvForward / denseConvInputGrad / denseConvWeightGrad glue (assembly/conv-dense.ts): a
// convolution whose window covers the whole input from every output position, as one dense
// product over x and y in place. The tap table (shape.ts denseTaps) goes into scratch first; B
// panels of the other operand are packed once per call (parts over blocks), then parts take row
// panels (the forward pass and the input gradient) or whole filters (the weight gradient).
import type { WindowGeometry } from '../../../kernels.ts';
import type { DeviceBuffer } from '../../backend.ts';
import { convWayMismatch, denseEligible, denseTaps, sizeOf } from '../../../shape.ts';
import type { WasmContext, WasmKernel } from '../context.ts';
import { checkConvForward, checkConvInputGrad, checkConvWeightGrad } from './conv-checks.ts';
import { align64 } from './convForward.ts';

/** Row panels packed together per thread (assembly/conv-dense.ts GROUP_PANELS) and their height. */
const GROUP_PANELS = 8, MR = 4, NR = 8;
/** Bytes between packed row panels (assembly/conv-dense.ts panelBytes): the depth's MR-float steps
 *  and one cache line. */
const panelBytes = (depth: number): number => depth * MR * 4 + 64;
/** About 20 multiply–adds per ns on one thread, as the gemm glue assumes. */
const MACS_PER_NS = 20;

const up = (v: number, to: number): number => Math.ceil(v / to) * to;

interface Dense { taps: Int32Array; po: number; pi: number; T: number; C: number; N: number }

function dense(kernel: string, g: WindowGeometry): Dense {
  const d = denseTaps(g);
  if (!d) throw new Error(`wasm ${kernel}: ${convWayMismatch('dense', g)}`);
  return { taps: d.taps, po: d.outPositions, pi: d.inPositions, T: g.window[0] * g.window[1] * g.window[2], C: g.channels, N: g.batch };
}

/** Bytes of the gathered weights inference keeps for K filters (row panels of the whole depth). */
export const denseKeptBytes = (g: WindowGeometry, k: number): number => {
  if (!denseEligible(g)) return 0;
  const po = sizeOf(g.outSize), pi = sizeOf(g.inSize);
  return align64((up(k * po, MR) / MR) * panelBytes(g.channels * pi));
};

/** Scratch of one call: the tap table (`taps` i32), B panels (depth × n, n rounded to whole panels),
 *  and per thread a staging tile and a group of packed row panels (none when kept) or one dy panel. */
function scratchBytes(taps: number, depth: number, n: number, perThread: number, slots: number): number {
  return align64(taps * 4) + align64(depth * up(n, NR) * 4) + slots * align64(MR * NR * 4 + perThread) + 64;
}

export function denseScratchBytes(kernel: 'forward' | 'inputGrad' | 'weightGrad', g: WindowGeometry, k: number, slots: number): number {
  if (!denseEligible(g)) return 0;
  const po = sizeOf(g.outSize), pi = sizeOf(g.inSize);
  if (kernel === 'weightGrad') return scratchBytes(po * pi, g.batch, g.channels * pi, MR * g.batch * 4 + 64, slots);
  const depth = kernel === 'forward' ? g.channels * pi : k * po;
  return scratchBytes(po * pi, depth, g.batch, GROUP_PANELS * panelBytes(depth), slots);
}

/** y = A·b (+ epilogue): A the gathered weights (transposed: the input gradient's), b [depth × N]. */
function runProduct(
  ctx: WasmContext, d: Dense, k: number, transposed: boolean, pw: number, pb: number, py: number,
  epilogue: { scale: number; shift: number; slope: number | null }, keep: { w: DeviceBuffer } | null,
): void {
  const rows = transposed ? d.C * d.pi : k * d.po, depth = transposed ? k * d.po : d.C * d.pi;
  const nparts = Math.min(Math.ceil(rows / MR), ctx.parts((rows * depth * d.N) / MACS_PER_NS));
  // Kept only where the backend keeps (createWasmBackend's keepFilterTransforms); otherwise every
  // thread packs its groups of row panels into its own scratch.
  const keeping = keep !== null && ctx.keeps();
  const perThread = keeping ? 0 : GROUP_PANELS * panelBytes(depth);
  const base = ctx.scratch(scratchBytes(d.taps.length, depth, d.N, perThread, ctx.slots(nparts)));
  const ptaps = base, pB = base + align64(d.taps.length * 4), work = pB + align64(depth * up(d.N, NR) * 4);
  ctx.i32().set(d.taps, ptaps >>> 2);
  const geometry = [pw, ptaps, d.C, k, d.T, d.po, d.pi, transposed ? 1 : 0];
  // The key names the shape and the taps: another geometry of the same bytes gathers differently.
  const kept = keeping
    ? ctx.kept(keep.w, `dense ${k}×${d.C} ${d.po}×${d.pi} ${d.taps.join(',')}`, align64((up(rows, MR) / MR) * panelBytes(depth)),
      (at) => ctx.call('densePackWPart', ctx.parts((rows * depth) / 2), [...geometry, at]))
    : 0;
  ctx.call('densePackBPart', ctx.parts((depth * d.N) / 2) > 1 ? Math.min(8, Math.ceil(depth / 384)) : 1, [pb, depth, d.N, pB]);
  ctx.call('denseGemmPart', nparts, [
    ...geometry, kept, pB, d.N, py, transposed ? d.pi : d.po, epilogue.scale, epilogue.shift,
    epilogue.slope === null ? 0 : 1, epilogue.slope ?? 0, work, align64(MR * NR * 4 + perThread),
  ]);
}

export const denseConvForward: WasmKernel<'denseConvForward'> = (ctx, args) => {
  const { x, w, y, g, k, scale, shift, slope, keepFilters } = args;
  const d = dense('denseConvForward', g);
  const z = checkConvForward('denseConvForward', args);
  if (z.columns === 0) return;
  const px = ctx.input(x), pw = ctx.input(w), ps = scale ? ctx.input(scale) : 0, pt = shift ? ctx.input(shift) : 0;
  const py = ctx.out(y, k * z.columns);
  runProduct(ctx, d, k, false, pw, px, py, { scale: ps, shift: pt, slope }, keepFilters ? { w } : null);
};

export const denseConvInputGrad: WasmKernel<'denseConvInputGrad'> = (ctx, args) => {
  const { dy, w, dx, g, k } = args;
  const d = dense('denseConvInputGrad', g);
  const z = checkConvInputGrad('denseConvInputGrad', args);
  if (z.input === 0) return;
  const pdy = ctx.input(dy), pw = ctx.input(w), pdx = ctx.out(dx, z.input);
  runProduct(ctx, d, k, true, pw, pdy, pdx, { scale: 0, shift: 0, slope: null }, null);
};

export const denseConvWeightGrad: WasmKernel<'denseConvWeightGrad'> = (ctx, args) => {
  const { x, dy, dw, g, k } = args;
  const d = dense('denseConvWeightGrad', g);
  const z = checkConvWeightGrad('denseConvWeightGrad', args);
  const pdw = ctx.out(dw, k * z.rows);
  if (z.columns === 0) {
    ctx.fn('fill')(pdw, k * z.rows, 0, 0, 1);
    return;
  }
  const px = ctx.input(x), pdy = ctx.input(dy);
  const cols = d.C * d.pi;
  // Parts take whole filters in whole row panels: units of lcm(MR, Po) rows.
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const unit = MR / gcd(MR, d.po);
  const nparts = Math.min(Math.ceil(k / unit), ctx.parts((k * d.po * cols * d.N) / MACS_PER_NS));
  const perThread = MR * d.N * 4 + 64;
  const base = ctx.scratch(scratchBytes(d.taps.length, d.N, cols, perThread, ctx.slots(nparts)));
  const ptaps = base, pB = base + align64(d.taps.length * 4), work = pB + align64(d.N * up(cols, NR) * 4);
  ctx.i32().set(d.taps, ptaps >>> 2);
  ctx.call('densePackXtPart', ctx.parts((cols * d.N) / 2), [px, cols, d.N, pB]);
  ctx.call('denseWeightGradPart', nparts, [pdy, ptaps, pdw, d.C, k, d.T, d.po, d.pi, d.N, unit, pB, work, align64(MR * NR * 4 + perThread)]);
};
