// winogradForward glue: convForward by Winograd F(2×2, 3×3) (winograd-common.ts runs it).
import type { WasmKernel } from '../context.ts';
import { checkConvForward } from './conv-checks.ts';
import { checkWinograd, forwardConv, runWinograd, transformFilters, winogradFilterBytes } from './winograd-common.ts';

/** With keepFilters, the transformed filters stay with w (WasmContext.kept) until w changes. */
export const winogradForward: WasmKernel<'winogradForward'> = (ctx, args) => {
  const { x, w, y, g, k, scale, shift, slope, keepFilters } = args;
  checkWinograd('winogradForward', g);
  const z = checkConvForward('winogradForward', args);
  if (z.columns === 0) return;
  const C = g.channels;
  const px = ctx.input(x), pw = ctx.input(w), ps = scale ? ctx.input(scale) : 0, pt = shift ? ctx.input(shift) : 0;
  // Keyed by the shape: another K × C of the same bytes lays the panels out differently.
  const keptU = keepFilters && ctx.keeps()
    ? ctx.kept(w, `winograd ${k}×${C}`, winogradFilterBytes(k, C), (pU) => transformFilters(ctx, pw, k, C, false, pU))
    : 0;
  const py = ctx.out(y, k * z.columns);
  runWinograd(ctx, { px, pw, py, wK: k, wC: C, flip: false, conv: forwardConv(g), scale: ps, shift: pt, slope, keptU });
};
