// The part of gpu.js (https://github.com/gpujs/gpu.js, 2.24) this backend uses, typed structurally,
// and its lazy loader. gpu.js is an optional peer dependency: nothing imports it until a webgl
// backend is created, so a CPU-only install in Node never needs it (nor its 84 MB `webgpu` dependency).

/** A texture a pipeline kernel returned: it stays on the GPU until deleted. */
export interface GpuTexture {
  /** The raw RGBA32F texels, row by row (gpu.js GLTexture.renderRawOutput: one readPixels). */
  renderRawOutput(): Float32Array;
  delete(): void;
  /** The kernel output's dimensions: [width, height] for the 2-D kernels of this backend. */
  readonly output: readonly number[];
  readonly size: readonly number[];
  /** The GL texture itself. */
  readonly texture: WebGLTexture;
}

export type KernelArg = GpuTexture | Float32Array | number;

export interface GpuKernel {
  (...args: KernelArg[]): GpuTexture | Record<string, GpuTexture>;
  destroy(removeCanvasReferences?: boolean): void;
}

/** A native GLSL function with its types spelled out (gpu.js reads them otherwise from the first
 *  signature in the source). */
export interface NativeFunctionSpec {
  name: string;
  source: string;
  returnType: string;
  argumentTypes: Record<string, string>;
}

export interface KernelSettings {
  output: [number, number];
  pipeline: true;
  immutable: true;
  precision: 'single';
  tactic: 'precision';
  returnType: 'Array(4)';
  constants: Record<string, number>;
  constantTypes: Record<string, 'Integer'>;
  nativeFunctions: NativeFunctionSpec[];
  injectedNative: string;
  /** gpu.js caps loops it cannot bound at this count; every loop here lives in GLSL. */
  loopMaxIterations: number;
}

export interface GpuInstance {
  readonly mode: string;
  createKernel(source: string, settings: KernelSettings): GpuKernel;
  createKernelMap(subKernels: Record<string, string>, source: string, settings: KernelSettings): GpuKernel;
  destroy(): Promise<void> | void;
}

export interface GpuSettings {
  mode: 'webgl2';
  canvas?: object;
  context?: object;
}

export interface GpuJsModule {
  GPU: new (settings: GpuSettings) => GpuInstance;
}

const INSTALL_HINT = 'install it with `npm install gpu.js` (the browser bundle of argon-nn already includes it)';

/** Loads gpu.js on first use. The specifier is a plain package name: the browser bundle inlines it,
 *  the Node bundle leaves it external. */
export async function loadGpuJs(): Promise<GpuJsModule> {
  let mod: unknown;
  try {
    mod = await import('gpu.js');
  } catch (e) {
    throw new Error(`backend 'gpu' needs the optional package gpu.js, which is not installed. ${INSTALL_HINT}`, { cause: e });
  }
  // CommonJS interop: Node exposes module.exports as named exports, bundlers also as `default`.
  const ns = mod as { GPU?: unknown; default?: { GPU?: unknown } };
  const GPU = ns.GPU ?? ns.default?.GPU;
  if (typeof GPU !== 'function') throw new Error('gpu.js loaded, but it exports no GPU class (gpu.js 2.x is required)');
  return { GPU: GPU as GpuJsModule['GPU'] };
}
