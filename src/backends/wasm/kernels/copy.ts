// Offsets are applied here: the wasm loop sees two pointers and a count (memmove semantics).
import type { WasmKernel } from '../context.ts';
import { needFloat } from './common.ts';

export const copy: WasmKernel<'copy'> = (ctx, { x, out, n, xOffset, outOffset }) => {
  for (const [what, v] of [['n', n], ['xOffset', xOffset], ['outOffset', outOffset]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`wasm copy: ${what} must be a non-negative integer, got ${v}`);
  }
  needFloat('copy', 'x', x, xOffset + n);
  needFloat('copy', 'out', out, outOffset + n);
  ctx.fn('copy')(ctx.ptr(x) + 4 * xOffset, ctx.ptr(out) + 4 * outOffset, n);
};
