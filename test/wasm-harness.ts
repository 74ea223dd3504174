// Runs one kernel on the wasm backend and on ref-f64 with identical inputs and compares the chosen
// buffers (floats at F32, int32 exactly). Inputs are rounded to float32 first, so both backends
// see the same values and only the kernels' arithmetic differs (it also makes max-pooling ties
// identical on both sides).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Backend, BufferKind, DeviceBuffer } from '../src/backends/backend.ts';
import type { KernelArgs, KernelName, WindowGeometry } from '../src/kernels.ts';
import type { CONV_PASS_KERNELS } from '../src/ops/conv-plan.ts';
import { testBackends } from './backends.ts';
import { expectClose, F32, randomArray } from './helpers.ts';

/** A buffer's initial contents: float values, int32 values, or just a size (filled with the same
 *  junk on both sides, so a kernel that fails to overwrite its output is caught). */
export type Init = ArrayLike<number> | { ints: ArrayLike<number> } | { size: number; kind?: BufferKind };

export interface Case<K extends KernelName> {
  kernel: K;
  label: string;
  buffers: Record<string, Init>;
  /** The kernel's arguments for run number `step` (0-based). */
  args: (b: Record<string, DeviceBuffer>, step: number) => KernelArgs<DeviceBuffer>[K];
  /** Buffers compared after the last run. */
  check: string[];
  /** Runs of the kernel (optimizers, running stats); 1 when absent. */
  steps?: number;
}

/** Uniform values in [lo, hi), rounded to float32. */
export function rand(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  return randomArray(n, seed, lo, hi).map(Math.fround);
}

function junk(size: number, kind: BufferKind): number[] {
  if (kind === 'int32') return new Array<number>(size).fill(77);
  return Array.from(rand(size, 987, -50, 50));
}

function upload(be: Backend, init: Init): DeviceBuffer {
  if ('length' in init) {
    const buf = be.alloc(init.length);
    be.write(buf, init);
    return buf;
  }
  if ('ints' in init) {
    const buf = be.alloc(init.ints.length, 'int32');
    be.write(buf, init.ints);
    return buf;
  }
  const kind = init.kind ?? 'float';
  const buf = be.alloc(init.size, kind);
  be.write(buf, junk(init.size, kind));
  return buf;
}

function runOn<K extends KernelName>(be: Backend, c: Case<K>): Record<string, number[]> {
  const bufs: Record<string, DeviceBuffer> = {};
  for (const [name, init] of Object.entries(c.buffers)) bufs[name] = upload(be, init);
  const steps = c.steps ?? 1;
  for (let s = 0; s < steps; s++) be.run(c.kernel, c.args(bufs, s));
  const out: Record<string, number[]> = {};
  for (const name of c.check) out[name] = Array.from(be.read(bufs[name]));
  for (const buf of Object.values(bufs)) be.dispose(buf);
  return out;
}

async function backends(): Promise<{ ref: Backend; wasm: Backend }> {
  const all = await testBackends();
  const find = (name: string): Backend => {
    const b = all.find((t) => t.name === name);
    if (!b) throw new Error(`test backend '${name}' is missing`);
    return b.backend;
  };
  return { ref: find('ref-f64'), wasm: find('wasm') };
}

/** The ref-f64 result of a case (to build consistent inputs for a backward case). */
export async function refRun<K extends KernelName>(c: Case<K>): Promise<Record<string, number[]>> {
  return runOn((await backends()).ref, c);
}

/** Asserts wasm matches ref-f64 on every checked buffer; int32 buffers must match exactly. */
export async function compareWasm<K extends KernelName>(c: Case<K>): Promise<void> {
  const { ref, wasm } = await backends();
  const want = runOn(ref, c), got = runOn(wasm, c);
  for (const name of c.check) {
    const init = c.buffers[name];
    const isInt = 'ints' in init || ('size' in init && init.kind === 'int32');
    const label = `${c.kernel} ${c.label}: ${name}`;
    if (isInt) assert.equal(got[name], want[name], label);
    else expectClose(got[name], want[name], F32, label);
  }
}

export type V = number[];

