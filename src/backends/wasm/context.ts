// What a wasm kernel's glue sees: the module's exported functions and the pointer of each buffer.
// Glue files (src/backends/wasm/kernels/*.ts) compute geometry in TS and call one wasm loop each.
import type { KernelArgs, KernelName } from '../../kernels.ts';
import type { DeviceBuffer } from '../backend.ts';

/** Every wasm export used by the glue takes and returns plain numbers (i32 pointers, counts, f32). */
export type WasmFn = (...args: number[]) => number;

export interface WasmContext {
  /** An exported wasm function by name; throws if the module lacks it. */
  fn(name: string): WasmFn;
  /** Byte offset of a buffer in wasm memory; throws if it is not a live buffer of this backend. */
  ptr(buf: DeviceBuffer): number;
  /** Byte offset of a scratch region of at least `bytes` bytes, 64-byte aligned, valid until the
   *  kernel returns. The region is reused by the next kernel call. */
  scratch(bytes: number): number;
  /** A fresh Float32Array view of wasm memory (never cache it across calls: memory.grow detaches it). */
  f32(): Float32Array;
  /** A fresh Int32Array view of wasm memory. */
  i32(): Int32Array;
}

export type WasmKernel<K extends KernelName> = (ctx: WasmContext, args: KernelArgs<DeviceBuffer>[K]) => void;
export type WasmKernelTable = { [K in KernelName]?: WasmKernel<K> };
