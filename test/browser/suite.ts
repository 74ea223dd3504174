// The in-page conformance suite: runs in Chromium (test/webgl-browser.test.ts builds and loads it)
// and compares the webgl backend with ref-f64 running in the same page — every kernel case
// (kernel-cases.ts), every differentiable op's forward and gradients (test/op-cases.ts), the model
// bar (model-bar.ts), and a leak check. It reports one result per case; the Node side asserts them.
import { backward } from '../../src/autograd/index.ts';
import type { Backend } from '../../src/backends/backend.ts';
import { createRefBackend } from '../../src/backends/ref/backend.ts';
import { autoChoice } from '../../src/backends/webgl/select.ts';
import { createWebglBackend, type WebglBackend } from '../../src/backends/webgl/backend.ts';
import { Tensor, tidy } from '../../src/tensor.ts';
import { randomArray, type Tolerance } from '../helpers.ts';
import { OP_CASES, makeInputs, type OpCase } from '../op-cases.ts';
import { isIntBuffer, KERNEL_CASES, LIMIT_CASES, LIMIT_TEXTURE, runKernelCase } from './kernel-cases.ts';
import { packedCapacity } from '../../src/backends/webgl/layout.ts';
import { trainBar, trainMiniResnet } from './model-bar.ts';

export interface CaseResult { group: string; name: string; ok: boolean; error?: string; ms: number; note?: string }
export interface SuiteReport { renderer: string; software: boolean; auto: string; warning: string | null; results: CaseResult[]; compiled: number; calls: number; ms: number }

/** Live GL textures of every context on the page (createTexture − deleteTexture), counted from
 *  before the first context exists: a training step that leaks a texture shows here. */
const textures = { live: 0 };
{
  const proto = WebGL2RenderingContext.prototype;
  const create = proto.createTexture, remove = proto.deleteTexture;
  proto.createTexture = function (this: WebGL2RenderingContext) { textures.live++; return create.call(this); };
  proto.deleteTexture = function (this: WebGL2RenderingContext, t: WebGLTexture | null) { if (t) textures.live--; return remove.call(this, t); };
}

/** The webgl backend against float64: single precision on the GPU, with GPU math functions. */
export const GPU_TOL: Tolerance = { rtol: 1e-3, atol: 1e-5 };

