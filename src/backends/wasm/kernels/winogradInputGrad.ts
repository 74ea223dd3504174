// winogradInputGrad glue: dx as a Winograd convolution of dy with the filters rotated by 180° and
// transposed (winograd-common.ts inputGradConv); every cell of dx is some tile's output, so dx is
// overwritten whole.
import type { WasmKernel } from '../context.ts';
import { checkConvInputGrad } from './conv-checks.ts';
import { checkWinograd, inputGradConv, runWinograd } from './winograd-common.ts';

export const winogradInputGrad: WasmKernel<'winogradInputGrad'> = (ctx, args) => {
  const { dy, w, dx, g, k } = args;
  checkWinograd('winogradInputGrad', g);
  const z = checkConvInputGrad('winogradInputGrad', args);
  if (z.input === 0) return;
  const pdy = ctx.input(dy), pw = ctx.input(w), pdx = ctx.out(dx, z.input);
  runWinograd(ctx, { px: pdy, pw, py: pdx, wK: k, wC: g.channels, flip: true, conv: inputGradConv(g, k), scale: 0, shift: 0, slope: null, keptU: 0 });
};
