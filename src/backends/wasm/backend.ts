// The wasm CPU backend: float32 buffers in the module's memory (allocated by WasmHeap), kernels
// from the wasm kernel table, each a small TS glue over one AssemblyScript export.
import type { KernelArgs, KernelName } from '../../kernels.ts';
import { checkAllocSize, DeviceBuffer, type Backend, type BufferKind, type MemoryStats } from '../backend.ts';
import type { WasmContext, WasmFn, WasmKernel } from './context.ts';
import { wasmKernels } from './kernels/index.ts';
import { WasmHeap } from './memory.ts';
import { loadWasm, type LoadedModule, type RelaxedOption, type WasmVariant } from './module.ts';

const NAME = 'wasm';

/** A buffer living in a wasm backend's memory at byte offset `ptr` (4 bytes per element). */
export class WasmBuffer extends DeviceBuffer {
  constructor(size: number, kind: BufferKind, readonly ptr: number, readonly owner: WasmBackend) {
    super(NAME, size, kind);
  }
}

export interface WasmBackendOptions {
  /** Which build to run: 'auto' (default) takes relaxed SIMD where the engine validates it. */
  relaxed?: RelaxedOption;
}

export class WasmBackend implements Backend {
  readonly name = NAME;
  readonly dtype = 'float32' as const;
  /** Which wasm build runs the kernels, for benchmark reports. */
  readonly variant: WasmVariant;
  private readonly heap: WasmHeap;
  private readonly exports: WebAssembly.Exports;
  private readonly fns = new Map<string, WasmFn>();
  /** The kernel being run, for error messages from ctx.ptr(). */
  private current: KernelName | null = null;
  /** What the kernel glue sees. */
  private readonly ctx: WasmContext = {
    fn: (name) => this.fn(name),
    ptr: (buf) => this.live(buf, this.current ? `kernel '${this.current}'` : 'ptr').ptr,
    scratch: (bytes) => this.heap.scratch(bytes),
    f32: () => new Float32Array(this.heap.memory.buffer),
    i32: () => new Int32Array(this.heap.memory.buffer),
  };

  constructor(loaded: LoadedModule) {
    this.variant = loaded.variant;
    this.exports = loaded.exports;
    this.heap = new WasmHeap(loaded.memory, loaded.heapBase);
  }

  alloc(size: number, kind: BufferKind = 'float'): WasmBuffer {
    checkAllocSize(NAME, size);
    if (kind !== 'float' && kind !== 'int32') throw new Error(`${NAME}.alloc: unknown buffer kind '${String(kind)}'`);
    return new WasmBuffer(size, kind, this.heap.alloc(size * 4), this);
  }

  dispose(buf: DeviceBuffer): void {
    if (buf.disposed) return;
    const own = this.own(buf, 'dispose');
    this.heap.release(own.ptr);
    own.disposed = true;
  }

  write(buf: DeviceBuffer, data: ArrayLike<number>, offset = 0): void {
    const own = this.live(buf, 'write');
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > own.size) {
      throw new Error(`${NAME}.write: ${data.length} values at offset ${offset} do not fit a buffer of ${own.size}`);
    }
    this.view(own).set(data, offset);
  }

  read(buf: DeviceBuffer): Float32Array | Int32Array {
    return this.view(this.live(buf, 'read')).slice();
  }

  run<K extends KernelName>(name: K, args: KernelArgs<DeviceBuffer>[K]): void {
    // The table is keyed by name, so the entry for K has K's signature; TypeScript cannot
    // correlate the two through the mapped type (as in dispatch()).
    const kernel = wasmKernels[name] as WasmKernel<K> | undefined;
    if (!kernel) throw new Error(`Kernel '${name}' is not implemented by backend '${NAME}'`);
    this.current = name;
    try {
      kernel(this.ctx, args);
    } finally {
      this.current = null;
    }
  }

  has(name: KernelName): boolean {
    return wasmKernels[name] !== undefined;
  }

  memory(): MemoryStats {
    return this.heap.stats();
  }

  resetPeak(): void {
    this.heap.resetPeak();
  }

  /** An exported wasm function by name (cached). */
  fn(name: string): WasmFn {
    let f = this.fns.get(name);
    if (!f) {
      const e = this.exports[name];
      if (typeof e !== 'function') throw new Error(`${NAME}: the wasm module has no export '${name}'`);
      f = e as WasmFn;
      this.fns.set(name, f);
    }
    return f;
  }

  private own(buf: DeviceBuffer, what: string): WasmBuffer {
    if (!(buf instanceof WasmBuffer)) {
      throw new Error(`${NAME} ${what}: the buffer belongs to backend '${buf.backendName}', not '${NAME}'`);
    }
    if (buf.owner !== this) throw new Error(`${NAME} ${what}: the buffer belongs to another '${NAME}' backend instance`);
    return buf;
  }

  private live(buf: DeviceBuffer, what: string): WasmBuffer {
    const own = this.own(buf, what);
    if (own.disposed) throw new Error(`${NAME} ${what}: the buffer was disposed`);
    return own;
  }

  private view(buf: WasmBuffer): Float32Array | Int32Array {
    return buf.kind === 'int32'
      ? new Int32Array(this.heap.memory.buffer, buf.ptr, buf.size)
      : new Float32Array(this.heap.memory.buffer, buf.ptr, buf.size);
  }
}

/** The wasm CPU backend (float32), with the relaxed-SIMD build where the engine supports it. */
export async function createWasmBackend(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  return new WasmBackend(await loadWasm({ relaxed: opts.relaxed ?? 'auto' }));
}