function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, label: string): string | null {
  if (actual.length !== expected.length) return `${label}: length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], b = expected[i];
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - b) <= tol.rtol * Math.abs(b) + tol.atol)) {
      return `${label}: index ${i} is ${a}, expected ${b} (rtol ${tol.rtol}, atol ${tol.atol})`;
    }
  }
  return null;
}

function opRun(be: Backend, c: OpCase): { y: number[]; grads: (number[] | null)[] } {
  return tidy(() => {
    const inputs = makeInputs(be, c.inputs, 23);
    const y = c.f(inputs);
    const seed = Tensor.fromArray(be, randomArray(y.size, 5), y.shape);
    const out = Array.from(y.toArray());
    backward(y, seed);
    return { y: out, grads: inputs.map((x, i) => (c.inputs[i].constant || !x.grad ? null : Array.from(x.grad.toArray()))) };
  });
}

async function timed(group: string, name: string, fn: () => string | null | Promise<string | null>): Promise<CaseResult> {
  const t0 = performance.now();
  try {
    const err = await fn();
    return { group, name, ok: err === null, ...(err ? { error: err } : {}), ms: performance.now() - t0 };
  } catch (e) {
    return { group, name, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), ms: performance.now() - t0 };
  }
}

export async function runSuite(opts: { groups?: string[]; filter?: string } = {}): Promise<SuiteReport> {
  const t0 = performance.now();
  const want = (group: string, name: string): boolean =>
    (!opts.groups || opts.groups.includes(group)) && (!opts.filter || `${group} ${name}`.includes(opts.filter));
  const gpu: WebglBackend = await createWebglBackend();
  const ref = createRefBackend('float64');
  const results: CaseResult[] = [];

  for (const c of KERNEL_CASES) {
    const name = `${c.kernel} ${c.label}`;
    if (!want('kernel', name)) continue;
    results.push(await timed('kernel', name, () => {
      const expected = runKernelCase(ref, c), actual = runKernelCase(gpu, c);
      for (const b of c.check) {
        const err = isIntBuffer(c.buffers[b])
          ? mismatch(actual[b], expected[b], { rtol: 0, atol: 0 }, b)
          : mismatch(actual[b], expected[b], GPU_TOL, b);
        if (err) return err;
      }
      return null;
    }));
  }

  for (const c of OP_CASES) {
    if (!want('op', c.name)) continue;
    results.push(await timed('op', c.name, () => {
      const expected = opRun(ref, c), actual = opRun(gpu, c);
      const err = mismatch(actual.y, expected.y, GPU_TOL, 'forward');
      if (err) return err;
      for (let i = 0; i < expected.grads.length; i++) {
        const g = expected.grads[i];
        if (!g) continue;
        const a = actual.grads[i];
        if (!a) return `input ${i} got no gradient`;
        const e = mismatch(a, g, GPU_TOL, `gradient of input ${i}`);
        if (e) return e;
      }
      return null;
    }));
  }

  if (want('memory', 'op cases leave no buffers')) {
    results.push(await timed('memory', 'op cases leave no buffers behind', () => {
      const before = gpu.memory().buffers;
      for (const c of OP_CASES.slice(0, 12)) opRun(gpu, c);
      const after = gpu.memory().buffers;
      return after === before ? null : `live buffers before ${before}, after ${after}`;
    }));
  }

  if (want('model', 'small CNN 5 steps gpu vs cpu')) {
    const live: number[] = [];
    let barNote = '';
    results.push(await timed('model', 'small CNN (3×16×16, batch 16, conv–pool–conv+BN–global pool–softmax) 5 steps gpu vs cpu', async () => {
      const g = await trainBar('gpu', () => live.push(textures.live)), c = await trainBar('cpu');
      let worst = 0;
      for (let i = 0; i < c.outputs.length; i++) worst = Math.max(worst, Math.abs(g.outputs[i] - c.outputs[i]));
      barNote = `losses gpu ${g.losses.map((l) => l.toFixed(5)).join(' ')} | cpu ${c.losses.map((l) => l.toFixed(5)).join(' ')}; ` +
        `outputs max |gpu − cpu| ${worst.toExponential(2)}; ${(g.ms / 1000).toFixed(1)} s gpu, ${(c.ms / 1000).toFixed(1)} s cpu`;
      if (g.backend !== 'webgl' || c.backend !== 'wasm') return `backends were ${g.backend} and ${c.backend}`;
      if (g.losses.length !== 5 || c.losses.length !== 5) return `steps: gpu ${g.losses.length}, cpu ${c.losses.length}`;
      for (let s = 0; s < 5; s++) {
        const rel = Math.abs(g.losses[s] - c.losses[s]) / Math.abs(c.losses[s]);
        if (!(rel <= 0.02)) return `step ${s + 1}: loss gpu ${g.losses[s]}, cpu ${c.losses[s]} (${(rel * 100).toFixed(2)} % apart)`;
      }
      return mismatch(g.outputs, c.outputs, GPU_TOL, 'outputs after 5 steps');
    }));
    results[results.length - 1].note = barNote;
    results.push(await timed('memory', 'training steps 2-5 hold the same number of GL textures (no per-step leak)', () => {
      if (live.length !== 5) return `recorded ${live.length} steps`;
      return live.slice(1).every((n) => n === live[1]) ? null : `live textures after each step: ${live.join(', ')}`;
    }));
  }

  if (want('model', 'mini ResNet gpu vs cpu')) {
    let note = '';
    results.push(await timed('model', 'mini ResNet (basic blocks, projection + identity shortcuts, MergeSum) 3 steps gpu vs cpu', async () => {
      const g = await trainMiniResnet('gpu'), c = await trainMiniResnet('cpu');
      note = `losses gpu ${g.losses.map((l) => l.toFixed(5)).join(' ')} | cpu ${c.losses.map((l) => l.toFixed(5)).join(' ')}`;
      for (let s = 0; s < c.losses.length; s++) {
        const rel = Math.abs(g.losses[s] - c.losses[s]) / Math.abs(c.losses[s]);
        if (!(rel <= 0.02)) return `step ${s + 1}: loss gpu ${g.losses[s]}, cpu ${c.losses[s]}`;
      }
      return g.losses.length === 3 ? mismatch(g.outputs, c.outputs, GPU_TOL, 'outputs after 3 steps') : `${g.losses.length} steps`;
    }));
    results[results.length - 1].note = note;
  }

  if (want('limits', 'MAX_TEXTURE_SIZE')) {
    results.push(await timed('limits', 'a buffer beyond one texture (MAX_TEXTURE_SIZE, 4 values a texel) is refused with an error naming the limit', () => {
      const max = gpu.info.maxTextureSize;
      try {
        gpu.alloc(packedCapacity(max) + 1);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        return msg.includes('MAX_TEXTURE_SIZE') && msg.includes(String(max)) ? null : `unclear error: ${msg}`;
      }
      return 'the allocation succeeded';
    }));
    // A backend capped at 64×64 texels: kernels on buffers within a few percent of the cap agree
    // with ref-f64, and one value more is refused.
    const small = await createWebglBackend({ maxTextureSize: LIMIT_TEXTURE });
    try {
      for (const c of LIMIT_CASES) {
        results.push(await timed('limits', `at MAX_TEXTURE_SIZE ${LIMIT_TEXTURE}: ${c.kernel} ${c.label}`, () => {
          const expected = runKernelCase(ref, c), actual = runKernelCase(small, c);
          for (const b of c.check) {
            const err = mismatch(actual[b], expected[b], GPU_TOL, b);
            if (err) return err;
          }
          return null;
        }));
      }
      results.push(await timed('limits', `at MAX_TEXTURE_SIZE ${LIMIT_TEXTURE}: ${packedCapacity(LIMIT_TEXTURE) + 1} values are refused, naming the limit`, () => {
        try {
          small.alloc(packedCapacity(LIMIT_TEXTURE) + 1);
        } catch (e) {
          const msg = e instanceof Error ? e.message : String(e);
          return msg.includes(`MAX_TEXTURE_SIZE is ${LIMIT_TEXTURE}`) ? null : `unclear error: ${msg}`;
        }
        return 'the allocation succeeded';
      }));
    } finally {
      small.destroy();
    }
  }

  const stats = gpu.stats();
  const report: SuiteReport = {
    renderer: gpu.info.renderer, software: gpu.info.software, auto: JSON.stringify(autoChoice()), warning: gpu.softwareWarning,
    results, compiled: stats.compiled, calls: stats.calls, ms: performance.now() - t0,
  };
  gpu.destroy();
  return report;
}

(globalThis as { argonSuite?: { runSuite: typeof runSuite } }).argonSuite = { runSuite };
