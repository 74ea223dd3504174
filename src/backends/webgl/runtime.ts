// The GPU side of the webgl backend: compiles each Shader (shader.ts) once per shape with gpu.js and
// caches it, keeps every buffer's values in a packed texture between kernels (layout.ts), uploads
// host values and reads results back.
//
// Texture ownership: kernels are `pipeline` and `immutable`, so each call returns fresh texture
// handles (clones sharing the GL texture the kernel keeps as its last output). A buffer owns
// exactly one handle; replacing a buffer's values deletes its old handle. Once a buffer lets go,
// the GL texture stays with the kernel that drew it and is drawn into again on that kernel's next
// call (gpu.js GLTexture.beforeMutate), so a training step reuses the previous step's textures
// instead of allocating: at most one pooled texture per compiled kernel and target.
import type { GpuInstance, GpuKernel, GpuTexture, KernelArg, KernelSettings } from './gpujs.ts';
import { packedLayout, type PackedLayout } from './layout.ts';
import { globalsSource, nativeFunctions, OUT_TEXEL, shellSource, subKernelSources, targetsOf, type Consts, type Shader } from './shader.ts';
import { WebglBuffer } from './buffer.ts';

export type RunArg = WebglBuffer | GpuTexture | Float32Array | number;

/** Host values into a buffer's layout: texel t of the output is texel t of gpu.js's upload
 *  texture of the array, which holds the values 4 per texel in order at its own width. */
const UPLOAD: Shader = {
  name: 'upload',
  textures: ['a'],
  glsl: () => `
vec4 argonMain(int x, int y) {
  ${OUT_TEXEL}
  if (t >= constants_texels) return vec4(0.0);
  int w = user_aSize.x;
  int row = t / w;
  return texelFetch(user_a, ivec2(t - row * w, row), 0);
}`,
};

const ZEROS: Shader = { name: 'zeros', textures: [], glsl: () => 'vec4 argonMain(int x, int y) { return vec4(0.0); }' };

export class GpuRuntime {
  private readonly kernels = new Map<string, GpuKernel>();
  /** Shaders by identity, so two shaders can never share a cache entry by name. */
  private readonly ids = new Map<Shader, number>();
  private readonly layouts = new Map<number, PackedLayout>();
  /** Kernel calls since creation, for tests and benchmarks. */
  calls = 0;
  /** Texture fetches and multiply-adds of the GEMM and convolution passes run so far, as their
   *  kernels count them (gemmCost, convPassCost): the benchmark prints fetches per multiply-add. */
  readonly work = { fetches: 0, macs: 0 };

  /** Per-shader call counts and milliseconds while profiling (see profile()), else null. */
  private times: Map<string, { calls: number; ms: number }> | null = null;

  /** `hooks.finish(t)` waits until the GPU has drawn texture t (a one-texel read), for profiling;
   *  `hooks.release()` frees what the backend made besides the kernels (its context, when it
   *  created one), after destroy() has destroyed them. */
  constructor(private readonly gpu: GpuInstance, readonly maxTextureSize: number,
    private readonly hooks: { finish?: (t: GpuTexture) => void; release?: () => void } = {}) {}

  /** Starts (true) or stops (false) timing every kernel call: each call then waits for the GPU,
   *  which slows a pipeline down but shows where its time goes. Returns the times so far. */
  profile(on: boolean): Map<string, { calls: number; ms: number }> {
    const before = this.times ?? new Map<string, { calls: number; ms: number }>();
    this.times = on ? new Map() : null;
    return before;
  }

  get compiled(): number {
    return this.kernels.size;
  }

  count(c: { fetches: number; macs: number }): void {
    this.work.fetches += c.fetches;
    this.work.macs += c.macs;
  }

  /** The packed layout of a buffer of `size` values; throws past MAX_TEXTURE_SIZE, naming it. */
  layout(size: number, what?: string): PackedLayout {
    let l = this.layouts.get(size);
    if (!l) {
      l = packedLayout(size, this.maxTextureSize, what);
      this.layouts.set(size, l);
    }
    return l;
  }

  /** Runs `shader` over the texels of layout `out` (or of the packed layout of `out` values) and
   *  returns one texture per render target (the caller owns them); the shader sees the layout's
   *  shift as the constant `outS` besides `constants`. Buffer arguments are uploaded first;
   *  numbers become float uniforms, so changing them never recompiles. */
  run(shader: Shader, out: PackedLayout | number, constants: Consts, args: readonly RunArg[]): GpuTexture[] {
    const l = typeof out === 'number' ? this.layout(out) : out;
    const values: KernelArg[] = args.map((a) => (a instanceof WebglBuffer ? this.texture(a) : a));
    return this.call(shader, [l.width, l.height], { ...layoutConstants(shader, values), ...constants, outS: l.shift }, values);
  }

  /** run() for a single render target. */
  run1(shader: Shader, out: PackedLayout | number, constants: Consts, args: readonly RunArg[]): GpuTexture {
    return this.run(shader, out, constants, args)[0];
  }

