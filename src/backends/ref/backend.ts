// The reference backend: plain typed-array storage (float64 or float32) and loop kernels that follow
// src/kernels.ts literally. It is the spec the other backends are tested against.
import {
  checkAllocSize, dispatch,
  type Backend, type BufferKind, type DeviceBuffer, type MemoryStats,
} from '../backend.ts';
import type { KernelArgs, KernelName } from '../../kernels.ts';
import { arr, RefBuffer } from './buffer.ts';
import { refKernels } from './kernels.ts';

export { RefBuffer } from './buffer.ts';

export function createRefBackend(dtype: 'float64' | 'float32' = 'float64'): Backend {
  const live = new Set<RefBuffer>();
  let bytesInUse = 0;
  let peakBytes = 0;
  const bytesOf = (buf: RefBuffer): number => buf.data.byteLength;

  return {
    name: 'ref',
    dtype,
    alloc(size: number, kind: BufferKind = 'float'): DeviceBuffer {
      checkAllocSize('ref', size);
      const data = kind === 'int32' ? new Int32Array(size)
        : dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
      const buf = new RefBuffer(size, kind, data);
      live.add(buf);
      bytesInUse += bytesOf(buf);
      peakBytes = Math.max(peakBytes, bytesInUse);
      return buf;
    },
    dispose(buf: DeviceBuffer): void {
      if (buf.disposed) return;
      if (!(buf instanceof RefBuffer) || !live.has(buf)) {
        throw new Error(`ref.dispose: the buffer was not allocated by this backend (it belongs to '${buf.backendName}')`);
      }
      live.delete(buf);
      bytesInUse -= bytesOf(buf);
      buf.disposed = true;
      buf.data = new Float64Array(0);
    },
    write(buf: DeviceBuffer, data: ArrayLike<number>, offset = 0): void {
      const a = arr(buf, 'write target');
      if (!Number.isInteger(offset) || offset < 0 || offset + data.length > buf.size) {
        throw new Error(`ref.write: ${data.length} values at offset ${offset} do not fit a buffer of ${buf.size} elements`);
      }
      a.set(data, offset);
    },
    read(buf: DeviceBuffer): Float32Array | Float64Array | Int32Array {
      return arr(buf, 'read source').slice();
    },
    run<K extends KernelName>(name: K, args: KernelArgs<DeviceBuffer>[K]): void {
      dispatch(refKernels, 'ref', name, args);
    },
    has(name: KernelName): boolean {
      return refKernels[name] !== undefined;
    },
    memory(): MemoryStats {
      // Plain JS heap storage: nothing is reserved beyond the live buffers.
      return { bytesInUse, peakBytes, buffers: live.size, reservedBytes: bytesInUse };
    },
    resetPeak(): void {
      peakBytes = bytesInUse;
    },
  };
}
