// The GPU half of backend selection (src/backends/select.ts asks here): the shared webgl backend,
// and what 'auto' picks. 'auto' takes the GPU only in a browser (page or worker) whose WebGL2
// renders float32 textures on real hardware: a software renderer is many times slower than the
// wasm kernels, and Node has no WebGL2 at all (backend.ts says why when 'gpu' is asked for there).
import type { Backend } from '../backend.ts';
import { inNode, probeWebGL } from './context.ts';

let gpu: Promise<Backend> | null = null;

let warned = false;

/** The shared webgl backend, created on first use (gpu.js is imported only then). On a software
 *  renderer it warns once (console.warn) that the cpu backend is faster there. */
export function gpuBackend(): Promise<Backend> {
  if (!gpu) {
    const p: Promise<Backend> = import('./backend.ts').then(async (m) => {
      const b = await m.createWebglBackend();
      if (b.softwareWarning && !warned) {
        warned = true;
        console.warn(`argon: ${b.softwareWarning}`);
      }
      return b;
    });
    p.catch(() => { if (gpu === p) gpu = null; });
    gpu = p;
  }
  return gpu;
}

export interface AutoChoice { name: 'cpu' | 'gpu'; reason: string }

/** What 'auto' resolves to here, and why. Probes WebGL2 without loading gpu.js. */
export function autoChoice(): AutoChoice {
  if (inNode()) return { name: 'cpu', reason: 'Node has no WebGL2 (the GPU path runs in browsers)' };
  const p = probeWebGL();
  if (!p.webgl2 || p.problem) return { name: 'cpu', reason: p.problem ?? 'WebGL2 is not available' };
  if (p.software) return { name: 'cpu', reason: `the WebGL renderer is a software rasteriser (${p.renderer})` };
  return { name: 'gpu', reason: `WebGL2 with float32 textures on ${p.renderer}` };
}

let auto: Promise<Backend | null> | null = null;

/** The webgl backend when 'auto' picks the GPU and it starts (its self-test passes); else null. */
export function autoGpuBackend(): Promise<Backend | null> {
  auto ??= autoChoice().name === 'gpu' ? gpuBackend().catch(() => null) : Promise.resolve(null);
  return auto;
}
