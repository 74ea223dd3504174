// The measurement behind the webgl backend's convolution strategy (run by bench/gpu.ts in the
// page): im2col + GEMM, which the ops use on every backend, against a direct convolution shader that
// never materialises the columns, on CNN-1's second convolution (32→64 channels, 3×3, dilation 2).
import { GpuRuntime } from '../src/backends/webgl/runtime.ts';
import { WebglBuffer } from '../src/backends/webgl/buffer.ts';
import { createContext, makeCanvas } from '../src/backends/webgl/context.ts';
import { loadGpuJs, type KernelThis } from '../src/backends/webgl/gpujs.ts';
import { gemmK } from '../src/backends/webgl/kernels/gemm.ts';
import { im2colK } from '../src/backends/webgl/kernels/im2col.ts';
import { geometryConstants } from '../src/backends/webgl/kernels/common.ts';
import type { WindowGeometry } from '../src/kernels.ts';

/** y[k, p·N + n] = Σ_c Σ_taps w[k, c, tap]·x[c, cell(p, tap), n], one output per thread. */
function directConvK(this: KernelThis, x: ArrayLike<number>, w: ArrayLike<number>): number {
  let acc = 0;
  for (let c = 0; c < this.constants.C; c++) {
    for (let t = 0; t < this.constants.T; t++) {
      for (let r = 0; r < this.constants.R; r++) {
        for (let s = 0; s < this.constants.S; s++) {
          if (anWinSrc(c * this.constants.PN + anMod(this.thread.x, this.constants.PN), t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw) >= 0) {
            acc += w[anDiv(this.thread.x, this.constants.PN) * this.constants.CTRS + ((c * this.constants.T + t) * this.constants.R + r) * this.constants.S + s] *
              x[anWinSrc(c * this.constants.PN + anMod(this.thread.x, this.constants.PN), t, r, s, this.constants.N, this.constants.D, this.constants.H, this.constants.W, this.constants.T, this.constants.R, this.constants.S, this.constants.OD, this.constants.OH, this.constants.OW, this.constants.sd, this.constants.sh, this.constants.sw, this.constants.pd, this.constants.ph, this.constants.pw, this.constants.dd, this.constants.dh, this.constants.dw)];
          }
        }
      }
    }
  }
  return acc;
}

export interface ConvTiming { im2colMs: number; gemmMs: number; directMs: number; maxDiff: number; shape: string }

export async function convBreakdown(batch: number, size: number, reps: number): Promise<ConvTiming> {
  const { GPU } = await loadGpuJs();
  const canvas = makeCanvas();
  const gl = canvas && createContext(canvas);
  if (!gl) throw new Error('no WebGL2');
  const rt = new GpuRuntime(new GPU({ mode: 'webgl2', canvas: canvas ?? undefined, context: gl }), Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)));
  const C = 32, K = 64, H = size;
  const g: WindowGeometry = {
    channels: C, batch, inSize: [1, H, H], window: [1, 3, 3], stride: [1, 1, 1], pad: [0, 2, 2], dilation: [1, 2, 2], outSize: [1, H, H],
  };
  const P = H * H, PN = P * batch, CTRS = C * 9;
  const owner = {};
  const x = new WebglBuffer(C * PN, 'float', owner), w = new WebglBuffer(K * CTRS, 'float', owner);
  x.host = Float32Array.from({ length: x.size }, (_, i) => ((i * 7919) % 997) / 997 - 0.5);
  w.host = Float32Array.from({ length: w.size }, (_, i) => ((i * 104729) % 991) / 991 - 0.5);
  const geo = geometryConstants(g);
  const sync = (t: { toArray(): unknown }): void => { t.toArray(); };
  rt.texture(x); rt.texture(w);
  const time = (fn: () => { toArray(): unknown; delete(): void }): number => {
    sync(fn());
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) { const t = fn(); sync(t); t.delete(); }
    return (performance.now() - t0) / reps;
  };
  const im2colMs = time(() => rt.run('im2col', im2colK, CTRS * PN, geo, [x]));
  const cols = rt.run('im2col', im2colK, CTRS * PN, geo, [x]);
  const gemmMs = time(() => rt.run('gemm', gemmK, K * PN, { m: K, n: PN, k: CTRS, transA: 0, transB: 0 }, [w, cols, 1]));
  const directMs = time(() => rt.run('directConv', directConvK, K * PN, { ...geo, C, PN, CTRS }, [x, w]));
  const a = rt.run('gemm', gemmK, K * PN, { m: K, n: PN, k: CTRS, transA: 0, transB: 0 }, [w, cols, 1]).toArray();
  const b = rt.run('directConv', directConvK, K * PN, { ...geo, C, PN, CTRS }, [x, w]).toArray();
  let maxDiff = 0;
  for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Number(a[i]) - Number(b[i])));
  rt.destroy();
  return { im2colMs, gemmMs, directMs, maxDiff, shape: `C${C}→K${K}, ${H}×${H}, 3×3 dil 2, batch ${batch}` };
}