  /** Runs a single-target shader over the whole layout of `out` and stores the result there. The
   *  shader sees the constants `outS` and `texels` besides `constants`. */
  into(out: WebglBuffer, shader: Shader, constants: Consts, args: readonly RunArg[]): void {
    const l = this.layout(out.size);
    this.assign(out, this.run1(shader, l, { ...constants, texels: l.texels }, args));
  }

  /** A buffer's texture, uploading pending host values (or zeros) first. */
  texture(buf: WebglBuffer): GpuTexture {
    if (buf.disposed) throw new Error('webgl backend: a kernel read a disposed buffer');
    if (buf.tex) return buf.tex;
    const l = this.layout(buf.size);
    const dims: [number, number] = [l.width, l.height];
    buf.tex = buf.host && buf.size > 0
      ? this.call(UPLOAD, dims, { outS: l.shift, texels: Math.ceil(buf.host.length / 4) }, [buf.host])[0]
      : this.call(ZEROS, dims, {}, [])[0];
    buf.host = null;
    return buf.tex;
  }

  /** Makes `tex` (in buf's layout) the buffer's values and takes ownership of it. */
  assign(buf: WebglBuffer, tex: GpuTexture): void {
    if (buf.tex !== tex) buf.tex?.delete();
    buf.tex = tex;
    buf.host = null;
  }

  read(buf: WebglBuffer): Float32Array {
    if (buf.host) return buf.host.slice();
    if (!buf.tex || buf.size === 0) return new Float32Array(buf.size);
    return buf.tex.renderRawOutput().slice(0, buf.size);
  }

  release(buf: WebglBuffer): void {
    buf.tex?.delete();
    buf.tex = null;
    buf.host = null;
  }

  destroy(): void {
    for (const k of this.kernels.values()) k.destroy();
    this.kernels.clear();
    // gpu.js's destroy() loses the context only through kernels it still lists, and each kernel
    // unlisted itself above: the release hook loses a context the backend created.
    Promise.resolve(this.gpu.destroy()).catch(() => undefined);
    this.hooks.release?.();
  }

  private call(shader: Shader, output: readonly [number, number], constants: Consts, args: readonly KernelArg[]): GpuTexture[] {
    const [w, h] = output;
    if (w > this.maxTextureSize || h > this.maxTextureSize || w < 1 || h < 1) {
      throw new Error(`webgl backend: kernel '${shader.name}' needs a ${w}×${h} output, beyond MAX_TEXTURE_SIZE ${this.maxTextureSize}`);
    }
    let id = this.ids.get(shader);
    if (id === undefined) this.ids.set(shader, id = this.ids.size);
    const key = `${shader.name}#${id}|${w}x${h}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}|${args.map(argKey).join(',')}`;
    let kernel = this.kernels.get(key);
    if (!kernel) {
      kernel = this.compile(shader, output, constants);
      this.kernels.set(key, kernel);
    }
    this.calls++;
    const t0 = this.times ? performance.now() : 0;
    const out = kernel(...args);
    if (this.times) {
      this.hooks.finish?.(isTextureMap(out) ? out.result : out);
      const entry = this.times.get(shader.name) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += performance.now() - t0;
      this.times.set(shader.name, entry);
    }
    if (!isTextureMap(out)) return [out];
    const targets = [out.result];
    for (let i = 1; i < targetsOf(shader); i++) targets.push(out[`out${i}`]);
    return targets;
  }

  private compile(shader: Shader, output: readonly [number, number], constants: Consts): GpuKernel {
    const constantTypes: Record<string, 'Integer'> = {};
    for (const [c, v] of Object.entries(constants)) {
      if (!Number.isInteger(v)) throw new Error(`webgl backend: kernel '${shader.name}' constant ${c} = ${v} is not an integer (scalars go in as arguments)`);
      constantTypes[c] = 'Integer';
    }
    const settings: KernelSettings = {
      output: [output[0], output[1]], pipeline: true, immutable: true, precision: 'single', tactic: 'precision',
      returnType: 'Array(4)', constants: { ...constants }, constantTypes,
      nativeFunctions: nativeFunctions(shader, constants), injectedNative: globalsSource(shader), loopMaxIterations: 1,
    };
    const source = shellSource(shader);
    return targetsOf(shader) > 1
      ? this.gpu.createKernelMap(subKernelSources(shader), source, settings)
      : this.gpu.createKernel(source, settings);
  }
}

/** `xS` = log2(width) for every texture parameter x whose texture has a power-of-two width (a
 *  packed buffer or a packed intermediate), for flatReader (shader.ts). */
function layoutConstants(shader: Shader, args: readonly KernelArg[]): Record<string, number> {
  const out: Record<string, number> = {};
  shader.textures.forEach((name, i) => {
    const a = args[i];
    if (typeof a === 'number' || a instanceof Float32Array || a === undefined) return;
    const w = a.size[0];
    if ((w & (w - 1)) === 0) out[`${name}S`] = Math.log2(w);
  });
  return out;
}

function isTextureMap(v: GpuTexture | Record<string, GpuTexture>): v is Record<string, GpuTexture> {
  return !('renderRawOutput' in v);
}

function argKey(a: KernelArg): string {
  if (typeof a === 'number') return 's';
  if (a instanceof Float32Array) return `h${a.length}`;
  return `t${a.size[0]}x${a.size[1]}`;
}
