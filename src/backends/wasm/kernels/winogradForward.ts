// winogradForward glue: convForward by Winograd F(2×2, 3×3) (winograd-common.ts runs it).
import type { WasmKernel } from '../context.ts';
import { checkConvForward } from './conv-checks.ts';
import { checkWinograd, forwardConv, runWinograd } from './winograd-common.ts';

export const winogradForward: WasmKernel<'winogradForward'> = (ctx, args) => {
  const { x, w, y, g, k, scale, shift, slope } = args;
  checkWinograd('winogradForward', g);
  const z = checkConvForward('winogradForward', args);
  if (z.columns === 0) return;
  const px = ctx.ptr(x), pw = ctx.ptr(w), ps = scale ? ctx.ptr(scale) : 0, pt = shift ? ctx.ptr(shift) : 0;
  const py = ctx.out(y, k * z.columns);
  runWinograd(ctx, { px, pw, py, wK: k, wC: g.channels, flip: false, conv: forwardConv(g), scale: ps, shift: pt, slope });
};
