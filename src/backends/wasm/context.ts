// What a wasm kernel's glue sees: the module's exported functions and the pointer of each buffer.
// Glue files (src/backends/wasm/kernels/*.ts) compute geometry in TS and call one wasm loop each.
// Parallel loops take trailing (part, nparts, thread) arguments (assembly/parts.ts): the glue asks
// parts() how many parts its amount of work is worth, sizes per-thread scratch with slots(), and
// runs them with call().
import type { KernelArgs, KernelName } from '../../kernels.ts';
import type { DeviceBuffer } from '../backend.ts';

/** Every wasm export used by the glue takes and returns plain numbers (i32 pointers, counts, f32). */
export type WasmFn = (...args: number[]) => number;

export interface WasmContext {
  /** An exported wasm function by name; throws if the module lacks it. */
  fn(name: string): WasmFn;
  /** Byte offset of a buffer in wasm memory; throws if it is not a live buffer of this backend.
   *  The kernel may write through it (optimizer updates do, in place), so what kept() derived
   *  from the buffer is redone at its next use. */
  ptr(buf: DeviceBuffer): number;
  /** ptr() for a buffer the kernel only reads: what kept() derived from it stays valid. */
  input(buf: DeviceBuffer): number;
  /** Byte offset of a block of `bytes` derived from `buf` (what `key` names), kept with the buffer
   *  until its contents may have changed (a write(), or a kernel that took it by ptr() or out(),
   *  which also frees it) or it is disposed; `make(at)` fills the block the first time and after
   *  each change. Counted in bytesInUse. One block per buffer: another key replaces it. */
  kept(buf: DeviceBuffer, key: string, bytes: number, make: (at: number) => void): number;
  /** Whether kernels should keep derived blocks at all (createWasmBackend's keepFilterTransforms). */
  keeps(): boolean;
  /** ptr() for an output the kernel overwrites in its first `elements` elements without reading
   *  them: a freshly allocated buffer that the kernel covers entirely is then never zero-filled.
   *  Glue takes the pointers of its inputs first (an output may alias an input). */
  out(buf: DeviceBuffer, elements: number): number;
  /** Byte offset of a scratch region of at least `bytes` bytes, 64-byte aligned, valid until the
   *  kernel returns. The region is reused by the next kernel call. */
  scratch(bytes: number): number;
  /** A fresh Float32Array view of wasm memory (never cache it across calls: memory.grow detaches it). */
  f32(): Float32Array;
  /** A fresh Int32Array view of wasm memory. */
  i32(): Int32Array;
  /** Parts to split a call into: 1 on one thread or when the work is too small for a split to
   *  pay, otherwise up to a few per thread. `work` is the call's single-thread cost in
   *  nanoseconds, roughly (MIN_PART_NS in backend.ts). */
  parts(work: number): number;
  /** Per-thread scratch slots a call of `nparts` parts must reserve: every thread of the pool when
   *  the call is split (a thread writes the slot of its own index, whatever part it runs), else 1. */
  slots(nparts: number): number;
  /** Runs export `name(...args, part, nparts, thread)` for every part, on this thread and the
   *  workers, and returns when all are done. */
  call(name: string, nparts: number, args: readonly number[]): void;
}

export type WasmKernel<K extends KernelName> = (ctx: WasmContext, args: KernelArgs<DeviceBuffer>[K]) => void;
export type WasmKernelTable = { [K in KernelName]?: WasmKernel<K> };
