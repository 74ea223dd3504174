// Finding a WebGL2 context that trains honestly, and telling a real GPU from a software renderer.
//
// 'auto' must not pick a software rasteriser: SwiftShader (Chromium's fallback, also what headless
// Chromium uses without a GPU) and Mesa's llvmpipe/softpipe/lavapipe run shaders on the CPU,
// hundreds of times slower than the wasm kernels. The renderer string comes from
// WEBGL_debug_renderer_info where the browser exposes it (Chromium and Firefox unmask RENDERER
// itself since 2023, so plain RENDERER is the fallback).

export interface WebGLProbe {
  /** A WebGL2 context could be created. */
  webgl2: boolean;
  /** Float32 textures are renderable (EXT_color_buffer_float). */
  floatRender: boolean;
  /** Mantissa bits of highp float in fragment shaders (23 = IEEE single). */
  highpBits: number;
  maxTextureSize: number;
  renderer: string;
  /** The renderer is a CPU rasteriser (SwiftShader, llvmpipe, …). */
  software: boolean;
  /** Why this context cannot run the gpu backend, or null when it can. */
  problem: string | null;
}

const SOFTWARE = /swiftshader|llvmpipe|softpipe|lavapipe|software|basic render/i;

export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE.test(renderer);
}

export type GL2 = WebGL2RenderingContext;

/** Node (or another server runtime): no DOM and no OffscreenCanvas, so no WebGL of the browser's. */
export function inNode(): boolean {
  return typeof document === 'undefined' && typeof OffscreenCanvas === 'undefined' &&
    typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** A canvas for a context: a DOM canvas on a page, an OffscreenCanvas in a worker, null in Node. */
export function makeCanvas(): HTMLCanvasElement | OffscreenCanvas | null {
  if (typeof document !== 'undefined' && typeof document.createElement === 'function') return document.createElement('canvas');
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(1, 1);
  return null;
}

export function createContext(canvas: HTMLCanvasElement | OffscreenCanvas): GL2 | null {
  const attrs = { alpha: false, depth: false, stencil: false, antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: false, powerPreference: 'high-performance' as const };
  const ctx = canvas.getContext('webgl2', attrs);
  return ctx && typeof (ctx as GL2).getParameter === 'function' ? ctx as GL2 : null;
}

/** Describes a context; `problem` names the first reason it cannot run float32 training. */
export function describeContext(gl: GL2): WebGLProbe {
  const floatRender = gl.getExtension('EXT_color_buffer_float') !== null;
  const hp = gl.getShaderPrecisionFormat(gl.FRAGMENT_SHADER, gl.HIGH_FLOAT);
  const highpBits = hp ? hp.precision : 0;
  const maxTextureSize = Number(gl.getParameter(gl.MAX_TEXTURE_SIZE));
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  let problem: string | null = null;
  if (!floatRender) problem = 'this WebGL2 context cannot render to float32 textures (EXT_color_buffer_float is missing)';
  else if (highpBits < 23) problem = `fragment shaders have ${highpBits}-bit highp floats, not IEEE single precision (23 bits)`;
  return { webgl2: true, floatRender, highpBits, maxTextureSize, renderer, software: isSoftwareRenderer(renderer), problem };
}

/** Probes WebGL2 without loading gpu.js (for 'auto'); the probe context is released again. */
export function probeWebGL(): WebGLProbe {
  const none = (problem: string): WebGLProbe => ({
    webgl2: false, floatRender: false, highpBits: 0, maxTextureSize: 0, renderer: '', software: false, problem,
  });
  const canvas = makeCanvas();
  if (!canvas) return none('no canvas here (neither a DOM nor OffscreenCanvas)');
  const gl = createContext(canvas);
  if (!gl) return none('WebGL2 is not available');
  const probe = describeContext(gl);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return probe;
}
