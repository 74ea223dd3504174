import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const sumSquares: WasmKernel<'sumSquares'> = (ctx, { x, out, n }) => {
  needFloat('sumSquares', 'x', x, n);
  needFloat('sumSquares', 'out', out, 1);
  ctx.fn('sumSquares')(ctx.ptr(x), ctx.ptr(out), n);
};
