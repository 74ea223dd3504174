// The webgl backend: packed float32 textures on the GPU and gpu.js (WebGL2) kernels for every
// entry of the contract. In browsers and workers it draws on a WebGL2 context of its own.
//
// Honest numerics: it refuses a context that cannot render float32 textures or has less than
// IEEE single precision in fragment shaders, and it checks after start-up that a value needing
// all 24 bits of mantissa and a value beyond half-float range survive a round trip through a kernel.
import type { KernelArgs, KernelName } from '../../kernels.ts';
import { checkAllocSize, type Backend, type BufferKind, type DeviceBuffer, type MemoryStats } from '../backend.ts';
import { WEBGL, WebglBuffer } from './buffer.ts';
import { createContext, describeContext, inNode, makeCanvas, type GL2, type WebGLProbe } from './context.ts';
import { loadGpuJs, type GpuInstance, type GpuTexture } from './gpujs.ts';
import { webglKernels } from './kernels/index.ts';
import type { WebglKernel } from './kernels/common.ts';
import { implicitGemm } from './kernels/conv.ts';
import { GpuRuntime } from './runtime.ts';

export { WebglBuffer } from './buffer.ts';

export interface WebglBackendOptions {
  /** A WebGL2 context to draw with (default: a new one on a canvas or OffscreenCanvas). */
  context?: WebGL2RenderingContext;
  /** A texture size limit below the GPU's MAX_TEXTURE_SIZE (at least 16): caps every texture this
   *  backend makes, e.g. to hold GPU memory down or to test the limits on small sizes. */
  maxTextureSize?: number;
}

export interface WebglInfo extends WebGLProbe {
  /** gpu.js mode: 'webgl2'. */
  mode: string;
}

export class WebglBackend implements Backend {
  readonly name = WEBGL;
  readonly dtype = 'float32' as const;
  /** With a batch that is a multiple of 4 the implicit-GEMM convolutions (kernels/conv.ts) read
   *  windows straight from x and build no column matrix. Other batches fall back to im2col + GEMM
   *  inside each pass, where the planner's im2col path, which keeps the column matrix from the
   *  forward pass for the weight gradient, builds it once instead of twice. */
  readonly prefersColumnFree = implicitGemm;
  private readonly buffers = new Set<WebglBuffer>();
  private bytesInUse = 0;
  private peakBytes = 0;

  /** Set when the renderer is a software rasteriser (SwiftShader, llvmpipe, …): why the cpu
   *  backend is the better choice there. Apps can show it; select.ts warns with it once. */
  readonly softwareWarning: string | null;

  constructor(private readonly rt: GpuRuntime, readonly info: WebglInfo) {
    this.softwareWarning = info.software
      ? `backend 'gpu' runs on a software WebGL renderer (${info.renderer}): its shaders execute on the CPU, where ` +
        "the cpu backend (WebAssembly SIMD on every core) trains many times faster. Choose backend 'cpu', or 'auto', " +
        'which never picks a software renderer.'
      : null;
  }

  alloc(size: number, kind: BufferKind = 'float'): WebglBuffer {
    checkAllocSize(WEBGL, size);
    if (kind !== 'float' && kind !== 'int32') throw new Error(`${WEBGL}.alloc: unknown buffer kind '${String(kind)}'`);
    this.rt.layout(size);
    const buf = new WebglBuffer(size, kind, this);
    this.buffers.add(buf);
    this.bytesInUse += size * 4;
    this.peakBytes = Math.max(this.peakBytes, this.bytesInUse);
    return buf;
  }

  dispose(buf: DeviceBuffer): void {
    if (buf.disposed) return;
    const own = this.own(buf, 'dispose');
    this.rt.release(own);
    this.buffers.delete(own);
    this.bytesInUse -= own.size * 4;
    own.disposed = true;
  }

  write(buf: DeviceBuffer, data: ArrayLike<number>, offset = 0): void {
    const own = this.live(buf, 'write');
    if (!Number.isInteger(offset) || offset < 0 || offset + data.length > own.size) {
      throw new Error(`${WEBGL}.write: ${data.length} values at offset ${offset} do not fit a buffer of ${own.size}`);
    }
    if (offset === 0 && data.length === own.size) {
      own.tex?.delete();
      own.tex = null;
      own.host = Float32Array.from(data);
      return;
    }
    const values = own.host ?? this.rt.read(own);
    values.set(data, offset);
    own.tex?.delete();
    own.tex = null;
    own.host = values;
  }

  read(buf: DeviceBuffer): Float32Array | Int32Array {
    const own = this.live(buf, 'read');
    const values = this.rt.read(own);
    return own.kind === 'int32' ? Int32Array.from(values) : values;
  }

  run<K extends KernelName>(name: K, args: KernelArgs<DeviceBuffer>[K]): void {
    // The table is keyed by name, so the entry for K has K's signature; TypeScript cannot
    // correlate the two through the mapped type (as in dispatch()).
    const kernel = webglKernels[name] as WebglKernel<K> | undefined;
    if (!kernel) throw new Error(`Kernel '${name}' is not implemented by backend '${WEBGL}'`);
    kernel(this.rt, args);
  }

  has(name: KernelName): boolean {
    return webglKernels[name] !== undefined;
  }

  memory(): MemoryStats {
    return { bytesInUse: this.bytesInUse, peakBytes: this.peakBytes, buffers: this.buffers.size, reservedBytes: this.bytesInUse };
  }

  resetPeak(): void {
    this.peakBytes = this.bytesInUse;
  }

