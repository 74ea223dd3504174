// The wasm CPU backend: float32 buffers in the module's memory (allocated by WasmHeap), kernels
// from the wasm kernel table, each a small TS glue over one AssemblyScript export. With threads > 1
// the memory is shared and big kernel calls are split across a ThreadPool (threads.ts); a split
// never changes a result bit (assembly/parts.ts).
import type { KernelArgs, KernelName, WindowGeometry } from '../../kernels.ts';
import { checkAllocSize, DeviceBuffer, type Backend, type BufferKind, type MemoryStats } from '../backend.ts';
import type { WasmContext, WasmFn, WasmKernel } from './context.ts';
import { defaultThreads, threadsUnavailableReason } from './environment.ts';
import { KeptBlocks } from './kept.ts';
import { convScratchBytes } from './kernels/conv-scratch.ts';
import { wasmKernels } from './kernels/index.ts';
import { WasmHeap } from './memory.ts';
import { loadWasm, MAX_PAGES, type LoadedModule, type RelaxedOption, type WasmVariant } from './module.ts';
import { threadsBuildMissing } from './sources.ts';
import { CONTROL_BYTES, MAX_PARTS, ThreadPool } from './threads.ts';

/** A part must carry at least this much single-thread work (ns) for a split to pay: waking the
 *  workers costs about 2 µs while they spin and 50–150 µs once they sleep (measured here). */
export const MIN_PART_NS = 25_000;
/** At most this many parts per thread: threads take parts as they finish, so a thread slowed by
 *  another process leaves more of the call to the others. */
const PARTS_PER_THREAD = 4;

const NAME = 'wasm';

/** A buffer living in a wasm backend's memory at byte offset `ptr` (4 bytes per element). */
export class WasmBuffer extends DeviceBuffer {
  /** Zero-filling is deferred until the contents are first observed (read, written in part, or
   *  passed to a kernel as an input) and skipped when a kernel or a write overwrites the whole
   *  buffer first: most buffers are kernel outputs, and zeroing them cost ~15% of a CNN training
   *  step (memory bandwidth). */
  pendingZero = true;
  /** Bumped whenever the contents may change (write(), a kernel taking it by ptr() or out()).
   *  `ptr` itself is public: whatever writes through it directly (WasmBackend.callParts) bypasses
   *  this, and a transform kept for the buffer (WasmContext.kept) would go stale. */
  version = 0;
  constructor(size: number, kind: BufferKind, readonly ptr: number, readonly owner: WasmBackend) {
    super(NAME, size, kind);
  }
}

export interface WasmBackendOptions {
  /** Which build to run: 'auto' (default) takes relaxed SIMD where the engine validates it. */
  relaxed?: RelaxedOption;
  /** Kernel threads, the calling thread included (default: every core, os.availableParallelism()
   *  in Node, navigator.hardwareConcurrency in browsers). Where threads cannot run (a browser page
   *  that is not cross-origin isolated, or a browser main thread) the backend uses 1 and says why
   *  in `threadsNote`. */
  threads?: number;
  /** Maximum bytes of the shared memory when threads > 1 (default 4 GiB, the wasm32 limit; an
   *  engine that cannot reserve it gets the largest half that it can). */
  maxMemory?: number;
  /** Single-thread work (ns) each part of a split kernel call must carry (default MIN_PART_NS);
   *  0 splits every call over all threads, which tests use to exercise every split. */
  minPartNs?: number;
  /** Keep the Winograd-transformed filters of inference's 3×3 layers (and the dense way's gathered
   *  weights) between calls (default true): faster inference (ResNet-18's last stage then runs by
   *  Winograd too) for 16/9 of those layers' weights in memory (64 MiB for ResNet-18). False
   *  derives them on every call. */
  keepFilterTransforms?: boolean;
}

/** How a WasmBackend runs, beyond its module and threads (createWasmBackend's options). */
interface WasmBackendSettings { threadsNote: string | null; minPartNs: number; keepFilterTransforms: boolean }

