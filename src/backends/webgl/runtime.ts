// The GPU side of the webgl backend: compiles gpu.js kernels once per shape and caches them, keeps
// every buffer's values in a texture between kernels (gpu.js `pipeline`), and releases textures
// explicitly.
//
// Texture ownership: kernels are `immutable`, so each call returns a fresh texture handle (a clone
// sharing the GL texture the kernel keeps as its last output). A buffer owns exactly one handle;
// replacing a buffer's values deletes its old handle. Once a buffer lets go, the GL texture stays
// with the kernel that drew it and is drawn into again on that kernel's next call (gpu.js
// GLTexture.beforeMutate), so a training step reuses the previous step's textures instead of
// allocating: at most one pooled texture per compiled kernel.
//
// Every kernel's output is one dimension ([length]); gpu.js lays it out in a near-square texture
// and all indices are computed with exact integer natives (natives.ts).
import type { GpuInstance, GpuKernel, GpuTexture, KernelArg, KernelSource, KernelSettings, KernelThis } from './gpujs.ts';
import { NATIVES } from './natives.ts';
import { WebglBuffer } from './buffer.ts';

export type RunArg = WebglBuffer | GpuTexture | number;

function uploadK(this: KernelThis, a: ArrayLike<number>): number {
  return a[this.thread.x];
}

function fillK(this: KernelThis, value: number): number {
  return value;
}

/** out[i] = part[i − offset] inside [offset, offset + n), old[i] elsewhere. */
function spliceK(this: KernelThis, old: ArrayLike<number>, part: ArrayLike<number>): number {
  if (this.thread.x >= this.constants.offset && this.thread.x < this.constants.offset + this.constants.n) {
    return part[this.thread.x - this.constants.offset];
  }
  return old[this.thread.x];
}

export class GpuRuntime {
  private readonly kernels = new Map<string, GpuKernel>();
  /** Kernel sources by identity, so two sources can never share a cache entry by name. */
  private readonly sources = new Map<KernelSource, number>();
  private empty: GpuTexture | null = null;
  /** Kernel calls since creation, for tests and benchmarks. */
  calls = 0;

  constructor(private readonly gpu: GpuInstance, readonly maxTextureSize: number) {
    for (const f of NATIVES) gpu.addNativeFunction(f.name, f.source, { returnType: 'Integer' });
  }

  get compiled(): number {
    return this.kernels.size;
  }

  /** Refuses a length no texture of this GPU can hold. */
  checkLength(length: number, what: string): void {
    const max = this.maxTextureSize;
    if (length > max * max) {
      throw new Error(`webgl backend: ${what} of ${length} values does not fit one texture: MAX_TEXTURE_SIZE is ${max} ` +
        `here, so at most ${max}×${max} = ${max * max} values per buffer (use a smaller batch, or the cpu backend)`);
    }
  }

  /** Runs `fn` over `length` outputs and returns the new texture (the caller owns it). Buffer
   *  arguments are uploaded first; numbers become float uniforms, so changing them never recompiles. */
  run(name: string, fn: KernelSource, length: number, constants: Record<string, number>, args: RunArg[]): GpuTexture {
    const values: KernelArg[] = args.map((a) => (a instanceof WebglBuffer ? this.texture(a) : a));
    return this.call(name, fn, length, constants, values);
  }

  /** A buffer's texture, uploading pending host values (or zeros) first. An empty buffer (a
   *  window with no output positions, say) reads as one shared zero: no texture has 0 texels, and
   *  no kernel index can land in an empty buffer anyway. */
  texture(buf: WebglBuffer): GpuTexture {
    if (buf.disposed) throw new Error('webgl backend: a kernel read a disposed buffer');
    if (buf.size === 0) {
      this.empty ??= this.call('fill', fillK, 1, {}, [0]);
      return this.empty;
    }
    if (buf.tex) return buf.tex;
    buf.tex = buf.host
      ? this.call('upload', uploadK, buf.size, {}, [buf.host])
      : this.call('fill', fillK, buf.size, {}, [0]);
    buf.host = null;
    return buf.tex;
  }

  /** Stores `tex` (holding n values) into buf at `offset`, keeping buf's other values, and takes
   *  ownership of tex. */
  assign(buf: WebglBuffer, tex: GpuTexture, offset = 0, n = buf.size): void {
    if (offset === 0 && n === buf.size) {
      buf.tex?.delete();
      buf.tex = tex;
      buf.host = null;
      return;
    }
    const merged = this.call('splice', spliceK, buf.size, { offset, n }, [this.texture(buf), tex]);
    tex.delete();
    buf.tex?.delete();
    buf.tex = merged;
  }

  /** Sets the first n values of buf to `value`. */
  fill(buf: WebglBuffer, value: number, n = buf.size): void {
    this.assign(buf, this.call('fill', fillK, n, {}, [value]), 0, n);
  }

  read(buf: WebglBuffer): Float32Array {
    if (buf.host) return buf.host.slice();
    if (!buf.tex) return new Float32Array(buf.size);
    const values = buf.tex.toArray();
    if (!(values instanceof Float32Array) && !Array.isArray(values)) throw new Error('webgl backend: texture readback returned no 1-D array');
    const out = new Float32Array(buf.size);
    out.set(values.length > buf.size ? values.slice(0, buf.size) : values);
    return out;
  }

  release(buf: WebglBuffer): void {
    buf.tex?.delete();
    buf.tex = null;
    buf.host = null;
  }

  destroy(): void {
    this.empty?.delete();
    this.empty = null;
    for (const k of this.kernels.values()) k.destroy();
    this.kernels.clear();
    void this.gpu.destroy();
  }

  private call(name: string, fn: KernelSource, length: number, constants: Record<string, number>, args: KernelArg[]): GpuTexture {
    this.checkLength(length, `the output of kernel '${name}'`);
    let id = this.sources.get(fn);
    if (id === undefined) this.sources.set(fn, id = this.sources.size);
    const key = `${name}#${id}|${length}|${Object.values(constants).join(',')}|${args.map(argKey).join(',')}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      const constantTypes: Record<string, 'Integer'> = {};
      for (const [c, v] of Object.entries(constants)) {
        if (!Number.isInteger(v)) throw new Error(`webgl backend: kernel '${name}' constant ${c} = ${v} is not an integer (scalars go in as arguments)`);
        constantTypes[c] = 'Integer';
      }
      const settings: KernelSettings = {
        output: [length], pipeline: true, immutable: true, precision: 'single', tactic: 'precision',
        optimizeFloatMemory: false, constants: { ...constants }, constantTypes,
      };
      kernel = this.gpu.createKernel(fn, settings);
      this.kernels.set(key, kernel);
    }
    this.calls++;
    return kernel(...args);
  }
}

function argKey(a: KernelArg): string {
  if (typeof a === 'number') return 's';
  if (a instanceof Float32Array) return `h${a.length}`;
  return `t${a.output[0]}`;
}
