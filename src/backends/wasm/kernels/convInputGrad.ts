// convInputGrad glue: dx = col2im(wᵀ·dy) tile by tile (assembly/conv-backward.ts). A part owns a
// range of input channels, so no two threads add into the same cells of dx, and each cell takes
// its tiles' contributions in tile order whatever the thread count.
import type { WasmKernel } from '../context.ts';
import { GEOMETRY_BYTES, geometryBlock } from './common.ts';
import { checkConvInputGrad } from './conv-checks.ts';
import { align64, convTile } from './convForward.ts';

export const convInputGrad: WasmKernel<'convInputGrad'> = (ctx, args) => {
  const { dy, w, dx, g, k } = args;
  const z = checkConvInputGrad('convInputGrad', args);
  if (z.input === 0) return;
  if (z.columns === 0) {
    ctx.fn('fill')(ctx.out(dx, z.input), z.input, 0, 0, 1);
    return;
  }
  const N = g.batch, C = g.channels, taps = z.rows / C;
  const tile = convTile(g);
  const nparts = Math.min(C, ctx.parts((k * z.rows * z.columns) / 20));
  const partRows = Math.ceil(C / nparts) * taps;
  const stride = align64(partRows * tile * N * 4) + ctx.fn('sgemmScratchBytes')(partRows, tile * N, k);
  const pdy = ctx.ptr(dy), pw = ctx.ptr(w), pdx = ctx.out(dx, z.input);
  const gb = geometryBlock(ctx, g, stride * ctx.slots(nparts) + 128);
  ctx.call('convInputGradPart', nparts, [pdy, pw, pdx, gb, k, tile, align64(gb + GEOMETRY_BYTES), stride]);
};
