// A backend is storage plus named kernels (src/kernels.ts), never derivatives: the ops decide which
// kernels a gradient needs. Each backend registers its kernels with a plain table; asking for a
// kernel the table lacks throws an error naming the kernel and the backend.
import type { KernelArgs, KernelName, WindowGeometry } from '../kernels.ts';

export type DType = 'float32' | 'float64';
export type BufferKind = 'float' | 'int32';

/** A handle to backend storage. Backends subclass it; kernels check the class before use. */
export abstract class DeviceBuffer {
  disposed = false;
  constructor(
    readonly backendName: string,
    /** Number of elements (not bytes). */
    readonly size: number,
    readonly kind: BufferKind,
  ) {}
}

export type KernelFn<K extends KernelName> = (args: KernelArgs<DeviceBuffer>[K]) => void;
export type KernelTable = { [K in KernelName]?: KernelFn<K> };

export interface MemoryStats {
  /** Bytes held by live buffers. */
  bytesInUse: number;
  /** Highest bytesInUse since the backend was created (or resetPeak). */
  peakBytes: number;
  /** Live buffers (and blocks a backend keeps beside them, such as the wasm backend's transformed
   *  filters). */
  buffers: number;
  /** Bytes the backend reserved from its host (wasm memory size, for example). */
  reservedBytes: number;
  /** The largest scratch one kernel call asked for since the backend was created (or resetPeak),
   *  where kernels share a scratch region outside bytesInUse (the wasm backend). */
  scratchBytes?: number;
}

export interface Backend {
  readonly name: string;
  readonly dtype: DType;
  /** Where the column-free convolution kernels (convForward, convWeightGrad, convInputGrad) are
   *  this backend's fastest convolution, so ops/conv.ts takes them whenever it can: true for every
   *  geometry, or a test of the geometry (the webgl backend's implicit GEMM, which needs a batch
   *  that is a multiple of 4). Absent or false: they pay only where the column matrix is large. */
  readonly prefersColumnFree?: boolean | ((g: WindowGeometry) => boolean);
  /** Whether winogradForward and denseConvForward with `keepFilters` keep what they derive from the
   *  weights (the transformed filters, 16/9 of the weights; the gathered ones) between calls until
   *  the weights change, so inference plans leave that work out of their cost (ops/conv-plan.ts). */
  readonly keepsFilterTransforms?: boolean;
  /** Bytes of scratch one call of a convolution kernel takes here (every thread's share
   *  included), for memory estimates; absent, or 0 for a kernel, where it is small. */
  convScratchBytes?(kernel: KernelName, g: WindowGeometry, k: number): number;
  /** A new buffer of `size` elements, zero-filled. */
  alloc(size: number, kind?: BufferKind): DeviceBuffer;
  /** Releases a buffer; using it afterwards is an error. Disposing twice is harmless. */
  dispose(buf: DeviceBuffer): void;
  /** Copies host values into buf starting at element `offset`. */
  write(buf: DeviceBuffer, data: ArrayLike<number>, offset?: number): void;
  /** A host copy of the buffer's contents. */
  read(buf: DeviceBuffer): Float32Array | Float64Array | Int32Array;
  /** Runs one kernel of the contract. */
  run<K extends KernelName>(name: K, args: KernelArgs<DeviceBuffer>[K]): void;
  /** Whether this backend registers a kernel, for capability checks. */
  has(name: KernelName): boolean;
  memory(): MemoryStats;
  resetPeak(): void;
}

/** Looks a kernel up in a backend's table and runs it, or says exactly what is missing. */
export function dispatch<K extends KernelName>(
  table: KernelTable,
  backendName: string,
  name: K,
  args: KernelArgs<DeviceBuffer>[K],
): void {
  // The table is keyed by name, so the entry for K has K's signature; TypeScript cannot
  // correlate the two through the mapped type, hence the cast.
  const fn = table[name] as KernelFn<K> | undefined;
  if (!fn) throw new Error(`Kernel '${name}' is not implemented by backend '${backendName}'`);
  fn(args);
}

/** Size checks shared by the backends' alloc. */
export function checkAllocSize(backendName: string, size: number): void {
  if (!Number.isInteger(size) || size < 0) {
    throw new Error(`${backendName}.alloc: size must be a non-negative integer, got ${size}`);
  }
}