export class WasmBackend implements Backend {
  readonly name = NAME;
  readonly dtype = 'float32' as const;
  readonly keepsFilterTransforms: boolean;
  /** Which wasm build runs the kernels, for benchmark reports. */
  readonly variant: WasmVariant;
  /** Kernel threads in use (1 without a pool). */
  readonly threads: number;
  /** Why fewer threads run than were asked for, or null. */
  readonly threadsNote: string | null;
  private readonly heap: WasmHeap;
  /** Blocks derived from buffers' contents (WasmContext.kept). */
  private readonly kept: KeptBlocks<WasmBuffer>;
  private readonly pool: ThreadPool | null;
  private readonly minPartNs: number;
  private closed = false;
  private readonly exports: WebAssembly.Exports;
  private readonly fns = new Map<string, WasmFn>();
  /** The kernel being run, for error messages from ctx.ptr(). */
  private current: KernelName | null = null;
  /** What the kernel glue sees. */
  private readonly ctx: WasmContext = {
    fn: (name) => this.fn(name),
    ptr: (buf) => {
      const own = this.zeroed(this.live(buf, this.where('ptr')));
      this.kept.changed(own);
      return own.ptr;
    },
    input: (buf) => this.zeroed(this.live(buf, this.where('input'))).ptr,
    out: (buf, elements) => {
      const own = this.live(buf, this.where('out'));
      if (own.pendingZero && elements >= own.size) own.pendingZero = false;
      this.kept.changed(own);
      return this.zeroed(own).ptr;
    },
    keeps: () => this.keepsFilterTransforms,
    kept: (buf, key, bytes, make) => this.kept.get(this.zeroed(this.live(buf, this.where('kept'))), key, bytes, make),
    scratch: (bytes) => this.heap.scratch(bytes),
    f32: () => new Float32Array(this.heap.memory.buffer),
    i32: () => new Int32Array(this.heap.memory.buffer),
    parts: (work) => {
      if (!this.pool || this.closed) return 1;
      const most = Math.min(MAX_PARTS, PARTS_PER_THREAD * this.threads);
      if (this.minPartNs <= 0) return most;
      return Math.max(1, Math.min(most, Math.floor(work / this.minPartNs)));
    },
    // Every thread of the pool may run a part of a split call and writes its own slot (its fixed
    // index, not the part), so a split call needs all the slots even with fewer parts than threads.
    slots: (nparts) => (this.pool && !this.closed && nparts > 1 ? this.threads : 1),
    call: (name, nparts, args) => {
      if (this.pool && !this.closed) this.pool.run(name, args, nparts);
      else this.fn(name)(...args, 0, 1, 0);
    },
  };

  /** heapBase: where the allocator starts (above the pool's control block when there is a pool). */
  constructor(
    loaded: LoadedModule, pool: ThreadPool | null = null, heapBase = loaded.heapBase,
    { threadsNote = null, minPartNs = MIN_PART_NS, keepFilterTransforms = true }: Partial<WasmBackendSettings> = {},
  ) {
    this.minPartNs = minPartNs;
    this.keepsFilterTransforms = keepFilterTransforms;
    this.variant = loaded.variant;
    this.exports = loaded.exports;
    this.pool = pool;
    this.threads = pool?.threads ?? 1;
    this.threadsNote = threadsNote;
    this.heap = new WasmHeap(loaded.memory, heapBase, loaded.maxBytes);
    this.kept = new KeptBlocks(this.heap);
  }

  /** The WebAssembly.Memory holding every buffer (its byte length is the backend's footprint). */
  get wasmMemory(): WebAssembly.Memory {
    return this.heap.memory;
  }