/** A WindowGeometry from 1-3 spatial sizes (padded in front to depth-height-width), with the
 *  neon output size floor((X + 2p − (d(k − 1) + 1))/s) + 1. */
export function geometry(channels: number, batch: number, inSize: V, window: V, opts: { stride?: V; pad?: V; dilation?: V } = {}): WindowGeometry {
  const lift = (v: V | undefined, fill: number): [number, number, number] => {
    const full = v ?? new Array<number>(inSize.length).fill(fill);
    const l = [fill, fill, fill, ...full].slice(-3);
    return [l[0], l[1], l[2]];
  };
  const g: WindowGeometry = {
    channels, batch,
    inSize: lift(inSize, 1), window: lift(window, 1),
    stride: lift(opts.stride, 1), pad: lift(opts.pad, 0), dilation: lift(opts.dilation, 1),
    outSize: [1, 1, 1],
  };
  for (let i = 0; i < 3; i++) {
    g.outSize[i] = Math.floor((g.inSize[i] + 2 * g.pad[i] - (g.dilation[i] * (g.window[i] - 1) + 1)) / g.stride[i]) + 1;
  }
  return g;
}

/** "C3 N5 6x7 k3x3 s1x1 p1x1 d1x1", naming only the given spatial dims. */
export function describe(g: WindowGeometry, dims: number): string {
  const f = (v: number[]): string => v.slice(3 - dims).join('x');
  return `${dims}D C${g.channels} N${g.batch} ${f(g.inSize)} k${f(g.window)} s${f(g.stride)} p${f(g.pad)} d${f(g.dilation)}`;
}

export const inputSize = (g: WindowGeometry): number => g.channels * g.inSize[0] * g.inSize[1] * g.inSize[2] * g.batch;
export const outputSize = (g: WindowGeometry): number => g.channels * g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;
export const colsSize = (g: WindowGeometry): number =>
  g.channels * g.window[0] * g.window[1] * g.window[2] * g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;

/** One test per pass of a convolution way that keeps no column matrix (Winograd's or the dense
 *  kernels): the forward pass with the given epilogue, the input gradient and the weight gradient
 *  against ref-f64, values in [lo, 1) (non-negative ones keep long sums within F32). */
export function testConvPasses(
  kernels: (typeof CONV_PASS_KERNELS)['winograd' | 'dense'], g: WindowGeometry, K: number, label: string, seed: number, lo: number,
  epilogue: { scale: boolean; shift: boolean; slope: number | null },
): void {
  const rows = g.channels * g.window[0] * g.window[1] * g.window[2];
  const outs = g.outSize[0] * g.outSize[1] * g.outSize[2] * g.batch;
  test(`${kernels.forward} ${label} scale ${epilogue.scale} shift ${epilogue.shift} slope ${epilogue.slope}`, () => compareWasm({
    kernel: kernels.forward, label,
    buffers: { x: rand(inputSize(g), seed, lo), w: rand(K * rows, seed + 1, lo), y: { size: K * outs }, scale: rand(K, seed + 2, 0.5, 2), shift: rand(K, seed + 3) },
    args: (b) => ({ x: b.x, w: b.w, y: b.y, g, k: K, scale: epilogue.scale ? b.scale : null, shift: epilogue.shift ? b.shift : null, slope: epilogue.slope }),
    check: ['y'],
  }));
  test(`${kernels.inputGrad} ${label}`, () => compareWasm({
    kernel: kernels.inputGrad, label,
    buffers: { dy: rand(K * outs, seed + 4, lo), w: rand(K * rows, seed + 5, lo), dx: { size: inputSize(g) } },
    args: (b) => ({ dy: b.dy, w: b.w, dx: b.dx, g, k: K }),
    check: ['dx'],
  }));
  test(`${kernels.weightGrad} ${label}`, () => compareWasm({
    kernel: kernels.weightGrad, label,
    buffers: { x: rand(inputSize(g), seed + 6, lo), dy: rand(K * outs, seed + 7, lo), dw: { size: K * rows } },
    args: (b) => ({ x: b.x, dy: b.dy, dw: b.dw, g, k: K }),
    check: ['dw'],
  }));
}
