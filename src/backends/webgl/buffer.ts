// Storage of the webgl backend: a float32 texture on the GPU, or host values not uploaded yet,
// or (neither) zeros. Int32 buffers (max-pooling argmax) are stored as floats: every index a kernel
// writes there is far below 2^24, where float32 holds integers exactly.
import { DeviceBuffer, type BufferKind } from '../backend.ts';
import type { GpuTexture } from './gpujs.ts';

export const WEBGL = 'webgl';

export class WebglBuffer extends DeviceBuffer {
  /** The values on the GPU; null while they are on the host (`host`) or all zero. */
  tex: GpuTexture | null = null;
  /** Values written from the host that no kernel has needed yet (uploaded on first use). */
  host: Float32Array | null = null;
  constructor(size: number, kind: BufferKind, readonly owner: object) {
    super(WEBGL, size, kind);
  }
}