  /** Compiled kernels (one per kernel and shape), kernel calls, and the texture fetches and
   *  multiply-adds of the GEMM and convolution passes so far. */
  stats(): { compiled: number; calls: number; fetches: number; macs: number } {
    return { compiled: this.rt.compiled, calls: this.rt.calls, ...this.rt.work };
  }

  /** Starts or stops timing each kernel call (each call then waits for the GPU); returns the
   *  milliseconds and calls per shader since profiling started. */
  profile(on: boolean): Map<string, { calls: number; ms: number }> {
    return this.rt.profile(on);
  }

  /** Releases every kernel, texture and the context. The backend is unusable afterwards. */
  destroy(): void {
    for (const b of [...this.buffers]) this.dispose(b);
    this.rt.destroy();
  }

  private own(buf: DeviceBuffer, what: string): WebglBuffer {
    if (!(buf instanceof WebglBuffer)) {
      throw new Error(`${WEBGL} ${what}: the buffer belongs to backend '${buf.backendName}', not '${WEBGL}'`);
    }
    if (buf.owner !== this) throw new Error(`${WEBGL} ${what}: the buffer belongs to another '${WEBGL}' backend instance`);
    return buf;
  }

  private live(buf: DeviceBuffer, what: string): WebglBuffer {
    const own = this.own(buf, what);
    if (own.disposed) throw new Error(`${WEBGL} ${what}: the buffer was disposed`);
    return own;
  }
}

/** Node has no WebGL2. headless-gl (the npm package gl) creates WebGL 1 contexts (its WebGL 2 mode
 *  is experimental and very incomplete, stackgl/headless-gl#310), and these shaders need GLSL ES
 *  3.00: integer texel fetches, bit operations and several render targets. */
const NODE_NO_WEBGL2 = "backend 'gpu' needs WebGL2, which Node does not have: the GPU path runs in browsers and Web Workers " +
  '(headless-gl, the npm package gl, gives Node WebGL 1 only, without the integer texel fetches and render targets these ' +
  'shaders use); use the cpu backend (the default), or pass a WebGL2 context: createWebglBackend({ context })';

/** Starts gpu.js on a fresh WebGL2 context (or the one given) and checks float32 rendering. */
export async function createWebglBackend(opts: WebglBackendOptions = {}): Promise<WebglBackend> {
  if (inNode() && !opts.context) throw new Error(NODE_NO_WEBGL2);
  const { GPU } = await loadGpuJs();
  let gl: GL2 | null = opts.context ?? null;
  let canvas: object | null = gl ? gl.canvas : null;
  if (!gl) {
    const c = makeCanvas();
    if (!c) throw new Error("backend 'gpu': this environment has neither a DOM canvas nor OffscreenCanvas");
    gl = createContext(c);
    canvas = c;
    if (!gl) throw new Error("backend 'gpu': WebGL2 is not available here (the browser or its GPU blocklist disabled it); use the cpu backend");
  }
  const probe = describeContext(gl);
  if (probe.problem) throw new Error(`backend 'gpu' refused: ${probe.problem}, so training would run at reduced precision; use the cpu backend`);
  const gpu: GpuInstance = new GPU({ mode: 'webgl2', canvas: canvas ?? undefined, context: gl });
  const info: WebglInfo = { ...probe, mode: gpu.mode };
  if (opts.maxTextureSize !== undefined) {
    const cap = opts.maxTextureSize;
    if (!Number.isInteger(cap) || cap < 16 || cap > probe.maxTextureSize) {
      throw new Error(`createWebglBackend: maxTextureSize must be an integer from 16 to this GPU's MAX_TEXTURE_SIZE ${probe.maxTextureSize}, got ${cap}`);
    }
    info.maxTextureSize = cap;
  }
  // Profiling waits for each kernel by reading one texel of its output (gl.finish returns at once
  // in Chromium, whose GPU work runs in another process).
  let fb: WebGLFramebuffer | null = null;
  const texel = new Float32Array(4);
  const finish = (t: GpuTexture): void => {
    fb ??= gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t.texture, 0);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, texel);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  };
  const ownContext = !opts.context;
  const release = (): void => {
    if (fb) gl.deleteFramebuffer(fb);
    // A context the caller passed in stays theirs.
    if (ownContext) gl.getExtension('WEBGL_lose_context')?.loseContext();
  };
  const rt = new GpuRuntime(gpu, info.maxTextureSize, { finish, release });
  const backend = new WebglBackend(rt, info);
  try {
    selfTest(backend);
  } catch (e) {
    backend.destroy();
    throw e;
  }
  return backend;
}

/** Values that half floats (11-bit mantissa, max 65504) or 8-bit packing cannot carry. */
const PROBE = [1 + 2 ** -20, -(1 + 2 ** -23), 3.0e38, 1.5e-30, 16777215, -0.1];

function selfTest(backend: WebglBackend): void {
  const x = backend.alloc(PROBE.length), y = backend.alloc(PROBE.length);
  try {
    backend.write(x, PROBE);
    backend.run('scale', { x, out: y, n: PROBE.length, alpha: 1 });
    const got = backend.read(y);
    PROBE.forEach((v, i) => {
      if (got[i] !== Math.fround(v)) {
        throw new Error(`backend 'gpu' refused: this GPU context does not keep float32 precision ` +
          `(${Math.fround(v)} came back as ${got[i]}, as from a half-float or 8-bit texture); use the cpu backend`);
      }
    });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("backend 'gpu' refused")) throw e;
    throw new Error(`backend 'gpu' refused: float32 textures do not work in this context (${e instanceof Error ? e.message : String(e)}); use the cpu backend`, { cause: e });
  } finally {
    backend.dispose(x);
    backend.dispose(y);
  }
}
