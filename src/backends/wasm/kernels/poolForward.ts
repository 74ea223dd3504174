// Pooling forward. The geometry travels as a 20-i32 scratch block (common.ts); max without a
// caller's argmax, and lp, use 2·N words of scratch per thread after the block (assembly/pool.ts).
// Parts split the channels.
import type { KernelArgs, PoolMode, WindowGeometry } from '../../../kernels.ts';
import type { DeviceBuffer } from '../../backend.ts';
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, POOL_MODES, geometryBlock, needFloat, needInt, windowSizes } from './common.ts';

type PoolArgs = Pick<KernelArgs<DeviceBuffer>['poolForward'], 'mode' | 'p' | 'sigma'>;

/** The wasm mode number and its f32 parameter: lp with p = 2 runs as l2 (bit-identical, as the
 *  contract says); lp needs a finite p ≥ 1, weighted a finite sigma > 0. */
export function poolMode(kernel: string, { mode, p, sigma }: PoolArgs): { code: number; param: number } {
  if (mode === 'lp') {
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) throw new Error(`wasm ${kernel}: mode 'lp' needs a finite p ≥ 1, got ${String(p)}`);
    return p === 2 ? { code: POOL_MODES.l2, param: 0 } : { code: POOL_MODES.lp, param: p };
  }
  if (mode === 'weighted') {
    if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
      throw new Error(`wasm ${kernel}: mode 'weighted' needs a finite sigma > 0, got ${String(sigma)}`);
    }
    return { code: POOL_MODES.weighted, param: sigma };
  }
  if (!Object.hasOwn(POOL_MODES, mode)) throw new Error(`wasm ${kernel}: unknown pooling mode '${String(mode)}'`);
  return { code: POOL_MODES[mode as PoolMode], param: 0 };
}

/** Rough single-thread cost in ns for ctx.parts: a tap of one output value costs about half a
 *  nanosecond in f32x4 lanes; lp with a non-integer p calls Mathf.pow per value (about 20 ns). */
export function poolWork(outputs: number, g: WindowGeometry, code: number): number {
  const taps = g.window[0] * g.window[1] * g.window[2];
  return outputs * taps * (code === POOL_MODES.lp ? 4 : 0.5);
}

export const poolForward: WasmKernel<'poolForward'> = (ctx, args) => {
  const { x, y, argmax, g, mode } = args;
  const { code, param } = poolMode('poolForward', args);
  const z = windowSizes(g);
  needFloat('poolForward', 'x', x, z.input);
  needFloat('poolForward', 'y', y, z.output);
  const own = mode === 'max' && argmax !== null;
  if (own) needInt('poolForward', 'argmax', argmax, z.output);
  const nparts = ctx.parts(poolWork(z.output, g, code));
  const geo = geometryBlock(ctx, g, own ? 0 : ctx.slots(nparts) * 8 * g.batch);
  const am = own ? ctx.out(argmax, z.output) : geo + GEOMETRY_BYTES;
  ctx.call('poolForward', nparts, [ctx.ptr(x), ctx.out(y, z.output), am, own ? 1 : 0, geo, code, param]);
};
