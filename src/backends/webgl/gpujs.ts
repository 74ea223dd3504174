// The part of gpu.js (https://github.com/gpujs/gpu.js, 2.24) this backend uses, typed structurally,
// and its lazy loader. gpu.js is an optional peer dependency: nothing imports it until a webgl
// backend is created, so a CPU-only install in Node never needs it (nor its 84 MB `webgpu` dependency).

/** What a kernel function sees as `this` (constants are Integer-typed, see runtime.ts). */
export interface KernelThis {
  thread: { x: number };
  constants: Record<string, number>;
}

/** A kernel's JS source: gpu.js parses it (Function.prototype.toString) into GLSL; it never runs in JS.
 *  Buffers arrive as arrays, scalars as numbers. */
export type KernelSource = (this: KernelThis, ...args: never[]) => number;

/** A texture a pipeline kernel returned: it stays on the GPU until deleted. */
export interface GpuTexture {
  toArray(): Float32Array | number[];
  delete(): void;
  readonly output: readonly number[];
  readonly size: readonly number[];
}

export type KernelArg = GpuTexture | Float32Array | number;

export interface GpuKernel {
  (...args: KernelArg[]): GpuTexture;
  destroy(removeCanvasReferences?: boolean): void;
}

export interface KernelSettings {
  output: number[];
  pipeline: boolean;
  immutable: boolean;
  precision: 'single';
  tactic: 'precision';
  optimizeFloatMemory: boolean;
  constants: Record<string, number>;
  constantTypes: Record<string, 'Integer'>;
}

export interface NativeFunction { name: string; source: string }

export interface GpuInstance {
  readonly mode: string;
  createKernel(fn: KernelSource, settings: KernelSettings): GpuKernel;
  addNativeFunction(name: string, source: string, settings?: { returnType?: string }): GpuInstance;
  destroy(): Promise<void> | void;
}

export interface GpuSettings {
  mode: 'webgl2' | 'headlessgl';
  canvas?: object;
  context?: object;
}

export interface GpuJsModule {
  GPU: (new (settings: GpuSettings) => GpuInstance) & { isHeadlessGLSupported?: boolean };
}

const INSTALL_HINT = 'install it with `npm install gpu.js` (the browser bundle of argon-nn already includes it)';

/** Loads gpu.js on first use. The specifier is a plain package name: the browser bundle inlines it,
 *  the Node bundle leaves it external. `hint` replaces the install advice (Node also needs gl). */
export async function loadGpuJs(hint: string | null = null): Promise<GpuJsModule> {
  let mod: unknown;
  try {
    mod = await import('gpu.js');
  } catch (e) {
    throw new Error(`backend 'gpu' needs the optional package gpu.js, which is not installed. ${hint ?? INSTALL_HINT}`, { cause: e });
  }
  // CommonJS interop: Node exposes module.exports as named exports, bundlers also as `default`.
  const ns = mod as { GPU?: unknown; default?: { GPU?: unknown } };
  const GPU = ns.GPU ?? ns.default?.GPU;
  if (typeof GPU !== 'function') throw new Error('gpu.js loaded, but it exports no GPU class (gpu.js 2.x is required)');
  return { GPU: GPU as GpuJsModule['GPU'] };
}
