// In-page half of `npm run bench:gpu` (bench/gpu.ts loads it in Chromium): Argon's webgl backend
// and, with --peers, TF.js's webgl backend (float32 forced) in one page, timed rep by rep in turn.
// Every workload's first run compiles shaders (both engines) and is reported apart.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
// tfjs-core registers its gradient functions only on request (tf.grad, optimizer.minimize need them).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { createWebglBackend, type WebglBackend } from '../src/backends/webgl/backend.ts';
import { probeWebGL } from '../src/backends/webgl/context.ts';
import { kernelWorkloads, type Engine, type KernelWorkload } from './gpu-kernels.ts';
import { netEngines, netWorkloads } from './gpu-nets.ts';

export interface Row {
  name: string;
  argonMs: number[]; tfMs: number[];
  /** Network workloads: the same steps on Argon's cpu backend (wasm) in the same page. */
  cpuMs: number[];
  argonFirstMs: number; tfFirstMs: number | null;
  /** max |argon − tf| / max |tf| over the compared values (null without peers). */
  diff: number | null;
  fetchesPerMac: number | null;
  note: string;
}

let argon: WebglBackend | null = null;

async function setup(peers: boolean): Promise<WebglBackend> {
  if (peers && tf.getBackend() !== 'webgl') {
    tf.env().set('WEBGL_RENDER_FLOAT32_CAPABLE', true);
    tf.env().set('WEBGL_FORCE_F16_TEXTURES', false);
    if (!(await tf.setBackend('webgl'))) throw new Error('TF.js could not start its webgl backend');
    await tf.ready();
  }
  argon ??= await createWebglBackend();
  return argon;
}

function relDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / (scale || 1);
}

async function timed(e: Engine): Promise<number> {
  const t0 = performance.now();
  await e.run();
  return performance.now() - t0;
}

/** First runs, then `reps` runs alternating the engines. */
async function compare(a: Engine, b: Engine | null, reps: number): Promise<Pick<Row, 'argonMs' | 'tfMs' | 'argonFirstMs' | 'tfFirstMs' | 'diff'>> {
  const argonFirstMs = await timed(a);
  const tfFirstMs = b ? await timed(b) : null;
  const diff = b ? relDiff(a.result(), b.result()) : null;
  const argonMs: number[] = [], tfMs: number[] = [];
  for (let r = 0; r < reps; r++) {
    argonMs.push(await timed(a));
    if (b) tfMs.push(await timed(b));
  }
  return { argonMs, tfMs, argonFirstMs, tfFirstMs, diff };
}

/** Steady runs of the cpu path (its first run warms up and is dropped). */
async function cpuTimes(c: Engine, reps: number): Promise<number[]> {
  await c.run();
  const out: number[] = [];
  for (let r = 0; r < reps; r++) out.push(await timed(c));
  return out;
}

export function workloadNames(quick: boolean): { kernels: string[]; nets: string[] } {
  return { kernels: kernelWorkloads(quick).map((w) => w.name), nets: netWorkloads(quick).map((w) => w.name) };
}

/** Every kernel workload, built once per page: building one generates its inputs (megabytes for
 *  the larger GEMMs), which a row must not redo for all of them. */
let allKernels: KernelWorkload[] | null = null;

export async function runKernel(name: string, reps: number, peers: boolean): Promise<Row> {
  const be = await setup(peers);
  const w = (allKernels ??= kernelWorkloads(false)).find((k) => k.name === name);
  if (!w) throw new Error(`no kernel workload '${name}'`);
  const a = w.argon(be), b = peers ? w.tf() : null;
  try {
    return { name, ...(await compare(a, b, reps)), cpuMs: [], fetchesPerMac: w.fetchesPerMac, note: '' };
  } finally {
    a.dispose();
    b?.dispose();
  }
}

export async function runNet(name: string, reps: number, peers: boolean): Promise<Row> {
  await setup(peers);
  const w = netWorkloads(false).find((n) => n.name === name);
  if (!w) throw new Error(`no network workload '${name}'`);
  const e = await netEngines(w, peers, Math.min(reps + 1, 4));
  const before = e.backend.stats();
  try {
    const r = await compare(e.argon, e.tf, reps);
    const after = e.backend.stats();
    const cpuMs = await cpuTimes(e.cpu, reps);
    const fpm = (after.fetches - before.fetches) / Math.max(1, after.macs - before.macs);
    const losses = `first loss argon ${e.argon.loss().toFixed(5)}${e.tf ? `, TF.js ${e.tf.loss().toFixed(5)}` : ''}`;
    return { name, ...r, cpuMs, fetchesPerMac: fpm, note: `${losses}; cpu loss ${e.cpu.loss().toFixed(5)}` };
  } finally {
    e.argon.dispose();
    e.cpu.dispose();
    e.tf?.dispose();
  }
}

export function probe(): { renderer: string; software: boolean; maxTextureSize: number } {
  const p = probeWebGL();
  return { renderer: p.renderer, software: p.software, maxTextureSize: p.maxTextureSize };
}

(globalThis as { argonGpuBench?: unknown }).argonGpuBench = { probe, workloadNames, runKernel, runNet };
