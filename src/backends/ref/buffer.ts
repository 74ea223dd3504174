// Storage of the reference backend and the checked accessors every ref kernel goes through.
import { DeviceBuffer, type BufferKind } from '../backend.ts';

export type FloatArray = Float64Array | Float32Array;

export class RefBuffer extends DeviceBuffer {
  constructor(size: number, kind: BufferKind, public data: FloatArray | Int32Array) {
    super('ref', size, kind);
  }
}

/** The storage of a live RefBuffer; anything else is an error naming this backend. */
export function arr(buf: DeviceBuffer, what = 'buffer'): FloatArray | Int32Array {
  if (!(buf instanceof RefBuffer)) {
    throw new Error(`ref backend: ${what} is not a ref buffer (it belongs to backend '${buf.backendName}')`);
  }
  if (buf.disposed) throw new Error(`ref backend: ${what} was disposed`);
  return buf.data;
}

// Typed arrays read undefined (NaN) and drop writes past their end, so an undersized buffer would
// pass silently; the accessors check the extent a kernel is about to touch.
function need(buf: DeviceBuffer, min: number, what: string): void {
  if (buf.size < min) throw new Error(`ref backend: ${what} has ${buf.size} elements, the kernel needs ${min}`);
}

/** A float buffer's storage, checked to hold at least `min` elements. */
export function floats(buf: DeviceBuffer, min: number, what: string): FloatArray {
  const a = arr(buf, what);
  if (a instanceof Int32Array) throw new Error(`ref backend: ${what} must be a float buffer, got an int32 buffer`);
  need(buf, min, what);
  return a;
}

/** An int32 buffer's storage, checked to hold at least `min` elements. */
export function ints(buf: DeviceBuffer, min: number, what: string): Int32Array {
  const a = arr(buf, what);
  if (!(a instanceof Int32Array)) throw new Error(`ref backend: ${what} must be an int32 buffer, got a float buffer`);
  need(buf, min, what);
  return a;
}
