// Row sums over x viewed as [rows, inner], in two passes so that the GPU has work for many threads:
// pass 1 sums chunks of L consecutive values (output [rows, chunks]), pass 2 sums each row's
// chunks and scales. One thread per row summing a whole row would leave most of the GPU idle for
// BatchNorm (rows = channels, inner = H·W·N) and could run past a driver's watchdog on big batches.
// Summing in chunks is also kinder to float32 than one long running sum.
import type { GpuTexture, KernelSource, KernelThis } from '../gpujs.ts';
import type { RunArg, GpuRuntime } from '../runtime.ts';
import type { Arr } from './common.ts';

/** Sum of x over chunk (row, chunk) = thread x. Constants: inner, chunks, L. */
export function sumChunkK(this: KernelThis, x: Arr, scale: number): number {
  let acc = 0;
  for (let j = 0; j < this.constants.L; j++) {
    if (anMod(this.thread.x, this.constants.chunks) * this.constants.L + j < this.constants.inner) {
      acc += x[anDiv(this.thread.x, this.constants.chunks) * this.constants.inner + anMod(this.thread.x, this.constants.chunks) * this.constants.L + j];
    }
  }
  return scale * acc;
}

export function sumSqChunkK(this: KernelThis, x: Arr, scale: number): number {
  let acc = 0;
  for (let j = 0; j < this.constants.L; j++) {
    if (anMod(this.thread.x, this.constants.chunks) * this.constants.L + j < this.constants.inner) {
      const v = x[anDiv(this.thread.x, this.constants.chunks) * this.constants.inner + anMod(this.thread.x, this.constants.chunks) * this.constants.L + j];
      acc += v * v;
    }
  }
  return scale * acc;
}

/** Σ (x − mean[row])², BatchNorm's biased variance numerator. */
export function centeredSqChunkK(this: KernelThis, x: Arr, mean: Arr, scale: number): number {
  const m = mean[anDiv(this.thread.x, this.constants.chunks)];
  let acc = 0;
  for (let j = 0; j < this.constants.L; j++) {
    if (anMod(this.thread.x, this.constants.chunks) * this.constants.L + j < this.constants.inner) {
      const v = x[anDiv(this.thread.x, this.constants.chunks) * this.constants.inner + anMod(this.thread.x, this.constants.chunks) * this.constants.L + j] - m;
      acc += v * v;
    }
  }
  return scale * acc;
}

/** Σ (x − mean[row])·invStd[row]·dy, BatchNorm's dgamma. */
export function xhatDyChunkK(this: KernelThis, x: Arr, dy: Arr, mean: Arr, invStd: Arr, scale: number): number {
  const m = mean[anDiv(this.thread.x, this.constants.chunks)];
  const s = invStd[anDiv(this.thread.x, this.constants.chunks)];
  let acc = 0;
  for (let j = 0; j < this.constants.L; j++) {
    if (anMod(this.thread.x, this.constants.chunks) * this.constants.L + j < this.constants.inner) {
      acc += (x[anDiv(this.thread.x, this.constants.chunks) * this.constants.inner + anMod(this.thread.x, this.constants.chunks) * this.constants.L + j] - m) * s *
        dy[anDiv(this.thread.x, this.constants.chunks) * this.constants.inner + anMod(this.thread.x, this.constants.chunks) * this.constants.L + j];
    }
  }
  return scale * acc;
}

/** Pass 2: scale · Σ over the `chunks` partial sums of row = thread x. */
export function sumRowsK(this: KernelThis, partial: Arr, scale: number): number {
  let acc = 0;
  for (let j = 0; j < this.constants.chunks; j++) acc += partial[this.thread.x * this.constants.chunks + j];
  return scale * acc;
}

/** Chunk length: whole rows when short, else about √inner values (at least 256) per chunk. */
function chunking(inner: number): { L: number; chunks: number } {
  const L = inner <= 256 ? inner : Math.max(256, Math.ceil(Math.sqrt(inner)));
  return { L, chunks: Math.ceil(inner / L) };
}

/** scale · Σ_j f(row, j) for each of `rows` rows: a texture of `rows` values the caller owns.
 *  `args` are the pass-1 kernel's arguments before its trailing scale. */
export function rowReduce(rt: GpuRuntime, name: string, fn: KernelSource, rows: number, inner: number, args: RunArg[], scale: number): GpuTexture {
  const { L, chunks } = chunking(inner);
  const consts = { inner, chunks, L };
  if (chunks === 1) return rt.run(name, fn, rows, consts, [...args, scale]);
  const partial = rt.run(name, fn, rows * chunks, consts, [...args, 1]);
  try {
    return rt.run('sumRows', sumRowsK, rows, { chunks }, [partial, scale]);
  } finally {
    partial.delete();
  }
}