  /** Stops the kernel workers (a threaded backend); kernels still run afterwards, on one thread. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }

  alloc(size: number, kind: BufferKind = 'float'): WasmBuffer {
    checkAllocSize(NAME, size);
    if (kind !== 'float' && kind !== 'int32') throw new Error(`${NAME}.alloc: unknown buffer kind '${String(kind)}'`);
    return new WasmBuffer(size, kind, this.heap.alloc(size * 4, false), this);
  }

  dispose(buf: DeviceBuffer): void {
    if (buf.disposed) return;
    const own = this.own(buf, 'dispose');
    this.kept.drop(own);
    this.heap.release(own.ptr);
    own.disposed = true;
  }

  write(buf: DeviceBuffer, data: ArrayLike<number>, offset = 0): void {
    const own = this.live(buf, 'write');
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > own.size) {
      throw new Error(`${NAME}.write: ${data.length} values at offset ${offset} do not fit a buffer of ${own.size}`);
    }
    if (own.pendingZero && offset === 0 && data.length === own.size) own.pendingZero = false;
    this.kept.changed(own);
    this.view(this.zeroed(own)).set(data, offset);
  }

  read(buf: DeviceBuffer): Float32Array | Int32Array {
    return this.view(this.zeroed(this.live(buf, 'read'))).slice();
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

  /** A split call reserves a slot per thread (WasmContext.slots), so count them all. */
  convScratchBytes(kernel: KernelName, g: WindowGeometry, k: number): number {
    return convScratchBytes(kernel, g, k, this.threads);
  }

  resetPeak(): void {
    this.heap.resetPeak();
  }

  /** Runs export `name(...args, part, nparts, thread)` for parts 0..nparts−1 on the kernel threads,
   *  as a kernel's glue does (benchmarks use it to run wasm loops side by side). Writing a buffer
   *  this way leaves its version alone (WasmBuffer.version). */
  callParts(name: string, nparts: number, args: readonly number[]): void {
    this.ctx.call(name, nparts, args);
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

  /** Who is asking, for error messages: the kernel being run, or the context method. */
  private where(method: string): string {
    return this.current ? `kernel '${this.current}'` : method;
  }

  /** Performs a deferred zero fill. */
  private zeroed(buf: WasmBuffer): WasmBuffer {
    if (buf.pendingZero) {
      new Uint8Array(this.heap.memory.buffer, buf.ptr, buf.size * 4).fill(0);
      buf.pendingZero = false;
    }
    return buf;
  }

  private view(buf: WasmBuffer): Float32Array | Int32Array {
    return buf.kind === 'int32'
      ? new Int32Array(this.heap.memory.buffer, buf.ptr, buf.size)
      : new Float32Array(this.heap.memory.buffer, buf.ptr, buf.size);
  }
}

/** The wasm CPU backend (float32), with the relaxed-SIMD build where the engine supports it and
 *  `threads` kernel threads (default: every core) where threads can run. */
export async function createWasmBackend(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1)) {
    throw new Error(`createWasmBackend: threads must be a positive integer, got ${opts.threads}`);
  }
  if (opts.maxMemory !== undefined && !(opts.maxMemory >= 65536 && opts.maxMemory <= MAX_PAGES * 65536)) {
    throw new Error(`createWasmBackend: maxMemory must be between 64 KiB and 4 GiB, got ${opts.maxMemory}`);
  }
  let threads = opts.threads ?? await defaultThreads();
  let note: string | null = null;
  if (threads > 1) {
    const why = threadsUnavailableReason() ?? threadsBuildMissing();
    if (why) {
      note = `running on 1 thread instead of ${threads}: ${why}`;
      threads = 1;
    }
  }
  const loaded = await loadWasm({ relaxed: opts.relaxed ?? 'auto', shared: threads > 1, maxMemoryBytes: opts.maxMemory });
  const keepFilterTransforms = opts.keepFilterTransforms ?? true;
  if (threads === 1) return new WasmBackend(loaded, null, loaded.heapBase, { threadsNote: note, keepFilterTransforms });
  const minPartNs = opts.minPartNs ?? MIN_PART_NS;
  const ctrl = Math.ceil(loaded.heapBase / 64) * 64;
  new Uint8Array(loaded.memory.buffer, ctrl, CONTROL_BYTES).fill(0);
  const pool = await ThreadPool.start({ module: loaded.module, memory: loaded.memory, ctrl, threads, exports: loaded.exports });
  return new WasmBackend(loaded, pool, ctrl + CONTROL_BYTES, { threadsNote: note, minPartNs, keepFilterTransforms });
}
